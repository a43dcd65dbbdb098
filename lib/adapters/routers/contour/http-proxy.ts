/**
 * Pure builder for Contour's `HTTPProxy` `<apex>` (projectcontour.io/v1), as Flagger writes it: no
 * virtualhost (a root HTTPProxy of the user's includes it), routes whose `services` are
 * `<apex>-primary` and `<apex>-canary` with integer weights, each with Linkerd's
 * `l5d-dst-override` request header, `timeoutPolicy` and `retryPolicy` from `spec.service`.
 */
import type { Canary, HttpMatch, StringMatch } from '../../../domain/spec/schema.js';
import { canaryName, primaryName, strategy } from '../../../domain/spec/accessors.js';
import type { RouteWeights } from '../../../ports/router.js';
import { UnsupportedRoutingError } from '../engine/errors.js';
import { prune } from '../engine/json.js';
import { analysisMatches, mergeMatches, serviceMatches } from '../engine/match.js';

/** One condition of a Contour route. */
type Condition =
  | { prefix: string }
  | { header: { name: string; exact?: string; regex?: string } }
  | { queryParameter: { name: string; exact?: string; prefix?: string; suffix?: string; regex?: string } };

/** A weighted upstream Service of a route. */
interface ProxyService {
  name: string;
  port: number;
  weight: number;
  requestHeadersPolicy: { set: { name: string; value: string }[] };
}

/** A Contour route. */
interface ProxyRoute {
  conditions: Condition[];
  timeoutPolicy?: { response: string; idle: string };
  retryPolicy?: { count: number; perTryTimeout?: string; retryOn?: string[] };
  services: ProxyService[];
}

/** `HTTPProxy.spec` as written by the router. */
export interface HttpProxySpec {
  ingressClassName?: string;
  routes: ProxyRoute[];
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Envoy's header regex is a full match, like the Canary's string match. */
function headerCondition(name: string, m: StringMatch): Condition {
  if (m.exact !== undefined) return { header: { name, exact: m.exact } };
  if (m.prefix !== undefined) return { header: { name, regex: `${escapeRegex(m.prefix)}.*` } };
  if (m.suffix !== undefined) return { header: { name, regex: `.*${escapeRegex(m.suffix)}` } };
  if (m.regex !== undefined) return { header: { name, regex: m.regex } };
  throw new UnsupportedRoutingError(`empty string match for header "${name}"`);
}

function queryCondition(name: string, m: StringMatch): Condition {
  return { queryParameter: { name, exact: m.exact, prefix: m.prefix, suffix: m.suffix, regex: m.regex } };
}

/** A match as route conditions: one prefix (`/` by default), then headers and query parameters. */
function conditions(m: HttpMatch): Condition[] {
  return [
    { prefix: m.uri?.prefix ?? '/' },
    ...Object.entries(m.headers ?? {}).map(([n, v]) => headerCondition(n, v)),
    ...Object.entries(m.queryParams ?? {}).map(([n, v]) => queryCondition(n, v)),
  ];
}

function service(c: Canary, name: string, weight: number): ProxyService {
  const port = c.spec.service.port;
  const value = `${name}.${c.metadata.namespace}.svc.cluster.local:${port}`;
  return { name, port, weight, requestHeadersPolicy: { set: [{ name: 'l5d-dst-override', value }] } };
}

function route(c: Canary, m: HttpMatch, w: RouteWeights): ProxyRoute {
  const { timeout, retries } = c.spec.service;
  return {
    conditions: conditions(m),
    timeoutPolicy: timeout ? { response: timeout, idle: '5m' } : undefined,
    retryPolicy: retries
      ? {
          count: retries.attempts ?? 1,
          perTryTimeout: retries.perTryTimeout,
          retryOn: retries.retryOn?.split(','),
        }
      : undefined,
    services: [service(c, primaryName(c), w.primary), service(c, canaryName(c), w.canary)],
  };
}

const PRIMARY: RouteWeights = { primary: 100, canary: 0, mirrored: false };

/**
 * The HTTPProxy spec for `w`. Canary and blue/green: one route per `service.match` entry (one
 * `prefix: /` route without). A/B: the analysis routes (analysis × service matches) carrying `w`,
 * then the service routes at 100/0. Contour does not mirror here (Flagger never did).
 */
export function httpProxySpec(c: Canary, w: RouteWeights, ingressClassName?: string): HttpProxySpec {
  if (w.mirrored) throw new UnsupportedRoutingError('the contour provider does not mirror traffic');
  const base = serviceMatches(c);
  const service = base.length > 0 ? base : [{}];
  const routes =
    strategy(c, 'contour') === 'ab-testing'
      ? [
          ...mergeMatches(analysisMatches(c), base).map((m) => route(c, m, w)),
          ...service.map((m) => route(c, m, PRIMARY)),
        ]
      : service.map((m) => route(c, m, w));
  return prune({ ingressClassName, routes }) as unknown as HttpProxySpec;
}

/**
 * Reads the split from a live HTTPProxy spec: the first route listing the canary Service (an
 * absent weight is 0). Undefined when no route names it or both weights are 0.
 */
export function routeWeightsOf(c: Canary, spec: unknown): RouteWeights | undefined {
  const routes = (spec as { routes?: Partial<ProxyRoute>[] } | undefined)?.routes ?? [];
  const canary = canaryName(c);
  const found = routes.find((r) => (r.services ?? []).some((s) => s.name === canary));
  if (!found) return undefined;
  const weightOf = (name: string) => found.services?.find((s) => s.name === name)?.weight ?? 0;
  const w = { primary: weightOf(primaryName(c)), canary: weightOf(canary), mirrored: false };
  return w.primary === 0 && w.canary === 0 ? undefined : w;
}
