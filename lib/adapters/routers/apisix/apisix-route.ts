/**
 * Pure builders for the APISIX provider's canary `ApisixRoute` `<route>-<apex>-canary`
 * (apisix.apache.org/v2), as Flagger writes it: the `routeRef` route's HTTP rule whose backend is
 * the apex Service, at priority 10000 (so it shadows the original), with two weighted backends,
 * `<apex>-primary` and `<apex>-canary`, on the original backend's port. APISIX's metrics name the
 * route (`<ns>_<route>_<rule>`), not the backend.
 */
import { apexName, canaryName, primaryName, routeName } from '../../../domain/spec/accessors.js';
import type { Canary } from '../../../domain/spec/schema.js';
import type { RouteWeights } from '../../../ports/router.js';
import { InvalidRoutesError, UnsupportedRoutingError } from '../engine/errors.js';
import { isJson, type Json } from '../engine/json.js';

/** Flagger's priority of the canary rule. */
const CANARY_PRIORITY = 10000;

/** One ApisixRoute HTTP backend. */
interface RouteBackend {
  serviceName: string;
  servicePort: number | string;
  weight?: number;
  resolveGranularity?: string;
  subset?: string;
}

/** One ApisixRoute HTTP rule (other fields are copied as they are). */
interface HttpRule {
  name: string;
  priority?: number;
  backends: RouteBackend[];
  [key: string]: unknown;
}

/** `<route>-<apex>-canary`. */
export function canaryRouteName(c: Canary): string {
  return `${routeName(c)}-${apexName(c)}-canary`;
}

function rules(spec: unknown): HttpRule[] {
  const http = isJson(spec) && Array.isArray(spec.http) ? (spec.http as unknown[]) : [];
  return http.filter(isJson) as HttpRule[];
}

/**
 * The canary route's spec, built from the source ApisixRoute's spec: its rule with a backend to the
 * apex Service (the only backend it may have), weighted by `w`. TCP `stream` routes are not copied
 * (two routes on one port would conflict). Throws InvalidRoutesError / UnsupportedRoutingError.
 */
export function canaryRouteSpec(c: Canary, source: unknown, w: RouteWeights): Json {
  const where = `ApisixRoute ${c.metadata.namespace}/${routeName(c)}`;
  const rule = rules(source).find((r) => (r.backends ?? []).some((b) => b.serviceName === apexName(c)));
  if (!rule) throw new InvalidRoutesError(`${where} has no http rule with a backend to ${apexName(c)}`);
  if (rule.backends.length !== 1) {
    throw new UnsupportedRoutingError(
      `${where} rule "${rule.name}": only one backend is supported, got ${rule.backends.length}`,
    );
  }
  const [original] = rule.backends;
  const primary: RouteBackend = { ...original, serviceName: primaryName(c), weight: w.primary };
  const canary: RouteBackend = {
    serviceName: canaryName(c),
    servicePort: original.servicePort,
    resolveGranularity: original.resolveGranularity,
    subset: original.subset,
    weight: w.canary,
  };
  const http = [{ ...structuredClone(rule), priority: CANARY_PRIORITY, backends: [primary, canary] }];
  const { stream: _stream, ...rest } = isJson(source) ? structuredClone(source) : {};
  return { ...rest, http };
}

/** A live canary route's spec with the weights of `w` (other fields untouched). */
export function withWeights(c: Canary, spec: unknown, w: RouteWeights): Json | undefined {
  const copy = isJson(spec) ? structuredClone(spec) : {};
  const rule = rules(copy).find((r) => (r.backends ?? []).some((b) => b.serviceName === primaryName(c)));
  if (!rule) return undefined;
  for (const b of rule.backends) {
    if (b.serviceName === primaryName(c)) b.weight = w.primary;
    if (b.serviceName === canaryName(c)) b.weight = w.canary;
  }
  return copy;
}

/**
 * Reads the split: the rule with a backend to the primary; an absent weight is APISIX's default
 * 100. Undefined when no rule names the primary or both weights are 0.
 */
export function routeWeightsOf(c: Canary, spec: unknown): RouteWeights | undefined {
  const rule = rules(spec).find((r) => (r.backends ?? []).some((b) => b.serviceName === primaryName(c)));
  if (!rule) return undefined;
  const weightOf = (name: string) => {
    const b = rule.backends.find((x) => x.serviceName === name);
    return b ? (b.weight ?? 100) : 0;
  };
  const w = { primary: weightOf(primaryName(c)), canary: weightOf(canaryName(c)), mirrored: false };
  return w.primary === 0 && w.canary === 0 ? undefined : w;
}
