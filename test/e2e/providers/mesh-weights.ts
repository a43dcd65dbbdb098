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
