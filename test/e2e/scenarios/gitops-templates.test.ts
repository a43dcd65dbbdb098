/**
 * MetricTemplates and AlertProviders from the cluster (docs/gitops.md): a MetricTemplate and a
 * Canary applied with kubectl are sourced by the sweep; the release queries the template's server
 * with the token of the Kubernetes Secret its secretRef names (read by the step, in the cluster),
 * and the cluster's template wins over an API-registered one of the same name. A quiet minute
 * costs the three metadata LISTs; deleting the template object deletes its row. Every request is
 * one rbac.yaml grants. Requests are counted, never timed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../lib/ports/logger.js';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { closeAll, CRDS, gitopsCluster } from '../../support/gitops.js';
import { accessOf, rbacGrants } from '../../support/rbac.js';
import { startReceiver } from '../../support/receiver.js';
import { apply, podinfoCanary, podinfoDeployment, podinfoKey as key } from '../../support/release.js';
import { hasKubectl, kubectlFor, startSandbox, type Kubectl, type Sandbox } from '../../support/sandbox.js';

const MINUTE = 60_000;
const TOKEN = 'Cluster-Secret-T0ken';
const signal = new AbortController().signal;

let sandbox: Sandbox;
let cp: ControlPlane;
let kubectl: Kubectl;
let prometheus: { url: string; queries: { query: string; authorized: boolean }[]; server: Server };
const logs: { message: string; fields?: Record<string, unknown> }[] = [];

const logger: Logger = {
  info: (message, fields) => void logs.push({ message, fields }),
  warn: (message, fields) => void logs.push({ message, fields }),
  error: (message, fields) => void logs.push({ message, fields }),
};

/**
 * Prometheus' instant-query API on loopback: 99.5 for the cluster's query, 0 for the
 * API-registered template's, and 401 without the Secret's bearer token.
 */
async function startPrometheus() {
  const queries: { query: string; authorized: boolean }[] = [];
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('query') ?? '';
    const authorized = req.headers.authorization === `Bearer ${TOKEN}`;
    queries.push({ query, authorized });
    res.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
    const value = query.includes('cluster_sourced') ? '99.5' : '0';
    res.end(
      JSON.stringify(
        authorized
          ? { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, value] }] } }
          : { status: 'error', errorType: 'unauthorized', error: 'no token' },
      ),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, queries, server };
}

const templateYaml = () => `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: { name: success, namespace: test }
spec:
  provider: { type: prometheus, address: "${prometheus.url}", secretRef: { name: prom-auth } }
  query: 'sum(cluster_sourced{namespace="{{ namespace }}"})'
`;

const canaryYaml = () =>
  podinfoCanary(
    'threshold: 2\nmaxWeight: 50\nstepWeight: 25\nmetrics:\n  - { name: success, templateRef: { name: success }, thresholdRange: { min: 99 } }',
  );

beforeEach(async () => {
  logs.length = 0;
  sandbox = await startSandbox({ name: 'sandbox', rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  cp = await startControlPlane({ logger });
  kubectl = await kubectlFor(sandbox);
  prometheus = await startPrometheus();
  await gitopsCluster(cp, sandbox, kubectl);
}, 60_000);

afterEach(async () => {
  await closeAll(kubectl, cp, sandbox);
  await new Promise((r) => prometheus.server.close(r));
});

/** One minute of the control plane: dispatch (sweeps and due steps), then every message. */
async function minute(ms = MINUTE) {
  cp.clock.now += ms;
  await cp.dispatch();
  await cp.deliver();
  return cp.core.store.get(key, signal);
}

async function until(phase: string, n = 40) {
  let row = await cp.core.store.get(key, signal);
  for (let i = 0; i < n && row?.status.phase !== phase; i++) row = await minute(10_000);
  expect(row?.status.phase, JSON.stringify(row?.status)).toBe(phase);
  return row!;
}

describe.skipIf(!hasKubectl)('MetricTemplates from the cluster', () => {
  it('a kubectl-applied template serves its cluster’s release (its Secret read there), beats the API one, and goes with its object', async () => {
    // An API-registered template of the same name, whose query would fail the check.
    const put = await cp.api('PUT', '/templates/test/success', {
      provider: { type: 'prometheus', address: prometheus.url },
      query: 'sum(api_registered{namespace="{{ namespace }}"})',
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    await kubectl.run([
      'create',
      'secret',
      'generic',
      'prom-auth',
      '-n',
      'test',
      `--from-literal=token=${TOKEN}`,
    ]);
    await kubectl.run(['apply', '-f', '-'], templateYaml());
    await kubectl.run(['apply', '-f', '-'], canaryYaml());
    const mark = sandbox.mark();
    // One sweep sources the template, then the Canary (the template first).
    expect((await minute())?.source).toBe('cluster');
    const row = await cp.core.sourced.get('sandbox', 'template', 'test', 'success', signal);
    expect(row?.served).toMatchObject({
      generation: 1,
      doc: { cluster: 'sandbox', provider: { secretRef: { name: 'prom-auth' } } },
    });
    expect(JSON.stringify(row)).not.toContain(TOKEN);
    // The API shows which one the cluster's canaries use (docs/gitops.md, "Seeing what canaries use").
    const used = await cp.api('GET', '/templates/test/success', undefined, { cluster: 'sandbox' });
    expect(used.body).toMatchObject({ source: 'cluster', cluster: 'sandbox', generation: 1 });
    const listed = await cp.api('GET', '/templates', undefined, { namespace: 'test' });
    expect(listed.body.items.map((t: { source: string }) => t.source)).toEqual(['api', 'cluster']);

    await until('Initialized');
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    await minute();
    await until('Succeeded');
    const ran = prometheus.queries.filter((q) => q.query.startsWith('sum('));
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((q) => q.query === 'sum(cluster_sourced{namespace="test"})' && q.authorized)).toBe(true);

    // Every request to Flagger's objects and to the Secret is one rbac.yaml grants.
    const sweep = rbacGrants('flagger-serverless-sweep');
    const step = rbacGrants('flagger-serverless');
    const ours = [
      ...sandbox.selectRequests({ since: mark, path: '/apis/flagger.app/', watch: false }),
      ...sandbox.selectRequests({ since: mark, path: '/api/v1/namespaces/test/secrets/prom-auth' }),
    ];
    const sourced = ours.filter((r) => /metrictemplates|alertproviders/.test(r.path));
    expect(sourced.map((r) => `${r.method} ${r.path}`)).toContain(
      'GET /apis/flagger.app/v1beta1/namespaces/test/metrictemplates/success',
    );
    for (const r of ours) {
      const a = accessOf(r);
      const allowed = a.resource === 'canaries/status' || a.resource === 'secrets' ? step(a) : sweep(a);
      expect(allowed, JSON.stringify(a)).toBe(true);
    }
    expect(
      sandbox.requestCount({ since: mark, path: '/api/v1/namespaces/test/secrets/prom-auth' }),
    ).toBeGreaterThan(0);

    // A quiet minute: the three metadata-only LISTs, nothing read in full.
    const quiet = sandbox.mark();
    await minute();
    const flagger = sandbox.selectRequests({ since: quiet, path: '/apis/flagger.app/' });
    expect(flagger.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /apis/flagger.app/v1beta1/metrictemplates',
      'GET /apis/flagger.app/v1beta1/alertproviders',
      'GET /apis/flagger.app/v1beta1/canaries',
    ]);
    for (const r of flagger) expect(r.accept).toContain('as=PartialObjectMetadataList');

    // The object deleted: its row goes; the API-registered template serves again.
    await kubectl.run(['delete', 'metrictemplate', 'success', '-n', 'test']);
    await minute();
    expect(await cp.core.sourced.get('sandbox', 'template', 'test', 'success', signal)).toBeUndefined();
    expect(
      logs.some(
        (l) => l.fields?.reason === 'ClusterObjectsSourced' && JSON.stringify(l.fields).includes('removed'),
      ),
    ).toBe(true);
  }, 300_000);

  it('an invalid change is refused with the field in the log, and the valid version keeps serving', async () => {
    await kubectl.run(['apply', '-f', '-'], templateYaml());
    await minute();
    await kubectl.run(['apply', '-f', '-'], templateYaml().replace('type: prometheus', 'type: graphite'));
    await minute();
    const row = await cp.core.sourced.get('sandbox', 'template', 'test', 'success', signal);
    expect(row?.served?.generation).toBe(1);
    expect(row?.refused).toMatchObject({ generation: 2, error: expect.stringContaining('spec.provider') });
    const refused = logs.find((l) => l.fields?.reason === 'ClusterObjectInvalid');
    expect(refused?.message).toContain('generation 1 keeps serving');
    const mark = sandbox.mark();
    await minute();
    expect(sandbox.requestCount({ since: mark, path: '/apis/flagger.app/v1beta1/namespaces/' })).toBe(0);
  }, 120_000);

  it('an AlertProvider applied with kubectl gets its cluster’s notifications before the API one; a secretRef is refused', async () => {
    const rx = await startReceiver();
    try {
      const put = await cp.api('PUT', '/alert-providers/test/on-call', {
        type: 'generic',
        address: `${rx.url}/api-hook`,
      });
      expect(put.status, JSON.stringify(put.body)).toBe(201);
      const provider = (name: string, spec: string) =>
        `apiVersion: flagger.app/v1beta1\nkind: AlertProvider\nmetadata: { name: ${name}, namespace: test }\nspec: ${spec}\n`;
      await kubectl.run(
        ['apply', '-f', '-'],
        provider('on-call', `{ type: generic, address: "${rx.url}/cluster-hook" }`),
      );
      await kubectl.run(
        ['apply', '-f', '-'],
        provider('with-secret', '{ type: slack, secretRef: { name: slack-url } }'),
      );
      await kubectl.run(
        ['apply', '-f', '-'],
        podinfoCanary(
          'threshold: 2\nmaxWeight: 50\nstepWeight: 25\nalerts:\n  - { name: team, severity: info, providerRef: { name: on-call } }',
        ),
      );
      await minute();
      await until('Initialized');
      expect(rx.requestsTo('/cluster-hook').length).toBeGreaterThan(0);
      expect(rx.requestsTo('/api-hook')).toHaveLength(0);

      const refused = await cp.core.sourced.get('sandbox', 'alert-provider', 'test', 'with-secret', signal);
      expect(refused?.served).toBeUndefined();
      expect(refused?.refused?.error).toContain('spec.secretRef is not supported');
      expect(logs.find((l) => l.fields?.reason === 'ClusterObjectInvalid')?.fields?.object).toBe(
        'AlertProvider test/with-secret',
      );
    } finally {
      await rx.close();
    }
  }, 120_000);

  it('a template sourced from one cluster never serves another cluster’s canary', async () => {
    const west = await startSandbox({ name: 'west', rolloutDelayMs: 0, namespaces: ['default', 'test'] });
    const kw = await kubectlFor(west);
    try {
      await kw.run(['apply', '-f', CRDS]);
      const r = await cp.api('POST', '/clusters', {
        name: 'west',
        kind: 'endpoint',
        server: west.httpUrl,
        token: west.token,
        gitops: { enabled: true },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      await apply(west, podinfoDeployment('podinfo:6.0.0'));
      await kubectl.run([
        'create',
        'secret',
        'generic',
        'prom-auth',
        '-n',
        'test',
        `--from-literal=token=${TOKEN}`,
      ]);
      await kubectl.run(['apply', '-f', '-'], templateYaml());
      await kubectl.run(['apply', '-f', '-'], canaryYaml());
      await kw.run(['apply', '-f', '-'], canaryYaml());
      await minute();
      expect(await cp.core.sourced.get('sandbox', 'template', 'test', 'success', signal)).toBeDefined();
      expect(await cp.core.sourced.get('west', 'template', 'test', 'success', signal)).toBeUndefined();

      // West's release: its check finds no template (the sandbox's is not its own), and fails.
      const westKey = { ...key, cluster: 'west' };
      let row = await cp.core.store.get(westKey, signal);
      for (let i = 0; i < 20 && row?.status.phase !== 'Initialized'; i++) {
        await minute(10_000);
        row = await cp.core.store.get(westKey, signal);
      }
      expect(row?.status.phase).toBe('Initialized');
      await apply(west, podinfoDeployment('podinfo:6.0.1'));
      for (let i = 0; i < 30 && row?.status.phase !== 'Failed'; i++) {
        await minute(10_000);
        row = await cp.core.store.get(westKey, signal);
      }
      expect(row?.status.phase).toBe('Failed');
      const history = await cp.core.history.list(westKey, { limit: 50 }, signal);
      expect(JSON.stringify(history)).toContain('MetricTemplate test/success not found');
      // The server saw only the sandbox canary's availability probe at its initialization, with
      // the sandbox's token: no check query, and nothing of west.
      expect(prometheus.queries.filter((q) => q.query !== 'vector(1)')).toEqual([]);
      expect(prometheus.queries.every((q) => q.authorized)).toBe(true);
    } finally {
      await kw.dispose();
      await west.close();
    }
  }, 180_000);
});
