/**
 * The canary's live weight in each mesh routing object of podinfo in `test`, read from the sandbox
 * store (NaN when the object or the canary's backend is missing): what a release test samples
 * after every step.
 */
import type { MeshWorld } from './mesh-harness.js';

const live = <T>(w: MeshWorld, apiVersion: string, kind: string) =>
  w.sandbox.store.get(apiVersion, kind, 'test', 'podinfo') as unknown as T | undefined;

/** The `podinfo-canary` backend of the TrafficSplit (v1alpha1 quantities read as numbers). */
export function trafficSplitWeight(w: MeshWorld, version = 'v1alpha1'): number {
  type Split = { spec: { backends: { service: string; weight: number | string }[] } };
  const split = live<Split>(w, `split.smi-spec.io/${version}`, 'TrafficSplit');
  return Number(split?.spec.backends.find((b) => b.service === 'podinfo-canary')?.weight ?? NaN);
}

/** The `podinfo-canary` backendRef of the HTTPRoute's first rule. */
export function httpRouteWeight(w: MeshWorld): number {
  type Route = { spec: { rules: { backendRefs: { name: string; weight?: number }[] }[] } };
  const route = live<Route>(w, 'gateway.networking.k8s.io/v1beta1', 'HTTPRoute');
  return route?.spec.rules[0].backendRefs.find((b) => b.name === 'podinfo-canary')?.weight ?? NaN;
}

/** The `canary` subset's split of the Consul ServiceSplitter. */
export function serviceSplitterWeight(w: MeshWorld): number {
  type Splitter = { spec: { splits: { serviceSubset: string; weight: number }[] } };
  const splitter = live<Splitter>(w, 'consul.hashicorp.com/v1alpha1', 'ServiceSplitter');
  return splitter?.spec.splits.find((s) => s.serviceSubset === 'canary')?.weight ?? NaN;
}

/** The `podinfo-canary` service of the Contour HTTPProxy's first route. */
export function httpProxyWeight(w: MeshWorld): number {
  type Proxy = { spec: { routes: { services: { name: string; weight?: number }[] }[] } };
  const proxy = live<Proxy>(w, 'projectcontour.io/v1', 'HTTPProxy');
  return proxy?.spec.routes[0].services.find((s) => s.name === 'podinfo-canary')?.weight ?? NaN;
}

/** The canary Upstream's destination of the Gloo RouteTable's first route (absent: 0). */
export function routeTableWeight(w: MeshWorld): number {
  type Dest = { destination: { upstream: { name: string } }; weight: number };
  type Table = { spec: { routes: { routeAction: { multi: { destinations: Dest[] } } }[] } };
  const table = live<Table>(w, 'gateway.solo.io/v1', 'RouteTable');
  if (!table) return NaN;
  const dests = table.spec.routes[0].routeAction.multi.destinations;
  return dests.find((d) => d.destination.upstream.name === 'test-podinfo-canaryupstream-9898')?.weight ?? 0;
}

/** The `podinfo-canary` service of the weighted TraefikService (absent: 0). */
export function traefikServiceWeight(w: MeshWorld): number {
  type Weighted = { spec: { weighted: { services: { name: string; weight?: number }[] } } };
  const ts = live<Weighted>(w, 'traefik.io/v1alpha1', 'TraefikService');
  if (!ts) return NaN;
  return ts.spec.weighted.services.find((s) => s.name === 'podinfo-canary')?.weight ?? 0;
}

/** The `canary-weight` annotation of ingress-nginx's `podinfo-canary` Ingress. */
export function nginxCanaryWeight(w: MeshWorld): number {
  const ing = w.sandbox.store.get('networking.k8s.io/v1', 'Ingress', 'test', 'podinfo-canary');
  return Number(ing?.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'] ?? NaN);
}

/** The canary's split in the cluster-scoped Kuma TrafficRoute `podinfo` (`http[i]`, or the default split). */
export function trafficRouteWeight(w: MeshWorld, http?: number): number {
  type Split = { weight: number; destination: { 'kuma.io/service': string } }[];
  type Route = { spec: { conf: { split: Split; http?: { split: Split }[] } } };
  const route = w.sandbox.store.get('kuma.io/v1alpha1', 'TrafficRoute', '', 'podinfo') as unknown as
    Route | undefined;
  const split = http === undefined ? route?.spec.conf.split : route?.spec.conf.http?.[http]?.split;
  return (
    split?.find((s) => s.destination['kuma.io/service'] === 'podinfo-canary_test_svc_9898')?.weight ?? NaN
  );
}

/** The `podinfo-canary` backend of the canary ApisixRoute `podinfo-podinfo-canary`'s first rule. */
export function apisixRouteWeight(w: MeshWorld): number {
  type Route = { spec: { http: { backends: { serviceName: string; weight?: number }[] }[] } };
  const route = w.sandbox.store.get(
    'apisix.apache.org/v2',
    'ApisixRoute',
    'test',
    'podinfo-podinfo-canary',
  ) as Route | undefined;
  return route?.spec.http[0].backends.find((b) => b.serviceName === 'podinfo-canary')?.weight ?? NaN;
}
