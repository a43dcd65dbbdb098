/**
 * Two clusters behind one real Prometheus (issue 12): the same canary, `test/podinfo`, in
 * cluster `a` (a healthy release) and in cluster `b` (a release answering 30 % errors). Both
 * simulators are scraped by one Prometheus that labels their series `cluster="a"` / `"b"`, as one
 * Prometheus federating clusters or one AMP workspace fed by several would. Each cluster record
 * names that Prometheus and its label: only `b` rolls back, `a` reads 100 % on every step.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { builtinQuery } from '../../../lib/adapters/prometheus/queries.js';
import { startTrafficSimulator, type TrafficSimulator } from '../../../sandbox/traffic/index.js';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { prometheusAvailability, startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { reply, startReceiver, type Receiver } from '../../support/receiver.js';
import { apply, podinfoCanary, podinfoDeployment, virtualServiceWeights } from '../../support/release.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import type { Row } from '../../support/scenario.js';

const names = ['a', 'b'] as const;
type Name = (typeof names)[number];
const keyOf = (cluster: Name) => ({ cluster, namespace: 'test', name: 'podinfo' });
const signal = new AbortController().signal;

let sandboxes: Partial<Record<Name, Sandbox>> = {};
let sims: TrafficSimulator[] = [];
let prom: PrometheusServer | undefined;
let cp: ControlPlane | undefined;
let hooks: Receiver | undefined;

afterEach(async () => {
  await cp?.close();
  await prom?.stop();
  for (const s of sims) await s.close();
  for (const s of Object.values(sandboxes)) await s.close();
  await hooks?.close();
  sandboxes = {};
  sims = [];
  prom = cp = hooks = undefined;
});

const canaryRate = (cluster?: Name) =>
  builtinQuery('request-success-rate', {
    provider: 'istio',
    namespace: 'test',
    target: 'podinfo',
    interval: '10s',
    clusterLabels: cluster ? { cluster } : undefined,
  });

const prometheus = prometheusAvailability('two clusters behind one Prometheus');

describe.skipIf(prometheus.skip)('two clusters behind one Prometheus', () => {
  it('rolls back only the faulty cluster; the healthy one reads its own series and succeeds', async () => {
    for (const name of names) {
      const sandbox = await startSandbox({ name, rolloutDelayMs: 0, namespaces: ['default', 'test'] });
      sandboxes[name] = sandbox;
      sims.push(await startTrafficSimulator({ store: sandbox.store, namespaces: ['test'] }));
    }
    prom = await startPrometheus({
      targets: names.map((cluster, i) => ({ address: sims[i]!.target, labels: { cluster } })),
    });
    hooks = await startReceiver();
    cp = await startControlPlane();
    const analysis = `threshold: 2
maxWeight: 30
stepWeight: 10
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }
webhooks:
  - { name: announce, type: pre-rollout, url: ${hooks.url}/pre-rollout }`;
    for (const name of names) {
      const sandbox = sandboxes[name]!;
      const registered = await cp.api('POST', '/clusters', {
        name,
        kind: 'endpoint',
        server: sandbox.httpUrl,
        token: sandbox.token,
        metrics: { address: prom.url, labels: { cluster: name } },
      });
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      await apply(sandbox, podinfoDeployment('podinfo:6.0.0'));
      expect((await cp.api('POST', '/canaries', podinfoCanary(analysis), { cluster: name })).status).toBe(
        201,
      );
    }
    const rows = async () =>
      Object.fromEntries(
        await Promise.all(names.map(async (n) => [n, await cp!.core.store.get(keyOf(n), signal)] as const)),
      ) as Record<Name, Row | undefined>;
    for (
      let i = 0;
      i < 6 && !Object.values(await rows()).every((r) => r?.status.phase === 'Initialized');
      i++
    ) {
      await cp.tick(keyOf('a'), 10_000);
    }

    await apply(sandboxes.a!, podinfoDeployment('podinfo:6.0.1'));
    await apply(sandboxes.b!, podinfoDeployment('podinfo:6.0.1-faulty'));
    let mixed = 100;
    let now = await rows();
    for (
      let i = 0;
      i < 15 && !(now.a?.status.phase === 'Succeeded' && now.b?.status.phase === 'Failed');
      i++
    ) {
      // Before each step, wait (real time) until Prometheus holds traffic of the current weights.
      if (virtualServiceWeights(sandboxes.a!)[1] > 0)
        await prom.waitForValue(canaryRate('a'), { timeoutMs: 30_000 });
      if (virtualServiceWeights(sandboxes.b!)[1] > 0) {
        await prom.waitForValue(canaryRate('b'), { timeoutMs: 30_000, until: (v) => v < 90 });
        // What a query without the cluster's label reads: both canaries mixed.
        mixed = Math.min(mixed, await prom.waitForValue(canaryRate(), { timeoutMs: 30_000 }));
      }
      await cp.tick(keyOf('a'), 10_000);
      now = await rows();
    }

    expect(mixed).toBeLessThan(99); // the unlabelled query would have failed cluster a too
    expect(now.a?.status.phase).toBe('Succeeded');
    expect(now.b?.status).toMatchObject({ phase: 'Failed', canaryWeight: 0 });
    const history = await cp.core.history.list(keyOf('a'), { limit: 100 }, signal);
    const rates = history
      .flatMap((h) => (h.checks ?? []) as { name: string; verdict: string; value?: number }[])
      .filter((c) => c.name === 'request-success-rate');
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.every((c) => c.verdict === 'pass' && c.value === 100)).toBe(true);

    // Webhooks say which cluster calls: a load tester keys its gates by it.
    const clusters = hooks.requests
      .filter((r) => r.path === '/pre-rollout')
      .map((r) => (r.body as { metadata: { cluster: string } }).metadata.cluster);
    expect(new Set(clusters)).toEqual(new Set(names));
  }, 240_000);
});

describe("a cluster's own metrics server", () => {
  it('is queried with the credentials of its secret and with its labels', async () => {
    const sandbox = await startSandbox({ name: 'a', rolloutDelayMs: 0, namespaces: ['default', 'test'] });
    sandboxes.a = sandbox;
    hooks = await startReceiver();
    const vector = {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1, '100'] }] },
    };
    hooks.respond('/api/v1/query', reply(200, vector, { 'content-type': 'application/json' }));
    const read: string[] = [];
    cp = await startControlPlane({
      secrets: (ref) => (read.push(ref.secret ?? ''), Promise.resolve('{"token":"prom-s3cret"}')),
    });
    const registered = await cp.api('POST', '/clusters', {
      name: 'a',
      kind: 'endpoint',
      server: sandbox.httpUrl,
      token: sandbox.token,
      metrics: { address: hooks.url, secret: 'prom-auth', labels: { cluster: 'prod-eu' } },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    await apply(sandbox, podinfoDeployment('podinfo:6.0.0'));
    const analysis = `threshold: 2
maxWeight: 30
stepWeight: 10
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }`;
    expect((await cp.api('POST', '/canaries', podinfoCanary(analysis), { cluster: 'a' })).status).toBe(201);
    let row = await cp.tick(keyOf('a'), 0);
    for (let i = 0; i < 5 && row?.status.phase !== 'Initialized'; i++)
      row = await cp.tick(keyOf('a'), 10_000);
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    for (let i = 0; i < 3; i++) row = await cp.tick(keyOf('a'), 10_000);

    expect(row?.status).toMatchObject({ phase: 'Progressing', canaryWeight: 20, failedChecks: 0 });
    expect(read).toEqual(['prom-auth']);
    const queries = hooks.requestsTo('/api/v1/query');
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((q) => q.headers.authorization === 'Bearer prom-s3cret')).toBe(true);
    const promql = queries.map((q) => new URLSearchParams(q.rawBody || q.query).get('query') ?? '');
    expect(
      promql.filter((q) => q.includes('istio_requests_total')).every((q) => q.includes('cluster="prod-eu"')),
    ).toBe(true);
    expect(promql.some((q) => q.includes('istio_requests_total'))).toBe(true);
  });
});
