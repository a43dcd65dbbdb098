/**
 * The statically served kinds: core and apps built-ins, apiextensions, and the routing objects of
 * every mesh and ingress Flagger drives, as their CRDs declare them (scope, status subresource,
 * short names). Within a group the first version listed is the preferred one (discovery order).
 * The routing kinds behave as custom resources: no strategic merge patch, SSA replaces lists.
 */
import type { PrinterColumn, ResourceType } from './resources.js';

interface Options {
  namespaced?: boolean;
  status?: boolean;
  shortNames?: string[];
  columns?: PrinterColumn[];
  /** `['all']` for the kinds `kubectl get all` lists. */
  categories?: string[];
}

const builtin = (group: string, version: string, kind: string, plural: string, o: Options = {}) =>
  ({
    group,
    version,
    kind,
    plural,
    namespaced: o.namespaced ?? true,
    shortNames: o.shortNames ?? [],
    builtin: true,
    status: o.status ?? true,
    ...(o.categories ? { categories: o.categories } : {}),
  }) as const;

const custom = (group: string, versions: string[], kind: string, plural: string, o: Options = {}) =>
  versions.map((version) => ({
    group,
    version,
    kind,
    plural,
    namespaced: o.namespaced ?? true,
    shortNames: o.shortNames ?? [],
    builtin: false,
    status: o.status ?? true,
    ...(o.columns ? { columns: o.columns } : {}),
  }));

const column = (name: string, jsonPath: string, type = 'string', priority = 0): PrinterColumn => ({
  name,
  type,
  jsonPath,
  priority,
});
const ALL = ['all'];
const age = column('Age', '.metadata.creationTimestamp', 'date');

/** Static kinds; the first entry must stay Namespace (see NAMESPACES). */
export const STATIC_KINDS: readonly ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'] }),
  builtin('', 'v1', 'Service', 'services', { shortNames: ['svc'], categories: ALL }),
  builtin('', 'v1', 'ConfigMap', 'configmaps', { status: false, shortNames: ['cm'] }),
  builtin('', 'v1', 'Secret', 'secrets', { status: false }),
  builtin('', 'v1', 'Event', 'events', { status: false, shortNames: ['ev'] }),
  builtin('', 'v1', 'Pod', 'pods', { shortNames: ['po'], categories: ALL }),
  builtin('apps', 'v1', 'Deployment', 'deployments', { shortNames: ['deploy'], categories: ALL }),
  builtin('apps', 'v1', 'DaemonSet', 'daemonsets', { shortNames: ['ds'], categories: ALL }),
  builtin('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', {
    shortNames: ['hpa'],
    categories: ALL,
  }),
  builtin('networking.k8s.io', 'v1', 'Ingress', 'ingresses', { shortNames: ['ing'] }),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', {
    namespaced: false,
    shortNames: ['crd', 'crds'],
  }),
  ...custom('networking.istio.io', ['v1', 'v1beta1'], 'VirtualService', 'virtualservices', {
    shortNames: ['vs'],
  }),
  ...custom('networking.istio.io', ['v1', 'v1beta1'], 'DestinationRule', 'destinationrules', {
    shortNames: ['dr'],
  }),
  ...custom('gateway.networking.k8s.io', ['v1', 'v1beta1'], 'HTTPRoute', 'httproutes'),
  ...custom('appmesh.k8s.aws', ['v1beta2'], 'VirtualNode', 'virtualnodes'),
  ...custom('appmesh.k8s.aws', ['v1beta2'], 'VirtualRouter', 'virtualrouters'),
  ...custom('appmesh.k8s.aws', ['v1beta2'], 'VirtualService', 'virtualservices'),
  // Linkerd's SMI extension serves every TrafficSplit version; none has a status subresource.
  ...custom(
    'split.smi-spec.io',
    ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'],
    'TrafficSplit',
    'trafficsplits',
    { status: false, shortNames: ['ts'] },
  ),
  ...custom('consul.hashicorp.com', ['v1alpha1'], 'ServiceSplitter', 'servicesplitters'),
  ...custom('consul.hashicorp.com', ['v1alpha1'], 'ServiceResolver', 'serviceresolvers'),
  ...custom('consul.hashicorp.com', ['v1alpha1'], 'ServiceRouter', 'servicerouters'),
  ...custom('consul.hashicorp.com', ['v1alpha1'], 'ServiceDefaults', 'servicedefaults'),
  ...custom('projectcontour.io', ['v1'], 'HTTPProxy', 'httpproxies', {
    shortNames: ['proxy', 'proxies'],
    columns: [
      column('FQDN', '.spec.virtualhost.fqdn'),
      column('TLS Secret', '.spec.virtualhost.tls.secretName'),
      column('Status', '.status.currentStatus'),
      column('Status Description', '.status.description'),
    ],
  }),
  ...custom('gateway.solo.io', ['v1'], 'RouteTable', 'routetables', { shortNames: ['rt'] }),
  ...custom('gloo.solo.io', ['v1'], 'Upstream', 'upstreams', { shortNames: ['us'] }),
  ...custom('traefik.io', ['v1alpha1'], 'TraefikService', 'traefikservices', { status: false }),
  ...custom('traefik.containo.us', ['v1alpha1'], 'TraefikService', 'traefikservices', {
    status: false,
  }),
  ...custom('apisix.apache.org', ['v2'], 'ApisixRoute', 'apisixroutes', { shortNames: ['ar'] }),
  // Kuma's legacy policies are cluster-scoped (mesh-scoped); its new policies are namespaced.
  ...custom('kuma.io', ['v1alpha1'], 'TrafficRoute', 'trafficroutes', {
    namespaced: false,
    status: false,
  }),
  ...custom('kuma.io', ['v1alpha1'], 'MeshHTTPRoute', 'meshhttproutes', { status: false }),
  ...custom('elbv2.k8s.aws', ['v1beta1'], 'TargetGroupBinding', 'targetgroupbindings', {
    columns: [
      column('Service-Name', '.spec.serviceRef.name'),
      column('Service-Port', '.spec.serviceRef.port'),
      column('Target-Type', '.spec.targetType'),
      column('ARN', '.spec.targetGroupARN', 'string', 1),
      age,
    ],
  }),
];
