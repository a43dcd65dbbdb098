/**
 * Local mode over HTTP: the embedded runtime (dynalite on disk, the API behind a bearer token)
 * as `npm start -- --sandbox` runs it, driven with plain fetch like the README's curl example.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../lib/ports/logger.js';
import { startStack, type Stack } from '../../../local/stack.js';

const dataDir = mkdtempSync(join(tmpdir(), 'flagger-local-'));
let stack: Stack;

function call(path: string, init: RequestInit & { token?: string | null } = {}) {
  const headers: Record<string, string> =
    init.token === null ? {} : { authorization: `Bearer ${init.token ?? 't'}` };
  return fetch(`${stack.url}${path}`, { ...init, headers });
}

beforeAll(async () => {
  stack = await startStack({ token: 't', dataDir, logger: silentLogger, dispatchEveryMs: 60_000 });
  await stack.registerCluster({
    name: 'sandbox',
    kind: 'endpoint',
    server: 'http://127.0.0.1:9',
    token: 'x',
  });
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local mode API', () => {
  it('refuses requests without the bearer token, except the OpenAPI document', async () => {
    expect((await call('/canaries', { token: null })).status).toBe(401);
    expect((await call('/canaries', { token: 'wrong' })).status).toBe(401);
    const doc = await call('/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty('/canaries');
  });

  it('protects the load tester with the same token', async () => {
    const body = JSON.stringify({ name: 'podinfo', namespace: 'test' });
    expect((await call('/loadtester/gate/open', { method: 'POST', body, token: null })).status).toBe(401);
    const opened = await call('/loadtester/gate/open', { method: 'POST', body });
    expect(opened.status).toBe(202);
    expect((await call('/loadtester/gate/check', { method: 'POST', body })).status).toBe(200);
  });

  it('registers the podinfo canary from its YAML as curl --data-binary sends it', async () => {
    const yaml = readFileSync('test/fixtures/podinfo-canary.yaml', 'utf8');
    const res = await call('/canaries?cluster=sandbox', { method: 'POST', body: yaml, token: 't' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      cluster: 'sandbox',
      namespace: 'test',
      name: 'podinfo',
      phase: 'Initializing',
    });
    const again = await call('/canaries?cluster=sandbox', { method: 'POST', body: yaml });
    expect(again.status).toBe(200);
    const list = (await (await call('/canaries')).json()) as { items: { name: string }[] };
    expect(list.items.map((i) => i.name)).toEqual(['podinfo']);
  });

  it('answers a bad manifest with 400 naming the field and what was expected', async () => {
    const bad =
      'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: bad, namespace: test}\nspec:\n  targetRef: {kind: Deployment, name: bad}\n  service: {port: "http"}\n  analysis: {stepWeight: 10}\n';
    const res = await call('/canaries?cluster=sandbox', { method: 'POST', body: bad });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { path: string; message: string }[] };
    expect(body.errors).toContainEqual({
      path: 'spec.service.port',
      message: 'expected a number, got string "http"',
    });
  });

  it('rejects an unknown cluster, an unknown route and a wrong method clearly', async () => {
    const yaml = readFileSync('test/fixtures/podinfo-canary.yaml', 'utf8');
    const noCluster = await call('/canaries?cluster=nope', { method: 'POST', body: yaml });
    expect(noCluster.status).toBe(400);
    expect(((await noCluster.json()) as { errors: { path: string }[] }).errors[0].path).toBe('query.cluster');
    expect((await call('/nothing-here')).status).toBe(404);
    expect((await call('/canaries', { method: 'PUT', body: '{}' })).status).toBe(405);
  });

  it('keeps state on disk across a restart', async () => {
    await stack.close();
    stack = await startStack({ token: 't', dataDir, logger: silentLogger, dispatchEveryMs: 60_000 });
    const res = await call('/canaries/sandbox/test/podinfo');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }).name).toBe('podinfo');
  });
});
