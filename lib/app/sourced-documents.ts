/**
 * Reading MetricTemplates and AlertProviders as canaries use them (docs/gitops.md, "Seeing what a
 * canary uses"): the API-registered documents (`source: api`, every cluster) and those sourced
 * from clusters that opt in (`source: cluster`, that cluster only, before an API-registered one of
 * the same `namespace/name` — the rule of sourced-lookup.ts).
 *
 * Authorization: an API-registered document is read in its namespace of every cluster (`*`), a
 * sourced one in its cluster and namespace. Asked about one cluster (`cluster`), every answer is
 * what canaries of that cluster use, so `read` in that cluster and namespace suffices for both.
 * Lists leave out silently what the caller may not read.
 */
import type { Scope } from '../domain/authz/authorize.js';
import type { SourcedDocs, SourcedKind, SourcedRow, SourcedStore } from '../ports/sourced.js';
import type { Documents } from '../ports/store.js';
import type { Access } from './access.js';
import type { ClusterRegistration } from './clusters.js';
import { NotFoundError } from './errors.js';
import { getNamespaced, type NamespacedDocuments } from './namespaced-documents.js';

export interface SourcedReadDeps {
  sourced: Pick<SourcedStore, 'list' | 'get'>;
  clusters: Pick<Documents<ClusterRegistration>, 'list' | 'get'>;
}

/** One document and where it comes from. */
export type Sourced<T> =
  { doc: T; source: 'api' } | { doc: T; source: 'cluster'; cluster: string; generation: number };

export interface SourcedFilter {
  namespace?: string;
  /** Only what canaries of this cluster use: its sourced documents, then the API ones they leave. */
  cluster?: string;
}

const apiScope = (namespace: string): Scope => ({ cluster: '*', namespace });
const key = (d: { namespace: string; name: string }) => `${d.namespace}/${d.name}`;

/**
 * The documents of `kind` the caller may read: every API-registered one and every one sourced from
 * an opted-in cluster; with `filter.cluster`, those canaries of that cluster use (one each
 * `namespace/name`). Costs one read of the documents, one of the clusters, one Query per cluster.
 */
export async function listSourced<K extends SourcedKind>(
  kind: K,
  d: NamespacedDocuments<SourcedDocs[K]>,
  deps: SourcedReadDeps,
  access: Access,
  filter: SourcedFilter,
  signal: AbortSignal,
): Promise<Sourced<SourcedDocs[K]>[]> {
  const inNamespace = (ns: string) => filter.namespace === undefined || ns === filter.namespace;
  const clusters = await optedIn(deps, filter.cluster, signal);
  const rows = await Promise.all(clusters.map((c) => servedRows(kind, deps, c, signal)));
  const sourced = rows.flat().filter((s) => inNamespace(s.doc.namespace));
  const shadowed = new Set(sourced.map((s) => key(s.doc)));
  const api: Sourced<SourcedDocs[K]>[] = (await d.docs.list(signal))
    .map((e) => e.doc)
    .filter((doc) => inNamespace(doc.namespace))
    .filter((doc) => filter.cluster === undefined || !shadowed.has(key(doc)))
    .map((doc) => ({ doc, source: 'api' }));
  const scopeOf = (s: Sourced<SourcedDocs[K]>): Scope =>
    s.source === 'cluster' || filter.cluster !== undefined
      ? { cluster: s.source === 'cluster' ? s.cluster : filter.cluster!, namespace: s.doc.namespace }
      : apiScope(s.doc.namespace);
  const visible = await access.filter([...api, ...sourced], scopeOf);
  return visible.sort((a, b) => order(a).localeCompare(order(b)));
}

/**
 * One document. Without `cluster`, the API-registered one. With it, the one canaries of that
 * cluster use: its own sourced one when the cluster opts in and has a valid one, else the
 * API-registered one. 403 before anything is read unless the caller may read there; 404 if none.
 */
export async function getSourced<K extends SourcedKind>(
  kind: K,
  d: NamespacedDocuments<SourcedDocs[K]>,
  deps: SourcedReadDeps,
  access: Access,
  at: { namespace: string; name: string; cluster?: string },
  signal: AbortSignal,
): Promise<Sourced<SourcedDocs[K]>> {
  const { namespace, name, cluster } = at;
  if (cluster === undefined)
    return { doc: await getNamespaced(d, access, namespace, name, signal), source: 'api' };
  await access.require('read', { cluster, namespace });
  const record = await deps.clusters.get(cluster, signal);
  if (!record) throw new NotFoundError(`cluster ${cluster} not found`);
  if (record.gitops?.enabled) {
    const row = await deps.sourced.get(cluster, kind, namespace, name, signal);
    if (row?.served)
      return { doc: row.served.doc, source: 'cluster', cluster, generation: row.served.generation };
  }
  const doc = await d.docs.get(`${namespace}/${name}`, signal);
  if (!doc) throw new NotFoundError(`${d.what} ${namespace}/${name} not found for cluster ${cluster}`);
  return { doc, source: 'api' };
}

/**
 * The opted-in clusters the caller may read `namespace/name` in whose own valid object of `kind`
 * takes precedence over the API-registered one there (one Get per opted-in cluster).
 */
export async function precedingClusters(
  kind: SourcedKind,
  deps: SourcedReadDeps,
  access: Access,
  at: { namespace: string; name: string },
  signal: AbortSignal,
): Promise<string[]> {
  const clusters = await optedIn(deps, undefined, signal);
  const rows = await Promise.all(
    clusters.map((c) => deps.sourced.get(c, kind, at.namespace, at.name, signal)),
  );
  const found = clusters.filter((_, i) => rows[i]?.served !== undefined);
  return access.filter(found, (c) => ({ cluster: c, namespace: at.namespace }));
}

/** The clusters whose record opts in to sourcing (`gitops.enabled`), all or the one named. */
async function optedIn(deps: SourcedReadDeps, only: string | undefined, signal: AbortSignal) {
  if (only !== undefined) {
    const record = await deps.clusters.get(only, signal);
    return record?.gitops?.enabled ? [only] : [];
  }
  const all = await deps.clusters.list(signal);
  return all.filter((c) => c.doc.gitops?.enabled === true).map((c) => c.name);
}

async function servedRows<K extends SourcedKind>(
  kind: K,
  deps: SourcedReadDeps,
  cluster: string,
  signal: AbortSignal,
): Promise<Sourced<SourcedDocs[K]>[]> {
  const rows = (await deps.sourced.list(cluster, signal)) as SourcedRow<K>[];
  return rows.flatMap((r) =>
    r.kind === kind && r.served
      ? [{ doc: r.served.doc, source: 'cluster' as const, cluster, generation: r.served.generation }]
      : [],
  );
}

/** Lists by `namespace/name`, the API-registered one before the sourced ones, clusters by name. */
function order(s: Sourced<{ namespace: string; name: string }>): string {
  return `${key(s.doc)} ${s.source === 'api' ? '' : s.cluster}`;
}
