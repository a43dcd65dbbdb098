/**
 * Pure builders for Istio's VirtualService and DestinationRules (Flagger's newest form,
 * docs/routing.md). The router diffs their output against the live objects and writes only on change.
 */
import type { Canary, HttpMatch } from '../../../domain/spec/schema.js';
import {
  apexName,
  canaryName,
  mirrorWeight,
  primaryName,
  strategy,
  tcp,
} from '../../../domain/spec/accessors.js';
import { L4_MATCH_KEYS } from '../../../domain/spec/tcp-rules.js';
import type { RouteWeights } from '../../../ports/router.js';
import { prune, type Json } from '../engine/json.js';
import { analysisMatches, mergeMatches, serviceMatches } from '../engine/match.js';

/** An Istio `Destination`. */
interface Destination {
  host: string;
  port?: { number: number };
}

/** One weighted destination of an HTTP route. */
interface RouteDestination {
  destination: Destination;
  weight: number;
}

/** The subset of Istio's `HTTPRoute` that Flagger writes. */
interface IstioHttpRoute {
  match?: HttpMatch[];
  rewrite?: Json;
  timeout?: string;
  retries?: Json;
  corsPolicy?: Json;
  headers?: Json;
  route: RouteDestination[];
  mirror?: Destination;
  mirrorPercentage?: { value: number };
}

/** Istio's `L4MatchAttributes`, the part of an HTTP match a TCP route keeps. */
type L4Match = Pick<HttpMatch, (typeof L4_MATCH_KEYS)[number]>;

/** Istio's `TCPRoute`: connections split by weight. */
interface IstioTcpRoute {
  match?: L4Match[];
  route: RouteDestination[];
}

/** `VirtualService.spec` as written by the router: `http` routes, or `tcp` for a TCP service. */
export interface VirtualServiceSpec {
  hosts: string[];
  gateways: string[];
  http?: IstioHttpRoute[];
  tcp?: IstioTcpRoute[];
}

type InheritedRoute = { match?: HttpMatch[]; route?: { destination?: { host?: string } }[] };

/** What a VirtualService the team already had says about where traffic enters (takeover). */
export interface InheritedRouting {
  hosts?: string[];
  gateways?: string[];
  http?: InheritedRoute[];
  tcp?: InheritedRoute[];
}

/**
 * `spec.hosts`: the user's hosts (else those of a VirtualService taken over) plus the apex name,
 * unless present or a `*` host is given.
 */
export function hosts(c: Canary, inherited?: InheritedRouting): string[] {
  const own = c.spec.service.hosts ?? [];
  const given = own.length > 0 ? own : (inherited?.hosts ?? []);
  const apex = apexName(c);
  return given.includes(apex) || given.includes('*') ? [...given] : [...given, apex];
}

/**
 * `spec.gateways`: the user's gateways (else those of a VirtualService taken over), or `mesh` when
 * none are given (Flagger 0.11+).
 */
export function gateways(c: Canary, inherited?: InheritedRouting): string[] {
  const own = c.spec.service.gateways ?? [];
  const given = own.length > 0 ? own : (inherited?.gateways ?? []);
  return given.length > 0 ? [...given] : ['mesh'];
}

/** The service matches: the Canary's, else the first match of a VirtualService taken over. */
function entryMatches(c: Canary, routes: InheritedRoute[] | undefined): HttpMatch[] {
  const own = serviceMatches(c);
  if (own.length > 0 || !routes) return own;
  return routes.find((r) => r.match && r.match.length > 0)?.match ?? own;
}

/** The hosts a VirtualService's routes sent traffic to (for the takeover Event). */
export function routedHosts(spec: InheritedRouting | undefined): string[] {
  return [...(spec?.http ?? []), ...(spec?.tcp ?? [])].flatMap((r) =>
    (r.route ?? []).map((d) => d.destination?.host ?? '?'),
  );
}

/** The L4 part of each match (Flagger keeps only `port`; sourceLabels and gateways are L4 too). */
function l4Matches(matches: HttpMatch[]): L4Match[] {
  return matches.map((m) =>
    Object.fromEntries(L4_MATCH_KEYS.filter((k) => m[k] !== undefined).map((k) => [k, m[k]])),
  );
}

function weightedDestinations(c: Canary, w: RouteWeights): RouteDestination[] {
  return [
    { destination: destination(c, primaryName(c)), weight: w.primary },
    { destination: destination(c, canaryName(c)), weight: w.canary },
  ];
}

function destination(c: Canary, host: string): Destination {
  return { host, port: { number: c.spec.service.port } };
}

/** Route fields copied from `spec.service` onto every route Flagger writes. */
function routeOptions(c: Canary): Omit<IstioHttpRoute, 'route' | 'match'> {
  const s = c.spec.service;
  return {
    rewrite: s.rewrite,
    timeout: s.timeout,
    retries: s.retries,
    corsPolicy: s.corsPolicy,
    headers: s.headers,
  };
}

function weightedRoute(c: Canary, match: HttpMatch[], w: RouteWeights): IstioHttpRoute {
  const route: IstioHttpRoute = {
    match,
    ...routeOptions(c),
    route: weightedDestinations(c, w),
  };
  if (!w.mirrored) return route;
  return { ...route, mirror: destination(c, canaryName(c)), mirrorPercentage: { value: mirrorWeight(c) } };
}

/**
 * The VirtualService spec for weights `w`. Canary and blue/green: one weighted route. A/B: the
 * canary-match route (analysis × service matches) carrying `w`, then the default route, always
 * 100 % primary (Flagger gives it the primary weight, which reads as 0 % but means 100 %).
 */
export function virtualServiceSpec(
  c: Canary,
  w: RouteWeights,
  inherited?: InheritedRouting,
): VirtualServiceSpec {
  const entry = { hosts: hosts(c, inherited), gateways: gateways(c, inherited) };
  if (tcp(c)) {
    // One weighted TCP route (Flagger): no A/B, no mirroring (validation refuses both).
    const match = l4Matches(entryMatches(c, inherited?.tcp ?? inherited?.http)).filter(
      (m) => Object.keys(m).length,
    );
    return prune({ ...entry, tcp: [{ match, route: weightedDestinations(c, w) }] }) as VirtualServiceSpec;
  }
  const service = entryMatches(c, inherited?.http);
  const http =
    strategy(c, 'istio') === 'ab-testing'
      ? [
          weightedRoute(c, mergeMatches(analysisMatches(c), service), w),
          {
            match: service,
            ...routeOptions(c),
            route: [{ destination: destination(c, primaryName(c)), weight: 100 }],
          },
        ]
      : [weightedRoute(c, service, w)];
  return prune({ ...entry, http }) as VirtualServiceSpec;
}

/**
 * Reads the weights from a live VirtualService spec: the first route (HTTP, or TCP for a TCP
 * service) with a canary destination gives both weights and the mirror flag. Undefined when no
 * route names the canary or both weights are 0 (Flagger's "does not contain routes").
 */
export function routeWeightsOf(c: Canary, spec: unknown): RouteWeights | undefined {
  const live = spec as { http?: IstioHttpRoute[]; tcp?: IstioTcpRoute[] } | undefined;
  const http: (IstioHttpRoute | IstioTcpRoute)[] = (tcp(c) ? live?.tcp : live?.http) ?? [];
  const canary = canaryName(c);
  const route = http.find((r) => (r.route ?? []).some((d) => d.destination?.host === canary));
  if (!route) return undefined;
  const weightOf = (host: string) => route.route.find((d) => d.destination?.host === host)?.weight ?? 0;
  const w = {
    primary: weightOf(primaryName(c)),
    canary: weightOf(canary),
    mirrored: 'mirror' in route && route.mirror?.host === canary,
  };
  return w.primary === 0 && w.canary === 0 ? undefined : w;
}

/** `DestinationRule.spec` for `<apex>-primary` or `<apex>-canary`: host plus `service.trafficPolicy`. */
export function destinationRuleSpec(c: Canary, role: 'primary' | 'canary'): Json {
  const host = role === 'primary' ? primaryName(c) : canaryName(c);
  return prune({ host, trafficPolicy: c.spec.service.trafficPolicy }) ?? { host };
}
