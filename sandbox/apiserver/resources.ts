/**
 * The served resource table. Everything the server routes, stores and advertises in discovery is
 * derived from RESOURCES; adding a kind is one line here. Several versions of one group share storage
 * (keyed by group and plural), so an Istio VirtualService written as v1beta1 reads back as v1.
 */

/** One served (group, version, plural). */
export interface ResourceType {
  /** API group; '' for the core group (served under /api/v1). */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  /** Built-in Kubernetes kind: accepts strategic merge patch; SSA merges keyed lists. CRDs do neither. */
  readonly builtin: boolean;
  /** Has a /status subresource: writes to the main resource keep status, /status writes keep the rest. */
  readonly status: boolean;
}

const core = (
  kind: string,
  plural: string,
  namespaced: boolean,
  status: boolean,
  shortNames: string[] = [],
) => ({ group: '', version: 'v1', kind, plural, namespaced, shortNames, builtin: true, status }) as const;

const crd = (group: string, versions: string[], kind: string, plural: string, shortNames: string[] = []) =>
  versions.map((version) => ({
    group,
    version,
    kind,
    plural,
    namespaced: true,
    shortNames,
    builtin: false,
    status: true,
  }));

/** Every resource the sandbox serves. Within a group, the first version listed is the preferred one. */
export const RESOURCES: readonly ResourceType[] = [
  core('Namespace', 'namespaces', false, true, ['ns']),
  core('Service', 'services', true, true, ['svc']),
  core('ConfigMap', 'configmaps', true, false, ['cm']),
  core('Secret', 'secrets', true, false),
  core('Event', 'events', true, false, ['ev']),
  core('Pod', 'pods', true, true, ['po']),
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    namespaced: true,
    shortNames: ['deploy'],
    builtin: true,
    status: true,
  },
  {
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
    shortNames: ['hpa'],
    builtin: true,
    status: true,
  },
  ...crd('networking.istio.io', ['v1', 'v1beta1'], 'VirtualService', 'virtualservices', ['vs']),
  ...crd('networking.istio.io', ['v1', 'v1beta1'], 'DestinationRule', 'destinationrules', ['dr']),
  ...crd('gateway.networking.k8s.io', ['v1', 'v1beta1'], 'HTTPRoute', 'httproutes'),
  ...crd('appmesh.k8s.aws', ['v1beta2'], 'VirtualNode', 'virtualnodes'),
  ...crd('appmesh.k8s.aws', ['v1beta2'], 'VirtualRouter', 'virtualrouters'),
  ...crd('appmesh.k8s.aws', ['v1beta2'], 'VirtualService', 'virtualservices'),
];

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** Storage key shared by all versions of one group's plural. */
export function storageKeyOf(rt: ResourceType): string {
  return `${rt.group}/${rt.plural}`;
}

/** The resource served at (group, version, plural), if any. */
export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The resource for an object's apiVersion and kind, if served. */
export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/** The core Namespace resource (namespace existence checks go through it). */
export const NAMESPACES: ResourceType = RESOURCES[0];

/** Groups (excluding core) with their versions, preferred first, in table order. */
export function apiGroups(): { name: string; versions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return [...groups].map(([name, versions]) => ({ name, versions }));
}

/** Resources served in one group-version. */
export function resourcesIn(group: string, version: string): ResourceType[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}
