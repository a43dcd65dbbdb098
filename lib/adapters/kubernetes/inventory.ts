/**
 * The {@link Inventory} port over the Kubernetes API: one LIST per collection, asking for
 * `PartialObjectMetadataList` only — names and version stamps, never a Secret's data, a
 * ConfigMap's content or a Deployment's spec — with `resourceVersion=0`, so the API server answers
 * from its watch cache instead of etcd.
 *
 * Reading from the cache is safe here: a cache that lags shows an object as it was a moment ago,
 * so a change is found by the next sweep at the latest, and an object older than what a step
 * recorded is a false alarm that costs one step; nothing is missed for good.
 *
 * A 404 on a collection means the cluster does not serve that resource (its CRD is not
 * installed): nothing of it exists, which the comparison treats like any absent object.
 */
import type { Listing } from '../../domain/sweep/compare.js';
import { collectionKey, refOf, stampOf, type Collection } from '../../domain/sweep/seen.js';
import type { Inventory } from '../../ports/inventory.js';
import type { ClusterClients } from './client.js';

/** What kube-apiserver answers with names and metadata only (1.15+). */
export const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/** LISTs in flight at once, per sweep. */
const CONCURRENCY = 8;
const DEFAULT_TIMEOUT_MS = 10_000;

interface MetadataList {
  items?: { metadata?: { name?: string; generation?: number; resourceVersion?: string } }[];
}

export class MetadataInventory implements Inventory {
  constructor(
    private readonly clientsOf: (
      cluster: string,
      signal: AbortSignal,
    ) => Promise<Pick<ClusterClients, 'raw'>>,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  async stamps(cluster: string, collections: readonly Collection[], signal: AbortSignal): Promise<Listing> {
    const clients = await this.clientsOf(cluster, signal);
    const stamps = new Map<string, string>();
    const failed = new Map<string, string>();
    let next = 0;
    const worker = async () => {
      while (next < collections.length) {
        const c = collections[next++];
        try {
          for (const [ref, stamp] of await this.list(clients, c, signal)) stamps.set(ref, stamp);
        } catch (e) {
          signal.throwIfAborted();
          failed.set(collectionKey(c), (e as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, collections.length) }, worker));
    return { stamps, failed };
  }

  private async list(
    clients: Pick<ClusterClients, 'raw'>,
    c: Collection,
    signal: AbortSignal,
  ): Promise<[string, string][]> {
    const res = await clients.raw({
      method: 'GET',
      path: `${collectionPath(c)}?resourceVersion=0`,
      headers: { accept: METADATA_LIST },
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
    });
    const text = await res.text();
    if (res.status === 404) return [];
    if (res.status !== 200)
      throw new Error(`LIST ${collectionPath(c)}: HTTP ${res.status} ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as MetadataList;
    return (body.items ?? []).map((i) => [
      refOf({ ...c, name: i.metadata?.name ?? '' }),
      stampOf(i.metadata),
    ]);
  }
}

/** `/api/v1/namespaces/test/services`, `/apis/apps/v1/namespaces/test/deployments`, … */
function collectionPath(c: Collection): string {
  const base = c.apiVersion === 'v1' ? '/api/v1' : `/apis/${c.apiVersion}`;
  const ns = c.namespace === '' ? '' : `/namespaces/${encodeURIComponent(c.namespace)}`;
  return `${base}${ns}/${c.resource}`;
}
