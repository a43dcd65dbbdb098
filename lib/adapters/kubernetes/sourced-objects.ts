/**
 * The {@link SourcedObjects} port over the Kubernetes API (docs/gitops.md): Flagger's
 * MetricTemplates and AlertProviders (`flagger.app/v1beta1`). Lists are metadata only
 * (PartialObjectMetadataList) from the watch cache (`resourceVersion=0`), as the Canary objects'
 * (canary-objects.ts); one object is read in full only when its generation moved. Nothing is
 * written.
 */
import type { SourcedKind, SourcedMeta, SourcedObjects } from '../../ports/sourced.js';
import type { ClusterClients } from './client.js';
import { METADATA_LIST } from './inventory.js';

const GROUP = '/apis/flagger.app/v1beta1';
const TIMEOUT_MS = 10_000;
const plural: Record<SourcedKind, string> = {
  template: 'metrictemplates',
  'alert-provider': 'alertproviders',
};

interface Metadata {
  name?: string;
  namespace?: string;
  generation?: number;
}

export class KubernetesSourcedObjects implements SourcedObjects {
  constructor(private readonly clients: Pick<ClusterClients, 'raw'>) {}

  async list(kind: SourcedKind, signal: AbortSignal): Promise<SourcedMeta[]> {
    const path = `${GROUP}/${plural[kind]}?resourceVersion=0`;
    const res = await this.send(path, METADATA_LIST, signal);
    // A 404: the resource is not served (the CRD is not installed): nothing of it exists.
    if (res.status === 404) return (await res.text(), []);
    const body = (await checked(res, `LIST ${path}`)) as { items?: { metadata?: Metadata }[] };
    return (body.items ?? []).map(({ metadata: m = {} }) => ({
      namespace: m.namespace ?? '',
      name: m.name ?? '',
      generation: m.generation ?? 0,
    }));
  }

  async read(
    kind: SourcedKind,
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): Promise<object | undefined> {
    const path = `${GROUP}/namespaces/${encodeURIComponent(namespace)}/${plural[kind]}/${encodeURIComponent(name)}`;
    const res = await this.send(path, 'application/json', signal);
    if (res.status === 404) return (await res.text(), undefined);
    return (await checked(res, `GET ${path}`)) as object;
  }

  private send(path: string, accept: string, signal: AbortSignal): Promise<Response> {
    return this.clients.raw({
      method: 'GET',
      path,
      headers: { accept },
      signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
    });
  }
}

/** The parsed body of a 2xx answer; an Error naming the request otherwise. */
async function checked(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
}
