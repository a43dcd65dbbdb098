/**
 * Pure builder for Kuma's `TrafficRoute` `<apex>` (kuma.io/v1alpha1, cluster-scoped, in the mesh
 * named by the Canary's `kuma.io/mesh` annotation, default `default`), as Flagger's `kuma` provider
 * writes it: from every service (`kuma.io/service: '*'`) to the apex service, split between the
 * primary and canary services. Kuma names a Kubernetes service `<name>_<namespace>_svc_<port>`.
 *
 * A/B tests (Flagger's kuma provider has none) use the L7 rules of `conf.http`: one rule per
 * merged match carrying the weights, the default `conf.split` staying at 100 % primary. Paths and
 * headers match exactly, by prefix or by regex (suffixes become regexes), the method exactly.
 */
import type { Canary, HttpMatch, StringMatch } from '../../../domain/spec/schema.js';
import { apexName, canaryName, primaryName, strategy } from '../../../domain/spec/accessors.js';
import type { RouteWeights } from '../../../ports/router.js';
import { UnsupportedRoutingError } from '../engine/errors.js';
import { prune } from '../engine/json.js';
import { analysisMatches, mergeMatches, serviceMatches } from '../engine/match.js';
import { matcherOf, within, type Matcher } from '../engine/string-match.js';

/** The Canary annotation naming the Kuma mesh (Flagger's). */
const MESH_ANNOTATION = 'kuma.io/mesh';

type Tags = { 'kuma.io/service': string };

/** One weighted destination. */
interface Split {
  weight: number;
  destination: Tags;
}

type KumaString = Partial<Record<'exact' | 'prefix' | 'regex', string>>;

/** A `conf.http[].match`. */
export interface KumaHttpMatch {
  /** A StringMatcher, like the path (kumahq/kuma traffic_route.proto `StringMatcher method = 1`). */
  method?: KumaString;
  path?: KumaString;
  headers?: Record<string, KumaString>;
}

/** `TrafficRoute.spec` as written by the router. */
export interface TrafficRouteSpec {
  sources: { match: Tags }[];
  destinations: { match: Tags }[];
  conf: { split: Split[]; http?: { match: KumaHttpMatch; split: Split[] }[] };
}

/** The mesh of the canary's TrafficRoute. */
export function meshOf(c: Canary): string {
  return c.metadata.annotations?.[MESH_ANNOTATION] ?? 'default';
}

/** Kuma's service tag of a Kubernetes Service of the canary's namespace on the canary's port. */
function serviceTag(c: Canary, service: string): Tags {
  return { 'kuma.io/service': `${service}_${c.metadata.namespace}_svc_${c.spec.service.port}` };
}

function split(c: Canary, w: RouteWeights): Split[] {
  return [
    { weight: w.primary, destination: serviceTag(c, primaryName(c)) },
    { weight: w.canary, destination: serviceTag(c, canaryName(c)) },
  ];
}

function kumaString(m: StringMatch, where: string): KumaString {
  const x: Matcher = within(matcherOf(m, where), ['exact', 'prefix', 'regex']);
  return { [x.kind]: x.value };
}

/** One match as a Kuma HTTP match; `where` names the Canary field in errors. */
export function toKumaMatch(m: HttpMatch, where: string): KumaHttpMatch {
  const supported = new Set(['name', 'uri', 'headers', 'method']);
  const unsupported = Object.keys(m).filter((k) => !supported.has(k) && m[k] !== undefined);
  if (unsupported.length > 0) {
    throw new UnsupportedRoutingError(`${where}: Kuma cannot match on ${unsupported.join(', ')}`);
  }
  const method = m.method?.exact;
  if (m.method && method === undefined)
    throw new UnsupportedRoutingError(`${where}: method must be an exact match`);
  const headers = m.headers
    ? Object.fromEntries(
        Object.entries(m.headers).map(([n, sm]) => [n, kumaString(sm, `${where}.headers.${n}`)]),
      )
    : undefined;
  return {
    method: method === undefined ? undefined : { exact: method.toUpperCase() },
    path: m.uri ? kumaString(m.uri, `${where}.uri`) : undefined,
    headers,
  };
}

/** The TrafficRoute spec for weights `w`. */
export function trafficRouteSpec(c: Canary, w: RouteWeights): TrafficRouteSpec {
  if (w.mirrored) {
    throw new UnsupportedRoutingError(`TrafficRoute ${apexName(c)}: Kuma cannot mirror traffic`);
  }
  const base = {
    sources: [{ match: { 'kuma.io/service': '*' } }],
    destinations: [{ match: serviceTag(c, apexName(c)) }],
  };
  if (strategy(c, 'kuma') !== 'ab-testing') return { ...base, conf: { split: split(c, w) } };
  const matches = mergeMatches(analysisMatches(c), serviceMatches(c));
  const http = matches.map((m, i) => ({
    match: prune(toKumaMatch(m, `spec.analysis.match[${i}]`)) ?? {},
    split: split(c, w),
  }));
  return { ...base, conf: { http, split: split(c, { primary: 100, canary: 0, mirrored: false }) } };
}

/**
 * Reads the weights from a live TrafficRoute spec: the first L7 rule that splits to the canary
 * service, else `conf.split`. Undefined when the canary service is named nowhere or both weights
 * are 0.
 */
export function routeWeightsOf(c: Canary, spec: unknown): RouteWeights | undefined {
  const conf = (spec as Partial<TrafficRouteSpec> | undefined)?.conf;
  const canary = serviceTag(c, canaryName(c))['kuma.io/service'];
  const primary = serviceTag(c, primaryName(c))['kuma.io/service'];
  const names = (s: Split[] | undefined) => (s ?? []).map((x) => x.destination?.['kuma.io/service']);
  const rule = (conf?.http ?? []).find((r) => names(r.split).includes(canary));
  const splits = rule?.split ?? (names(conf?.split).includes(canary) ? conf?.split : undefined);
  if (!splits) return undefined;
  const weightOf = (tag: string) =>
    splits.filter((s) => s.destination?.['kuma.io/service'] === tag).reduce((n, s) => n + (s.weight ?? 0), 0);
  const w = { primary: weightOf(primary), canary: weightOf(canary), mirrored: false };
  return w.primary === 0 && w.canary === 0 ? undefined : w;
}
