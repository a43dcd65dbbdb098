/**
 * Templates and alert providers sourced from clusters, through the API handler over dynalite
 * (docs/gitops.md, "Seeing what canaries use"): listed beside the API-registered ones with their
 * source, filtered by cluster, one answered as a cluster's canaries would use it, a PUT warned
 * where a cluster's own object wins, and never a credential or webhook address in an answer.
 * Cluster `prod` opts in to sourcing; `dev` does not. The sourced rows are written as the sweep
 * writes them (the store of lib/wiring.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness, type RawRequest } from './harness.js';

const ACCOUNT = '123456789012';
const teamA = { iam: { userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/team-a/ci-run-42` } };
const grantProdTeamA = {
  principal: `iam:arn:aws:iam::${ACCOUNT}:role/team-a`,
  actions: ['read'],
  cluster: 'prod',
  namespace: 'team-a',
};
const WEBHOOK = 'https://hooks.slack.com/services/T0/B0/sourcedWebhookSecret';

let api: ApiHarness;
const as = (authorizer: Record<string, unknown>, r: RawRequest) => api.send({ ...r, authorizer });
const get = (path: string, query?: Record<string, string>) => api.send({ method: 'GET', path, query });
type Item = Record<string, string | number | boolean | undefined>;
const items = (r: { body: unknown }) => (r.body as { items: Item[] }).items;
/** `namespace/name source[:cluster]` of each item. */
const shown = (list: Item[]) =>
  list.map(
    (i) => `${String(i.namespace)}/${String(i.name)} ${String(i.source)}${i.cluster ? `:${i.cluster}` : ''}`,
  );

beforeAll(async () => {
  api = await startApi();
  const cluster = (name: string, gitops: boolean) =>
    JSON.stringify({ name, kind: 'endpoint', server: 'https://k8s.invalid', gitops: { enabled: gitops } });
  const template = JSON.stringify({
    provider: { type: 'prometheus', address: 'http://prometheus.monitoring:9090' },
    query: 'api',
  });
  const setup: RawRequest[] = [
    { method: 'POST', path: '/clusters', body: cluster('prod', true) },
    { method: 'POST', path: '/clusters', body: cluster('dev', false) },
    { method: 'PUT', path: '/templates/team-a/latency', body: template },
    { method: 'PUT', path: '/templates/team-b/errors', body: template },
    { method: 'PUT', path: '/grants/team-a-prod', body: JSON.stringify(grantProdTeamA) },
  ];
  for (const r of setup) expect((await api.send(r)).status, `${r.method} ${r.path}`).toBeLessThan(300);
  const signal = new AbortController().signal;
  const address = 'http://admin:sourcedPassword@prometheus.prod:9090';
  for (const c of ['prod', 'dev'])
    await api.core.sourced.put(
      c,
      {
        kind: 'template',
        namespace: 'team-a',
        name: 'latency',
        served: {
          generation: 4,
          doc: {
            namespace: 'team-a',
            name: 'latency',
            provider: { type: 'prometheus', address },
            query: c,
            cluster: c,
          },
        },
      },
      signal,
    );
  await api.core.sourced.put(
    'prod',
    {
      kind: 'alert-provider',
      namespace: 'team-a',
      name: 'slack',
      served: {
        generation: 2,
        doc: { namespace: 'team-a', name: 'slack', type: 'slack', address: WEBHOOK, buttons: false },
      },
    },
    signal,
  );
});
afterAll(() => api.close());

describe('GET /templates', () => {
  it('lists the API-registered ones and those sourced from opted-in clusters, each with its source', async () => {
    const r = await get('/templates');
    expect(r.status).toBe(200);
    expect(shown(items(r))).toEqual([
      'team-a/latency api',
      'team-a/latency cluster:prod',
      'team-b/errors api',
    ]);
    expect(items(r)[1]).toMatchObject({ query: 'prod', generation: 4 });
    expect(r.text).not.toContain('sourcedPassword');
  });

  it('with ?cluster= lists what that cluster’s canaries use', async () => {
    expect(shown(items(await get('/templates', { cluster: 'prod' })))).toEqual([
      'team-a/latency cluster:prod',
      'team-b/errors api',
    ]);
    expect(shown(items(await get('/templates', { cluster: 'dev' })))).toEqual([
      'team-a/latency api',
      'team-b/errors api',
    ]);
    expect(shown(items(await get('/templates', { cluster: 'prod', namespace: 'team-b' })))).toEqual([
      'team-b/errors api',
    ]);
  });

  it('names the field of a bad filter', async () => {
    const r = await get('/templates', { cluster: 'Prod_1' });
    expect(r.status).toBe(400);
    expect(r.body?.errors?.[0].path).toBe('query.cluster');
  });

  it('shows a team only what its grants let it read', async () => {
    const r = await as(teamA, { method: 'GET', path: '/templates' });
    expect(shown(items(r))).toEqual(['team-a/latency cluster:prod']);
    const inProd = await as(teamA, { method: 'GET', path: '/templates', query: { cluster: 'prod' } });
    expect(shown(items(inProd))).toEqual(['team-a/latency cluster:prod']);
    const inDev = await as(teamA, { method: 'GET', path: '/templates', query: { cluster: 'dev' } });
    expect(items(inDev)).toEqual([]);
  });
});

describe('GET /templates/{namespace}/{name}', () => {
  it.each([
    { query: undefined, want: { source: 'api', query: 'api' } },
    {
      query: { cluster: 'prod' },
      want: { source: 'cluster', cluster: 'prod', generation: 4, query: 'prod' },
    },
    { query: { cluster: 'dev' }, want: { source: 'api', query: 'api' } },
  ])('?cluster=$query.cluster answers $want.source', async ({ query, want }) => {
    const r = await get('/templates/team-a/latency', query);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject(want);
    expect(r.text).not.toContain('sourcedPassword');
  });

  it('is a 404 for an unknown cluster, a 403 naming the scope for a team outside it', async () => {
    const unknown = await get('/templates/team-a/latency', { cluster: 'qa' });
    expect([unknown.status, unknown.body?.message]).toEqual([404, 'cluster qa not found']);
    const mine = await as(teamA, {
      method: 'GET',
      path: '/templates/team-a/latency',
      query: { cluster: 'prod' },
    });
    expect(mine.body).toMatchObject({ source: 'cluster', cluster: 'prod' });
    const other = await as(teamA, {
      method: 'GET',
      path: '/templates/team-a/latency',
      query: { cluster: 'dev' },
    });
    expect(other.status).toBe(403);
    expect(other.body?.message).toContain('read in cluster "dev", namespace "team-a"');
  });
});

describe('PUT /templates/{namespace}/{name}', () => {
  it('stores the API one and warns that prod uses its own', async () => {
    const body = JSON.stringify({ provider: { type: 'prometheus', address: 'http://p:9090' }, query: 'new' });
    const r = await api.send({ method: 'PUT', path: '/templates/team-a/latency', body });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      source: 'api',
      warnings: ['cluster prod sources its own MetricTemplate team-a/latency: its canaries use that one'],
    });
    const plain = await api.send({ method: 'PUT', path: '/templates/team-b/errors', body });
    expect(plain.body).not.toHaveProperty('warnings');
  });
});

describe('GET /alert-providers', () => {
  it('lists the sourced one with its address hidden', async () => {
    const r = await get('/alert-providers');
    expect(items(r)).toEqual([
      {
        namespace: 'team-a',
        name: 'slack',
        type: 'slack',
        address: '(hidden)',
        buttons: false,
        source: 'cluster',
        cluster: 'prod',
        generation: 2,
      },
    ]);
    const one = await get('/alert-providers/team-a/slack', { cluster: 'prod' });
    expect(one.body).toMatchObject({ address: '(hidden)', source: 'cluster' });
    expect(r.text + one.text).not.toContain('sourcedWebhookSecret');
    expect((await get('/alert-providers/team-a/slack')).status).toBe(404);
  });
});
