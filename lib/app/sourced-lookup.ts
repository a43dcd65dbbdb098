/**
 * Which MetricTemplate or AlertProvider a canary's reference means (docs/gitops.md, "Cluster
 * isolation"): for a canary of cluster C whose record opts in to GitOps sourcing, the object of
 * that `namespace/name` sourced from C comes first; otherwise (or when C has none, or only a
 * refused one) the one registered through the API, which serves every cluster. A row sourced
 * from another cluster is never read: the key holds the canary's own cluster.
 */
import type { Documents } from '../ports/store.js';
import type { SourcedDocs, SourcedKind, SourcedStore } from '../ports/sourced.js';

export interface SourcedLookupDeps<K extends SourcedKind> {
  store: Pick<SourcedStore, 'get'>;
  /** The API-registered documents, named `namespace/name`. */
  shared: Pick<Documents<SourcedDocs[K]>, 'get'>;
  /** Whether the cluster's record opts in (`gitops.enabled`); the rows of one that opted out are not read. */
  enabled(cluster: string, signal: AbortSignal): Promise<boolean>;
}

/** `get(namespace, name, signal, cluster?)` of TemplateLookup and AlertProviders. */
export function sourcedFirst<K extends SourcedKind>(kind: K, deps: SourcedLookupDeps<K>) {
  return async (
    namespace: string,
    name: string,
    signal: AbortSignal,
    cluster?: string,
  ): Promise<SourcedDocs[K] | undefined> => {
    if (cluster !== undefined && (await deps.enabled(cluster, signal))) {
      const row = await deps.store.get(cluster, kind, namespace, name, signal);
      if (row?.served) return row.served.doc;
    }
    return deps.shared.get(`${namespace}/${name}`, signal);
  };
}
