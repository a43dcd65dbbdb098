/**
 * DynamoDB requests per analysis step, counted at a proxy in front of the store (never timed):
 * the control plane's step handler against the sandbox cluster, one step of each kind.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricsProvider } from '../../../lib/ports/metrics.js';
import type { StepMessage } from '../../../lib/ports/queue.js';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { countDynamoCalls, type DynamoCalls } from '../../support/dynamo-calls.js';
import { startDynamo, type LocalDynamo } from '../../support/dynamo.js';
import { apply, podinfoCanary, podinfoDeployment, podinfoKey as key } from '../../support/release.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';

const signal = new AbortController().signal;

/** The builtin checks pass. */
const healthy: MetricsProvider = {
  query: () => Promise.resolve({ kind: 'value', value: 100 }),
  isOnline: () => Promise.resolve(true),
};

let sandbox: Sandbox;
let dyn: LocalDynamo;
let calls: DynamoCalls;
let cp: ControlPlane;

beforeEach(async () => {
  sandbox = await startSandbox({ name: 'sandbox', rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  dyn = await startDynamo();
  calls = await countDynamoCalls(dyn.endpoint);
  cp = await startControlPlane({
    metrics: healthy,
    env: { TABLE_NAME: dyn.table, DYNAMODB_ENDPOINT: calls.endpoint },
  });
  const r = await cp.api('POST', '/clusters', {
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.httpUrl,
    token: sandbox.token,
  });
  expect(r.status).toBe(201);
  await apply(sandbox, podinfoDeployment('podinfo:6.0.0'));
  const created = await cp.api('POST', '/canaries', podinfoCanary('threshold: 2\nstepWeight: 20'), {
    cluster: 'sandbox',
  });
  expect(created.status).toBe(201);
});

afterEach(async () => {
  await cp.close();
  await calls.close();
  await dyn.close();
  await sandbox.close();
});

/** Delivers `m` to the step handler; the DynamoDB calls it made. */
async function counted(m: StepMessage): Promise<Record<string, number>> {
  calls.reset();
  const r = await cp.step(m);
  expect(r.batchItemFailures).toEqual([]);
  return calls.counts();
}

/** The step the row is due for, at its time. */
async function due(): Promise<StepMessage> {
  const row = await cp.core.store.get(key, signal);
  cp.clock.now = Math.max(cp.clock.now, row!.nextRunAt!);
  return { key, dueAt: cp.clock.now };
}

async function phase(): Promise<string | undefined> {
  return (await cp.core.store.get(key, signal))?.status.phase;
}

describe('DynamoDB calls per step', () => {
  it('counts', async () => {
    cp.queued.splice(0);
    const out: Record<string, unknown> = {};
    out.init = await counted(await due());
    for (let i = 0; i < 5 && (await phase()) !== 'Initialized'; i++) out[`init${i}`] = await counted(await due());
    out.idle = await counted(await due());
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    out.newRevision = await counted(await due());
    for (let i = 0; i < 4; i++) out[`progress${i}:${await phase()}`] = await counted(await due());
    console.log(JSON.stringify(out, null, 1));
  });
});
