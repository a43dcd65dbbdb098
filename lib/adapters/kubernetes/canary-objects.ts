/**
 * The {@link CanaryObjects} port over the Kubernetes API (docs/gitops.md). Lists are metadata only
 * (PartialObjectMetadataList) from the watch cache (`resourceVersion=0`), as the sweep's other
 * lists (inventory.ts): a lagging cache shows a change one sweep later. Marks are JSON merge
 * patches of the object's metadata; the status is a merge patch of the `status` subresource.
 */
import {
  ERROR_ANNOTATION,
  FINALIZER,
  GENERATION_ANNOTATION,
  type CanaryObjectMark,
  type CanaryObjectMeta,
  type CanaryObjects,
  type FlaggerStatus,
} from '../../ports/canary-objects.js';
import type { ClusterClients } from './client.js';
import { METADATA_LIST } from './inventory.js';

const CANARIES = '/apis/flagger.app/v1beta1';
/** Flagger's Helm chart labels its Deployment so (docs/gitops.md, "Flagger in the cluster"). */
const FLAGGER_SELECTOR = 'app.kubernetes.io/name=flagger';
const MERGE = 'application/merge-patch+json';
const TIMEOUT_MS = 10_000;

interface Metadata {
  name?: string;
  namespace?: string;
  generation?: number;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
}

export class KubernetesCanaryObjects implements CanaryObjects {
  constructor(private readonly clients: Pick<ClusterClients, 'raw'>) {}

  async list(signal: AbortSignal): Promise<CanaryObjectMeta[]> {
    const items = await this.metadataList(`${CANARIES}/canaries?resourceVersion=0`, signal);
    return items.map((m) => ({
      namespace: m.namespace ?? '',
      name: m.name ?? '',
      generation: m.generation ?? 0,
      annotations: m.annotations ?? {},
      finalizers: m.finalizers ?? [],
      deleting: m.deletionTimestamp !== undefined,
    }));
  }

  /**
   * A full LIST (the selector keeps it to Flagger's own Deployments: a few hundred bytes) because
   * only the spec says whether one is scaled to zero — which does not count as running
   * (docs/migrating-from-flagger.md scales Flagger down before migrating).
   */
  async flagger(signal: AbortSignal): Promise<string | undefined> {
    const path = `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(FLAGGER_SELECTOR)}&resourceVersion=0`;
    const res = await this.send('GET', path, undefined, signal);
    const body = (await checked(res, `LIST ${path}`)) as {
      items?: { metadata?: Metadata; spec?: { replicas?: number } }[];
    };
    const running = (body.items ?? []).find((d) => (d.spec?.replicas ?? 1) > 0);
    return running && `${running.metadata?.namespace}/${running.metadata?.name}`;
  }

  async read(namespace: string, name: string, signal: AbortSignal): Promise<object | undefined> {
    const path = objectPath(namespace, name);
    const res = await this.send('GET', path, undefined, signal);
    if (res.status === 404) return undefined;
    return (await checked(res, `GET ${path}`)) as object;
  }

  async mark(namespace: string, name: string, mark: CanaryObjectMark, signal: AbortSignal): Promise<void> {
    const path = objectPath(namespace, name);
    const current = await this.send('GET', path, undefined, signal);
    if (current.status === 404) return;
    const live = ((await checked(current, `GET ${path}`)) as { metadata?: Metadata }).metadata ?? {};
    const others = (live.finalizers ?? []).filter((f) => f !== FINALIZER);
    const patch = {
      metadata: {
        // The resourceVersion read: a concurrent change of the finalizers fails (409) rather than lost.
        resourceVersion: (live as { resourceVersion?: string }).resourceVersion,
        annotations: {
          [GENERATION_ANNOTATION]: String(mark.generation),
          [ERROR_ANNOTATION]: mark.error ?? null,
        },
        finalizers: mark.finalizer === 'add' ? [...others, FINALIZER] : others,
      },
    };
    await checked(await this.send('PATCH', path, patch, signal), `PATCH ${path}`);
  }

  async writeStatus(
    namespace: string,
    name: string,
    status: FlaggerStatus,
    signal: AbortSignal,
    ifVersion?: string,
  ): Promise<boolean> {
    const path = `${objectPath(namespace, name)}/status`;
    // A resourceVersion in a merge patch is a precondition: 409 when the object changed since.
    const body = { ...(ifVersion !== undefined && { metadata: { resourceVersion: ifVersion } }), status };
    const res = await this.send('PATCH', path, body, signal);
    if (res.status === 404 || (res.status === 409 && ifVersion !== undefined))
      return (await res.text(), false);
    await checked(res, `PATCH ${path}`);
    return true;
  }

  private async metadataList(path: string, signal: AbortSignal): Promise<Metadata[]> {
    const res = await this.clients.raw({
      method: 'GET',
      path,
      headers: { accept: METADATA_LIST },
      signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
    });
    // A 404: the resource is not served (the CRD is not installed): nothing of it exists.
    if (res.status === 404) return (await res.text(), []);
    const body = (await checked(res, `LIST ${path}`)) as { items?: { metadata?: Metadata }[] };
    return (body.items ?? []).map((i) => i.metadata ?? {});
  }

  private send(method: string, path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    return this.clients.raw({
      method,
      path,
      headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': MERGE }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
    });
  }
}

function objectPath(namespace: string, name: string): string {
  return `${CANARIES}/namespaces/${encodeURIComponent(namespace)}/canaries/${encodeURIComponent(name)}`;
}

/** The parsed body of a 2xx answer; an Error naming the request otherwise. */
async function checked(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
}
