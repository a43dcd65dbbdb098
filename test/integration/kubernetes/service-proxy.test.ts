/**
 * In-cluster addresses through the API server's service proxy, end to end: Flagger's usual
 * `http://flagger-loadtester.test/` webhook and `http://prometheus.istio-system:9090` Prometheus,
 * reached through the sandbox's proxy by the cluster handle's hooks and metrics, with the
 * cluster's credentials; targets that need their own credentials fail with the explaining message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesClusterAccess } from '../../../lib/adapters/cluster-access.js';
import { ClusterClientFactory } from '../../../lib/adapters/kubernetes/client.js';
import { serverProvider, templateProvider } from '../../../lib/adapters/prometheus/factory.js';
import { makeHttpHooks } from '../../../lib/adapters/webhooks/index.js';
import {
  makeLoadtester,
  MemoryGateStore,
  silentLogger,
  startLoadtesterServer,
  type LoadtesterServer,
} from '../../../lib/loadtester/index.js';
import type { ClusterRecord } from '../../../lib/ports/cluster.js';
import type { ClusterHandle } from '../../../lib/ports/clusters.js';
import type { HookCall } from '../../../lib/ports/hooks.js';
import type { MetricTemplate } from '../../../lib/ports/metrics.js';
import { prometheusAvailability, startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';

const available = prometheusAvailability('service proxy');
let sandbox: Sandbox;
let loadtester: LoadtesterServer;
let prometheus: PrometheusServer;

function access(record: Partial<ClusterRecord> = {}): Promise<ClusterHandle> {
  const base: ClusterRecord = {
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.url,
    caData: sandbox.caData,
    token: sandbox.token,
    serviceProxy: { enabled: true },
  };
  const full = { ...base, ...record } as ClusterRecord;
  const secret = (name: string) => Promise.resolve(name === 'prom-auth' ? '{"token":"s3cret-token"}' : '');
  const clusters = new KubernetesClusterAccess(() => Promise.resolve(full), new ClusterClientFactory(), {
    hooks: (fetch) => makeHttpHooks({ fetch, retryDelayMs: 1 }),
    metrics: (template, _c, fetch) =>
      template?.provider.type === 'prometheus'
        ? templateProvider({ ...template, provider: template.provider }, secret, fetch)
        : serverProvider({ address: 'http://prometheus.istio-system:9090', label: 'default' }, secret, fetch),
  });
  return clusters.get('sandbox', AbortSignal.timeout(5000));
}

const hook = (url: string): HookCall => ({
  name: 'gate',
  type: 'confirm-promotion',
  url,
  timeoutMs: 3000,
  retries: 0,
  payload: { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'c' },
});

const template = (address: string, secretRef?: string): MetricTemplate => ({
  name: 'up',
  namespace: 'test',
  provider: { type: 'prometheus', address, ...(secretRef ? { secretRef: { name: secretRef } } : {}) },
  query: 'vector(1)',
});

describe.skipIf(available.skip)('in-cluster addresses through the service proxy', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['default', 'test', 'istio-system'] });
    loadtester = await startLoadtesterServer(
      makeLoadtester({ gates: new MemoryGateStore(), logger: silentLogger }),
    );
    // No scrape target is needed: the queries are constant expressions.
    prometheus = await startPrometheus({ targets: ['127.0.0.1:9'] });
    const service = (namespace: string, name: string, port: number) =>
      sandbox.store.put({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace },
        spec: { ports: [{ port }] },
      });
    service('test', 'flagger-loadtester', 80);
    service('istio-system', 'prometheus', 9090);
    sandbox.proxyTargets.set({ namespace: 'test', service: 'flagger-loadtester' }, loadtester.url);
    sandbox.proxyTargets.set({ namespace: 'istio-system', service: 'prometheus' }, prometheus.url);
  }, 120_000);
  afterAll(async () => {
    await prometheus?.stop();
    await loadtester?.close();
    await sandbox?.close();
  });

  it("calls Flagger's load tester at http://flagger-loadtester.test/ through the proxy", async () => {
    const cluster = await access();
    const before = sandbox.requestCount({ proxied: true });
    const closed = await cluster.hooks.call(
      hook('http://flagger-loadtester.test/gate/check'),
      AbortSignal.timeout(5000),
    );
    expect(closed).toMatchObject({ ok: false, status: 403, body: 'Forbidden' });
    expect(
      (await cluster.hooks.call(hook('http://flagger-loadtester.test/gate/open'), AbortSignal.timeout(5000)))
        .status,
    ).toBe(202);
    expect(
      await cluster.hooks.call(
        hook('http://flagger-loadtester.test.svc.cluster.local/gate/check'),
        AbortSignal.timeout(5000),
      ),
    ).toMatchObject({ ok: true, status: 200 });
    expect(sandbox.requestCount({ proxied: true }) - before).toBe(3);
    expect(sandbox.selectRequests({ proxied: true }).at(-1)!.path).toBe(
      '/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/check',
    );
  });

  it('queries the Prometheus at http://prometheus.istio-system:9090 through the proxy', async () => {
    const cluster = await access();
    expect(await cluster.metrics(undefined).query('vector(1)', AbortSignal.timeout(5000))).toEqual({
      kind: 'value',
      value: 1,
    });
    expect(
      await cluster
        .metrics(template('http://prometheus.istio-system.svc:9090'))
        .query('vector(2)', AbortSignal.timeout(5000)),
    ).toEqual({ kind: 'value', value: 2 });
  });

  it('refuses targets that need their own credentials, saying why and what to do', async () => {
    const cluster = await access();
    const withUser = await cluster.hooks.call(
      hook('http://ci:secret-pass@flagger-loadtester.test/gate/check'),
      AbortSignal.timeout(5000),
    );
    expect(withUser.ok).toBe(false);
    expect(withUser.explanation).toMatch(/consumes the Authorization header.*vpc parameters/);
    expect(withUser.explanation).not.toContain('secret-pass');
    const secured = await cluster
      .metrics(template('http://prometheus.istio-system:9090', 'prom-auth'))
      .query('vector(1)', AbortSignal.timeout(5000));
    expect(secured).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/consumes the Authorization header/) as unknown,
    });
  });

  it('keeps to the namespaces the cluster record lists, and is off when disabled', async () => {
    const limited = await access({ serviceProxy: { namespaces: ['istio-system'] } });
    const outside = await limited.hooks.call(
      hook('http://flagger-loadtester.test/gate/check'),
      AbortSignal.timeout(5000),
    );
    expect(outside.explanation).toMatch(
      /namespace "test" is not in the cluster record's serviceProxy.namespaces \(istio-system\)/,
    );
    expect(await limited.metrics(undefined).query('vector(1)', AbortSignal.timeout(5000))).toEqual({
      kind: 'value',
      value: 1,
    });
    const off = await access({ serviceProxy: { enabled: false } });
    const direct = await off.hooks.call(
      hook('http://flagger-loadtester.test/gate/check'),
      AbortSignal.timeout(5000),
    );
    expect(direct.explanation).toMatch(/host not found/);
  });

  it('treats two-label hosts as in-cluster only when the second label is a namespace', async () => {
    const cluster = await access();
    const external = await cluster.hooks.call(
      hook('http://flagger-loadtester.example/gate/check'),
      AbortSignal.timeout(5000),
    );
    expect(external.explanation).toMatch(/host not found/);
  });
});
