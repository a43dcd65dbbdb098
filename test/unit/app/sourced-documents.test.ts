/**
 * Reading templates as canaries use them (lib/app/sourced-documents.ts, docs/gitops.md) on
 * in-memory fakes: the API-registered ones and those sourced from opted-in clusters, each with its
 * source; what a caller sees by its grants; which one a cluster's canaries use; the clusters a PUT
 * warns about. Store calls are counted.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterRegistration } from '../../../lib/app/clusters.js';
import { AccessDeniedError } from '../../../lib/app/errors.js';
import { getSourced, listSourced, precedingClusters } from '../../../lib/app/sourced-documents.js';
import type { Grant } from '../../../lib/domain/authz/authorize.js';
import type { MetricTemplate } from '../../../lib/ports/metrics.js';
import { aCaller, anAdmin } from '../../support/fakes/access.js';
import { FakeSourcedStore } from '../../support/fakes/sourced.js';
import { FakeDocuments } from '../../support/fakes/store.js';

const signal = new AbortController().signal;

const template = (namespace: string, name: string, query: string, cluster?: string): MetricTemplate => ({
  namespace,
  name,
  provider: { type: 'prometheus', address: 'http://prometheus:9090' },
  query,
  ...(cluster && { cluster }),
});
const cluster = (name: string, gitops: boolean) =>
  ({
    name,
    kind: 'endpoint',
    server: 'https://k8s.invalid',
    gitops: { enabled: gitops },
  }) as ClusterRegistration;

/**
 * API: team-a/latency, team-b/errors. Cluster prod (opted in) sources team-a/latency (its own
 * query) and team-b/saturation; cluster dev (opted out) has a row that must never show.
 */
function world() {
  const templates = new FakeDocuments<MetricTemplate>({
    'team-a/latency': template('team-a', 'latency', 'api'),
    'team-b/errors': template('team-b', 'errors', 'api'),
  });
  const clusters = new FakeDocuments<ClusterRegistration>({
    prod: cluster('prod', true),
    dev: cluster('dev', false),
  });
  const sourced = new FakeSourcedStore();
  const put = (c: string, ns: string, name: string, generation: number) =>
    sourced.rows.set(`${c}|template ${ns}/${name}`, {
      kind: 'template',
      namespace: ns,
      name,
      served: { generation, doc: template(ns, name, c, c) },
    });
  put('prod', 'team-a', 'latency', 3);
  put('prod', 'team-b', 'saturation', 1);
  put('dev', 'team-a', 'latency', 1);
  sourced.rows.set('prod|template team-a/broken', {
    kind: 'template',
    namespace: 'team-a',
    name: 'broken',
    refused: { generation: 1, error: 'spec.query: required' },
  });
  sourced.rows.set('prod|alert-provider team-a/latency', {
    kind: 'alert-provider',
    namespace: 'team-a',
    name: 'latency',
    served: { generation: 1, doc: { namespace: 'team-a', name: 'latency', type: 'slack', address: 'x' } },
  });
  return { d: { docs: templates, what: 'metric template' }, deps: { sourced, clusters }, sourced };
}

const grant = (cluster: string, namespace: string): Grant => ({
  name: `${cluster}-${namespace}`,
  principal: 'jwt:sub:bob',
  actions: ['read'],
  cluster,
  namespace,
});
const bob = (...grants: Grant[]) => aCaller({ actor: 'bob', principals: ['jwt:sub:bob'], grants }).access;

/** `namespace/name source[:cluster] query` of each item. */
const shown = (items: { doc: MetricTemplate; source: string; cluster?: string }[]) =>
  items.map(
    (s) => `${s.doc.namespace}/${s.doc.name} ${s.source}${s.cluster ? `:${s.cluster}` : ''} ${s.doc.query}`,
  );

describe('listSourced', () => {
  it.each([
    {
      name: 'an admin sees every API one and every valid one of an opted-in cluster',
      filter: {},
      want: [
        'team-a/latency api api',
        'team-a/latency cluster:prod prod',
        'team-b/errors api api',
        'team-b/saturation cluster:prod prod',
      ],
    },
    {
      name: 'by namespace',
      filter: { namespace: 'team-b' },
      want: ['team-b/errors api api', 'team-b/saturation cluster:prod prod'],
    },
    {
      name: 'by cluster: what its canaries use, its own before the API one of the same name',
      filter: { cluster: 'prod' },
      want: [
        'team-a/latency cluster:prod prod',
        'team-b/errors api api',
        'team-b/saturation cluster:prod prod',
      ],
    },
    {
      name: 'by an opted-out cluster: the API ones only (its rows are not read)',
      filter: { cluster: 'dev' },
      want: ['team-a/latency api api', 'team-b/errors api api'],
    },
  ])('$name', async ({ filter, want }) => {
    const w = world();
    expect(shown(await listSourced('template', w.d, w.deps, anAdmin(), filter, signal))).toEqual(want);
    // One read of the clusters (or the one named), one Query per opted-in cluster, none of dev's.
    expect(w.sourced.calls.args('list')).toEqual(filter.cluster === 'dev' ? [] : [['prod']]);
  });

  it.each([
    {
      name: 'read in prod/team-a: that cluster’s own only, not the API ones (every cluster)',
      grants: [grant('prod', 'team-a')],
      filter: {},
      want: ['team-a/latency cluster:prod prod'],
    },
    {
      name: 'read in prod/team-a asking about prod: what its canaries use',
      grants: [grant('prod', 'team-a')],
      filter: { cluster: 'prod' },
      want: ['team-a/latency cluster:prod prod'],
    },
    {
      name: 'read in team-b of every cluster: the API one and prod’s, never team-a’s',
      grants: [grant('*', 'team-b')],
      filter: {},
      want: ['team-b/errors api api', 'team-b/saturation cluster:prod prod'],
    },
    {
      name: 'read in staging/team-a: nothing of prod',
      grants: [grant('staging', 'team-a')],
      filter: { cluster: 'prod' },
      want: [],
    },
  ])('$name', async ({ grants, filter, want }) => {
    const w = world();
    expect(shown(await listSourced('template', w.d, w.deps, bob(...grants), filter, signal))).toEqual(want);
  });
});

describe('getSourced', () => {
  it.each([
    { name: 'without a cluster: the API one', at: {}, want: 'team-a/latency api api' },
    { name: 'in prod: prod’s own first', at: { cluster: 'prod' }, want: 'team-a/latency cluster:prod prod' },
    { name: 'in dev (opted out): the API one', at: { cluster: 'dev' }, want: 'team-a/latency api api' },
  ])('$name', async ({ at, want }) => {
    const w = world();
    const got = await getSourced(
      'template',
      w.d,
      w.deps,
      anAdmin(),
      { namespace: 'team-a', name: 'latency', ...at },
      signal,
    );
    expect(shown([got])).toEqual([want]);
  });

  it('answers the API one for a cluster whose own object was refused', async () => {
    const w = world();
    w.d.docs = new FakeDocuments({ 'team-a/broken': template('team-a', 'broken', 'api') });
    const got = await getSourced(
      'template',
      w.d,
      w.deps,
      anAdmin(),
      { namespace: 'team-a', name: 'broken', cluster: 'prod' },
      signal,
    );
    expect(shown([got])).toEqual(['team-a/broken api api']);
  });

  it('is a 404 naming the cluster when it is not registered, and when neither has the template', async () => {
    const w = world();
    const at = { namespace: 'team-a', name: 'latency' };
    await expect(
      getSourced('template', w.d, w.deps, anAdmin(), { ...at, cluster: 'qa' }, signal),
    ).rejects.toThrow('cluster qa not found');
    await expect(
      getSourced('template', w.d, w.deps, anAdmin(), { ...at, name: 'none', cluster: 'prod' }, signal),
    ).rejects.toThrow('metric template team-a/none not found for cluster prod');
  });

  it('refuses before reading anything unless the caller may read in that cluster and namespace', async () => {
    const w = world();
    const at = { namespace: 'team-a', name: 'latency', cluster: 'prod' };
    await expect(
      getSourced('template', w.d, w.deps, bob(grant('prod', 'team-b')), at, signal),
    ).rejects.toThrow(AccessDeniedError);
    expect(w.sourced.calls.count()).toBe(0);
    const got = await getSourced('template', w.d, w.deps, bob(grant('prod', 'team-a')), at, signal);
    expect(shown([got])).toEqual(['team-a/latency cluster:prod prod']);
  });
});

describe('precedingClusters', () => {
  it('names the opted-in clusters with their own valid object, that the caller may read', async () => {
    const w = world();
    const at = { namespace: 'team-a', name: 'latency' };
    expect(await precedingClusters('template', w.deps, anAdmin(), at, signal)).toEqual(['prod']);
    expect(await precedingClusters('template', w.deps, bob(grant('dev', 'team-a')), at, signal)).toEqual([]);
    expect(await precedingClusters('template', w.deps, anAdmin(), { ...at, name: 'broken' }, signal)).toEqual(
      [],
    );
    // One Get per opted-in cluster (prod), three questions.
    expect(w.sourced.calls.args('get')).toEqual([
      ['prod', 'template team-a/latency'],
      ['prod', 'template team-a/latency'],
      ['prod', 'template team-a/broken'],
    ]);
  });
});
