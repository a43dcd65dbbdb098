/**
 * What an idle canary last saw of its cluster (docs/architecture.md, "Idle canaries: the sweep"):
 * every object its last step read or wrote, by reference, with the version stamp the step left it
 * at. The step records it; the sweep compares it with metadata-only lists of the same collections.
 *
 * A reference is `<apiVersion>/<resource>/<namespace>/<name>` — `apps/v1/deployments/test/podinfo`,
 * `v1/services/test/podinfo-primary`, `kuma.io/v1alpha1/trafficroutes//podinfo` (cluster-scoped:
 * empty namespace). Names, namespaces and resources contain no `/`, so it parses from the right.
 * References keep a stored record small (tens of bytes per object; a canary sees about ten).
 */

/** One collection of the Kubernetes API: a resource in a namespace ('' when cluster-scoped). */
export interface Collection {
  /** `v1` for the core group, else `<group>/<version>`: `apps/v1`, `networking.istio.io/v1beta1`. */
  apiVersion: string;
  /** The resource as in the URL (plural, lower case): `deployments`, `virtualservices`. */
  resource: string;
  namespace: string;
}

/** One object: a collection and a name. */
export interface ObjectId extends Collection {
  name: string;
}

/** Reference → stamp. */
export type Stamps = Readonly<Record<string, string>>;

/** What a canary last saw, recorded by the step that left it idle. */
export interface Seen {
  /**
   * Epoch ms of the step that recorded it. It names the record: a step the sweep asks for runs
   * only while the canary still holds the record the sweep compared.
   */
  at: number;
  objects: Stamps;
}

/** The stamp of an object that did not exist. */
export const ABSENT = '-';
/** The stamp of an object whose existence alone matters (any version will do). */
export const PRESENT = '*';

export function refOf(o: ObjectId): string {
  return `${o.apiVersion}/${o.resource}/${o.namespace}/${o.name}`;
}

export function parseRef(ref: string): ObjectId {
  const parts = ref.split('/');
  const [name, namespace, resource] = [parts.pop()!, parts.pop()!, parts.pop()!];
  return { apiVersion: parts.join('/'), resource, namespace, name };
}

/** `apiVersion|resource|namespace`: one LIST request. */
export function collectionKey(c: Collection): string {
  return `${c.apiVersion}|${c.resource}|${c.namespace}`;
}

/**
 * The stamp of an object from its metadata: `g<generation>` when its kind counts generations (a
 * Deployment's changes only with its spec, not with its status), else `r<resourceVersion>`.
 */
export function stampOf(meta: { generation?: number; resourceVersion?: string } | undefined): string {
  if (typeof meta?.generation === 'number' && meta.generation > 0) return `g${meta.generation}`;
  return `r${meta?.resourceVersion ?? ''}`;
}

/** The distinct collections the records refer to, in a stable order. */
export function collectionsOf(records: readonly Stamps[]): Collection[] {
  const out = new Map<string, Collection>();
  for (const stamps of records) {
    for (const ref of Object.keys(stamps)) {
      const { name: _name, ...c } = parseRef(ref);
      out.set(collectionKey(c), c);
    }
  }
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, c]) => c);
}
