/**
 * Pure builder for the SMI `TrafficSplit` `<apex>` (split.smi-spec.io; docs/routing.md) as
 * Flagger's `linkerd` and `smi:<version>` providers write it: the root `service` clients call and
 * two weighted backends, the canary first. v1alpha1 weights are Kubernetes quantities (written as
 * strings, `"90"`), v1alpha2–v1alpha4 weights integers. A TrafficSplit only splits by weight: it
 * cannot match requests (A/B is refused by spec validation) nor mirror them.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName, canaryName, primaryName } from '../../../domain/spec/accessors.js';
import type { RouteWeights } from '../../../ports/router.js';
import { UnsupportedRoutingError } from '../engine/errors.js';

/** The TrafficSplit versions Flagger's SMI providers write (v1alpha4 is SMI's last). */
export const smiVersions = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'] as const;
export type SmiVersion = (typeof smiVersions)[number];

/** One backend: a Service and its (relative) weight. */
interface TrafficSplitBackend {
  service: string;
  weight: number | string;
}

/** `TrafficSplit.spec` as written by the router. */
export interface TrafficSplitSpec {
  service: string;
  backends: TrafficSplitBackend[];
}

/** The root service: Flagger uses the first of `service.hosts`, else the apex name. */
function rootService(c: Canary): string {
  return c.spec.service.hosts?.[0] ?? apexName(c);
}

/** The TrafficSplit spec for weights `w` in `version`'s weight encoding. */
export function trafficSplitSpec(c: Canary, w: RouteWeights, version: SmiVersion): TrafficSplitSpec {
  if (w.mirrored) {
    throw new UnsupportedRoutingError(
      `TrafficSplit ${c.metadata.namespace}/${apexName(c)}: SMI cannot mirror traffic`,
    );
  }
  const weight = (n: number): number | string => (version === 'v1alpha1' ? String(n) : n);
  return {
    service: rootService(c),
    backends: [
      { service: canaryName(c), weight: weight(w.canary) },
      { service: primaryName(c), weight: weight(w.primary) },
    ],
  };
}

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k)?$/;

/** A backend weight as a number: integers, or quantities such as `"500m"` or `"1k"`; NaN otherwise. */
export function weightValue(w: unknown): number {
  if (typeof w === 'number') return w;
  const m = typeof w === 'string' ? QUANTITY.exec(w.trim()) : null;
  if (!m) return Number.NaN;
  const scale = m[2] === 'm' ? 0.001 : m[2] === 'k' ? 1000 : 1;
  return Number(m[1]) * scale;
}

/**
 * Reads the split from a live TrafficSplit spec. SMI weights are relative, so they are turned into
 * percentages of all backends (ours always sum to 100). Undefined when the primary and canary have
 * no weight, or a weight is not a number.
 */
export function routeWeightsOf(c: Canary, spec: unknown): RouteWeights | undefined {
  const backends = (spec as { backends?: TrafficSplitBackend[] } | undefined)?.backends ?? [];
  const weights = backends.map((b) => ({ service: b.service, weight: weightValue(b.weight) }));
  if (weights.some((b) => !(b.weight >= 0))) return undefined;
  const of = (name: string) => weights.filter((b) => b.service === name).reduce((s, b) => s + b.weight, 0);
  const total = weights.reduce((s, b) => s + b.weight, 0);
  const p = of(primaryName(c));
  const k = of(canaryName(c));
  if (p + k === 0) return undefined;
  const canary = Math.round((100 * k) / total);
  const primary = p + k === total ? 100 - canary : Math.round((100 * p) / total);
  return { primary, canary, mirrored: false };
}
