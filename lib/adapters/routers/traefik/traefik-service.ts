/**
 * Pure builder for Traefik's weighted `TraefikService` `<apex>` (traefik.io/v1alpha1), as Flagger
 * writes it: `weighted.services` lists `<apex>-primary` and, while it gets traffic, `<apex>-canary`,
 * on the service port. The user's IngressRoute references it (`kind: TraefikService`).
 */
import { canaryName, primaryName } from '../../../domain/spec/accessors.js';
import type { Canary } from '../../../domain/spec/schema.js';
import type { RouteWeights } from '../../../ports/router.js';
import { UnsupportedRoutingError } from '../engine/errors.js';
import type { Json } from '../engine/json.js';

/** One weighted Kubernetes Service of the TraefikService. */
interface WeightedService {
  name: string;
  namespace: string;
  port: number;
  weight?: number;
}

/** `TraefikService.spec` as written by the router. */
export interface TraefikServiceSpec {
  weighted: { services: WeightedService[] };
}

/**
 * The TraefikService spec for `w`. Weights are always written, 0 included: Flagger's omitempty
 * drops a 0 weight, which Traefik then reads as its default of 1.
 */
export function traefikServiceSpec(c: Canary, w: RouteWeights): TraefikServiceSpec {
  if (w.mirrored) throw new UnsupportedRoutingError('the traefik provider does not mirror traffic');
  const { namespace } = c.metadata;
  const port = c.spec.service.port;
  const services: WeightedService[] = [{ name: primaryName(c), namespace, port, weight: w.primary }];
  if (w.canary > 0) services.push({ name: canaryName(c), namespace, port, weight: w.canary });
  return { weighted: { services } };
}

/** Reads the split: the primary entry must exist; an absent weight is Traefik's default 1. */
export function routeWeightsOf(c: Canary, spec: unknown): RouteWeights | undefined {
  const services = (spec as Partial<TraefikServiceSpec> | undefined)?.weighted?.services ?? [];
  const primary = services.find((s) => s.name === primaryName(c));
  if (!primary) return undefined;
  const canary = services.find((s) => s.name === canaryName(c));
  const w = { primary: primary.weight ?? 1, canary: canary ? (canary.weight ?? 1) : 0, mirrored: false };
  return w.primary === 0 && w.canary === 0 ? undefined : w;
}

/** The spec as the engine's JSON. */
export function traefikServiceJson(c: Canary, w: RouteWeights): Json {
  return traefikServiceSpec(c, w) as unknown as Json;
}
