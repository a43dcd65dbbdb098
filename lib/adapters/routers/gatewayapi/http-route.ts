/**
 * Pure builder for the Gateway API `HTTPRoute` `<apex>` (gateway.networking.k8s.io/v1, as Flagger
 * writes it; docs/routing.md). It serves every Gateway API implementation: Amazon VPC Lattice, Istio,
 * Envoy Gateway. The router diffs the output against the live object and writes only on change.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName, canaryName, mirrorWeight, primaryName, strategy } from '../../../domain/spec/accessors.js';
import type { RouteWeights } from '../../../ports/router.js';
import { prune } from '../engine/json.js';
import { analysisMatches, mergeMatches, serviceMatches } from '../engine/match.js';
import { toGatewayMatches, type GatewayMatch } from './matches.js';

/** A `parentRef`: a Gateway (north-south) or, with no `gatewayRefs`, the apex Service (GAMMA mesh). */
interface ParentRef {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

/** A weighted `backendRef` to a Service; group and kind are explicit so the live object diffs clean. */
interface BackendRef {
  group: '';
  kind: 'Service';
  name: string;
  port: number;
  weight?: number;
}

type HeaderModifier = {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
};

/** The `HTTPRouteFilter`s the router writes. */
type RouteFilter =
  | { type: 'RequestHeaderModifier'; requestHeaderModifier: HeaderModifier }
  | { type: 'ResponseHeaderModifier'; responseHeaderModifier: HeaderModifier }
  | { type: 'URLRewrite'; urlRewrite: { hostname?: string; path?: Record<string, string> } }
  | { type: 'RequestMirror'; requestMirror: { backendRef: BackendRef; percent?: number } };

/** One `HTTPRouteRule`. */
interface RouteRule {
  matches: GatewayMatch[];
  filters?: RouteFilter[];
  timeouts?: { request: string };
  backendRefs: BackendRef[];
}

/** `HTTPRoute.spec` as written by the router. */
export interface HttpRouteSpec {
  parentRefs: ParentRef[];
  hostnames?: string[];
  rules: RouteRule[];
}

/** What an HTTPRoute the team already had says about where traffic enters (takeover). */
export interface InheritedRoute {
  parentRefs?: ParentRef[];
  hostnames?: string[];
  rules?: { matches?: GatewayMatch[]; backendRefs?: { name?: string }[] }[];
}

/** The backends an HTTPRoute sent traffic to (for the takeover Event). */
export function routedBackends(spec: InheritedRoute | undefined): string[] {
  return (spec?.rules ?? []).flatMap((r) => (r.backendRefs ?? []).map((b) => b.name ?? '?'));
}

function parentRefs(c: Canary, inherited?: InheritedRoute): ParentRef[] {
  const refs = c.spec.service.gatewayRefs ?? [];
  if (refs.length === 0 && inherited?.parentRefs?.length) return inherited.parentRefs;
  if (refs.length === 0)
    return [{ group: '', kind: 'Service', name: apexName(c), port: c.spec.service.port }];
  return refs.map((r) => ({
    group: r.group ?? 'gateway.networking.k8s.io',
    kind: r.kind ?? 'Gateway',
    name: r.name,
    namespace: r.namespace,
    sectionName: r.sectionName,
    port: r.port,
  }));
}

function backend(c: Canary, name: string, weight?: number): BackendRef {
  return { group: '', kind: 'Service', name, port: c.spec.service.port, weight };
}

function modifier(
  ops: { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] } | undefined,
) {
  const pairs = (m?: Record<string, string>) =>
    Object.entries(m ?? {}).map(([name, value]) => ({ name, value }));
  return { set: pairs(ops?.set), add: pairs(ops?.add), remove: ops?.remove };
}

/** Filters from `service.headers` and `service.rewrite`; `ReplacePrefixMatch` needs prefix matches. */
function filters(c: Canary, matches: GatewayMatch[]): RouteFilter[] {
  const { headers, rewrite } = c.spec.service;
  const out: RouteFilter[] = [];
  if (headers?.request)
    out.push({ type: 'RequestHeaderModifier', requestHeaderModifier: modifier(headers.request) });
  if (headers?.response)
    out.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: modifier(headers.response) });
  if (rewrite?.uri !== undefined || rewrite?.authority !== undefined) {
    const prefixOnly = matches.every((m) => m.path.type === 'PathPrefix');
    const path: Record<string, string> | undefined =
      rewrite.uri === undefined
        ? undefined
        : prefixOnly
          ? { type: 'ReplacePrefixMatch', replacePrefixMatch: rewrite.uri }
          : { type: 'ReplaceFullPath', replaceFullPath: rewrite.uri };
    out.push({ type: 'URLRewrite', urlRewrite: { hostname: rewrite.authority, path } });
  }
  return out;
}

function rule(
  c: Canary,
  matches: GatewayMatch[],
  backendRefs: BackendRef[],
  extra: RouteFilter[] = [],
): RouteRule {
  const timeout = c.spec.service.timeout;
  return {
    matches,
    filters: [...filters(c, matches), ...extra],
    timeouts: timeout ? { request: timeout } : undefined,
    backendRefs,
  };
}

function weightedRule(c: Canary, matches: GatewayMatch[], w: RouteWeights): RouteRule {
  const refs = [backend(c, primaryName(c), w.primary), backend(c, canaryName(c), w.canary)];
  if (!w.mirrored) return rule(c, matches, refs);
  // Omit `percent` at 100 % so implementations without the (v1.2+) field accept the filter.
  const percent = mirrorWeight(c) < 100 ? mirrorWeight(c) : undefined;
  return rule(c, matches, refs, [
    { type: 'RequestMirror', requestMirror: { backendRef: backend(c, canaryName(c)), percent } },
  ]);
}

/**
 * The HTTPRoute spec for weights `w`. Canary and blue/green: one weighted rule. A/B: the rule of
 * the analysis matches (merged with the service matches; cookies match as a `Cookie` header regex)
 * carrying `w`, then the default rule, 100 % primary.
 */
export function httpRouteSpec(c: Canary, w: RouteWeights, inherited?: InheritedRoute): HttpRouteSpec {
  const kept = inherited?.rules?.find((r) => r.matches && r.matches.length > 0)?.matches;
  const service =
    serviceMatches(c).length === 0 && kept ? kept : toGatewayMatches(serviceMatches(c), 'spec.service.match');
  const rules =
    strategy(c, 'gatewayapi') === 'ab-testing'
      ? [
          weightedRule(
            c,
            toGatewayMatches(mergeMatches(analysisMatches(c), serviceMatches(c)), 'spec.analysis.match'),
            w,
          ),
          rule(c, service, [backend(c, primaryName(c), 100)]),
        ]
      : [weightedRule(c, service, w)];
  const own = c.spec.service.hosts?.filter((h) => h !== '*');
  const hostnames = own?.length ? own : inherited?.hostnames;
  return prune({ parentRefs: parentRefs(c, inherited), hostnames, rules }) as HttpRouteSpec;
}

/**
 * Reads the weights from a live HTTPRoute spec: the first rule with a canary backend. An omitted
 * weight means 1, as in Gateway API. Undefined when no rule names the canary or both weights are 0.
 */
export function routeWeightsOf(c: Canary, spec: unknown): RouteWeights | undefined {
  const rules = (spec as { rules?: RouteRule[] } | undefined)?.rules ?? [];
  const canary = canaryName(c);
  const found = rules.find((r) => (r.backendRefs ?? []).some((b) => b.name === canary));
  if (!found) return undefined;
  const weightOf = (name: string) => {
    const ref = found.backendRefs.find((b) => b.name === name);
    return ref ? (ref.weight ?? 1) : 0;
  };
  const mirrored = (found.filters ?? []).some(
    (f) => f.type === 'RequestMirror' && f.requestMirror.backendRef.name === canary,
  );
  const w = { primary: weightOf(primaryName(c)), canary: weightOf(canary), mirrored };
  return w.primary === 0 && w.canary === 0 ? undefined : w;
}
