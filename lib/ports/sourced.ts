/**
 * MetricTemplates and AlertProviders sourced from a cluster (docs/gitops.md): the cluster's
 * objects as the sweep lists and reads them, and the rows that keep what was sourced, keyed by
 * cluster. A sourced row serves the canaries of its own cluster only, before an API-registered
 * document of the same `namespace/name`.
 */
import type { MetricTemplate } from './metrics.js';
import type { AlertProvider } from './notifier.js';

/** The kinds sourced besides Canaries: `metrictemplates.flagger.app`, `alertproviders.flagger.app`. */
export const sourcedKinds = ['template', 'alert-provider'] as const;
export type SourcedKind = (typeof sourcedKinds)[number];

/** An object as a metadata-only list shows it. */
export interface SourcedMeta {
  namespace: string;
  name: string;
  generation: number;
}

/** The objects of one kind in one cluster. */
export interface SourcedObjects {
  /** Every object of `kind` (one metadata-only LIST); empty when the CRD is not installed. */
  list(kind: SourcedKind, signal: AbortSignal): Promise<SourcedMeta[]>;
  /** The whole object, or undefined when it is gone. */
  read(kind: SourcedKind, namespace: string, name: string, signal: AbortSignal): Promise<object | undefined>;
}

/** The document a row serves, per kind. */
export interface SourcedDocs {
  template: MetricTemplate;
  'alert-provider': AlertProvider;
}

/** What is kept of one object of a cluster. Never a secret value: secretRefs are read at use time. */
export interface SourcedRow<K extends SourcedKind = SourcedKind> {
  kind: K;
  namespace: string;
  name: string;
  /** The valid version served and the object's generation it came from; absent if none was valid. */
  served?: { generation: number; doc: SourcedDocs[K] };
  /**
   * The last generation refused, and why: not read again until the object changes. The valid
   * version before it (`served`) keeps serving.
   */
  refused?: { generation: number; error: string };
}

/** The rows of each cluster (one partition per cluster: one Query per sweep). */
export interface SourcedStore {
  list(cluster: string, signal: AbortSignal): Promise<SourcedRow[]>;
  get<K extends SourcedKind>(
    cluster: string,
    kind: K,
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): Promise<SourcedRow<K> | undefined>;
  put(cluster: string, row: SourcedRow, signal: AbortSignal): Promise<void>;
  delete(
    cluster: string,
    row: Pick<SourcedRow, 'kind' | 'namespace' | 'name'>,
    signal: AbortSignal,
  ): Promise<void>;
}
