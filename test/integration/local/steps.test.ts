/**
 * Local mode with many steps in flight at once. Each queue delivery runs under a signal of its
 * own, as each Lambda invocation does; with one process-long signal shared by every step, 30
 * concurrent steps put more than 10 abort listeners on it (one per DynamoDB call in flight) and
 * Node printed `MaxListenersExceededWarning: Possible EventTarget memory leak detected`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../lib/ports/logger.js';
import { startStack, type Stack } from '../../../local/stack.js';

const COUNT = 20;
let stack: Stack;
const warnings: Error[] = [];
const onWarning = (w: Error): void => void warnings.push(w);

beforeAll(async () => {
  stack = await startStack({ token: 't', logger: silentLogger, dispatchEveryMs: 60_000 });
  // Nothing listens there: every step fails at its first cluster call and says so in history.
  await stack.registerCluster({
    name: 'nowhere',
    kind: 'endpoint',
    server: 'http://127.0.0.1:9',
    token: 'x',
  });
  process.on('warning', onWarning);
});
afterAll(async () => {
  process.off('warning', onWarning);
  await stack?.close();
});

describe('local mode with 20 steps in flight', () => {
  it('runs them all without a MaxListenersExceededWarning', async () => {
    const names = Array.from({ length: COUNT }, (_, i) => `app${i}`);
    const created = await Promise.all(names.map((name) => register(name)));
    expect(created).toEqual(Array(COUNT).fill(201));
    await stack.queue.drain();
    // Warnings are emitted on the next tick.
    await new Promise((r) => setImmediate(r));
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    const reasons = await Promise.all(names.map((name) => lastReason(name)));
    expect(reasons).toEqual(Array(COUNT).fill('StepFailed'));
  }, 120_000);
});

async function register(name: string): Promise<number> {
  const manifest = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: ${name}, namespace: test }
spec:
  provider: istio
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: ${name} }
  service: { port: 9898 }
  analysis: { interval: 1m, threshold: 2, maxWeight: 50, stepWeight: 10 }
`;
  const res = await fetch(`${stack.url}/canaries?cluster=nowhere`, {
    method: 'POST',
    headers: { authorization: 'Bearer t', 'content-type': 'application/yaml' },
    body: manifest,
  });
  return res.status;
}

async function lastReason(name: string): Promise<string | undefined> {
  const res = await fetch(`${stack.url}/canaries/nowhere/test/${name}/history?limit=1`, {
    headers: { authorization: 'Bearer t' },
  });
  const body = (await res.json()) as { items: { reason: string }[] };
  return body.items[0]?.reason;
}
