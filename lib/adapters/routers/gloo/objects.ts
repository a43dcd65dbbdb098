/**
 * Pure builders for Gloo Edge, as Flagger writes it: two `Upstream`s (gloo.solo.io/v1)
 * `<ns>-<apex>-primaryupstream-<port>` and `<ns>-<apex>-canaryupstream-<port>` pointing at the
 * `-primary` and `-canary` Services (settings copied from `upstreamRef` when given), and a
 * `RouteTable` `<apex>` (gateway.solo.io/v1) whose route sends weighted traffic to both. The
 * user's Gloo VirtualService delegates to the RouteTable (which inherits its path matchers).
 */
import type { Canary, HttpMatch, StringMatch } from '../../../domain/spec/schema.js';
import { apexName, strategy } from '../../../domain/spec/accessors.js';
import type { RouteWeights } from '../../../ports/router.js';
import { UnsupportedRoutingError } from '../engine/errors.js';
import { prune, type Json } from '../engine/json.js';
import { analysisMatches, mergeMatches, serviceMatches } from '../engine/match.js';

/** Which generated Upstream. */
export type Side = 'primary' | 'canary';

/** `<ns>-<apex>-<side>upstream-<port>` (Flagger's names; Gloo's Envoy cluster is `<name>_<ns>`). */
export function upstreamName(c: Canary, side: Side): string {
  return `${c.metadata.namespace}-${apexName(c)}-${side}upstream-${c.spec.service.port}`;
}

/** Upstream settings copied from `upstreamRef` (Flagger's list). */
const COPIED = [
  'labels',
  'sslConfig',
  'circuitBreakers',
  'connectionConfig',
  'loadBalancerConfig',
  'useHttp2',
  'initialStreamWindowSize',
  'initialConnectionWindowSize',
  'httpProxyHostName',
] as const;

/**
 * The Upstream spec of `side`: `kube` points at the Service `service` (with its `selector`); the
 * settings of `config` (the `upstreamRef` Upstream's spec) are copied.
 */
export function upstreamSpec(
  c: Canary,
  service: { name: string; selector?: Record<string, string> },
  config?: Json,
): Json {
  const copied = Object.fromEntries(COPIED.map((k) => [k, config?.[k]]));
  const kube = {
    serviceName: service.name,
    serviceNamespace: c.metadata.namespace,
    servicePort: c.spec.service.port,
    selector: service.selector,
  };
  return prune({ ...copied, kube }) ?? {};
}

/** A Gloo header or query parameter matcher (Envoy: full-match regex). */
interface ValueMatcher {
  name: string;
  value: string;
  regex?: boolean;
}

/** One Gloo `Matcher`; its conditions all hold. */
interface Matcher {
  headers?: ValueMatcher[];
  queryParameters?: ValueMatcher[];
  methods?: string[];
}

/** A weighted destination; a 0 weight is omitted, as Flagger's serialisation does. */
interface Destination {
  destination: { upstream: { name: string; namespace: string } };
  weight?: number;
}

/** One RouteTable route. */
interface GlooRoute {
  matchers?: Matcher[];
  inheritablePathMatchers: boolean;
  routeAction: { multi: { destinations: Destination[] } };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function valueMatcher(name: string, m: StringMatch): ValueMatcher {
  if (m.exact !== undefined) return { name, value: m.exact };
  if (m.regex !== undefined) return { name, value: m.regex, regex: true };
  if (m.prefix !== undefined) return { name, value: `${escapeRegex(m.prefix)}.*`, regex: true };
  if (m.suffix !== undefined) return { name, value: `.*${escapeRegex(m.suffix)}`, regex: true };
  throw new UnsupportedRoutingError(`empty string match for "${name}"`);
}

/** A match as a Gloo matcher (routing-rules.ts has refused uri and non-exact methods). */
function matcher(m: HttpMatch): Matcher {
  const pairs = (map: Record<string, StringMatch> | undefined) =>
    Object.entries(map ?? {}).map(([n, v]) => valueMatcher(n, v));
  return {
    headers: pairs(m.headers),
    queryParameters: pairs(m.queryParams),
    methods: m.method?.exact ? [m.method.exact.toUpperCase()] : undefined,
  };
}

function route(c: Canary, matches: HttpMatch[], w: RouteWeights): GlooRoute {
  const dest = (side: Side, weight: number): Destination => ({
    destination: { upstream: { name: upstreamName(c, side), namespace: c.metadata.namespace } },
    weight: weight === 0 ? undefined : weight,
  });
  return {
    matchers: matches.map(matcher),
    inheritablePathMatchers: true,
    routeAction: { multi: { destinations: [dest('primary', w.primary), dest('canary', w.canary)] } },
  };
}

const PRIMARY: RouteWeights = { primary: 100, canary: 0, mirrored: false };

/**
 * The RouteTable spec for `w`: one route matching `service.match` (everything without) carrying
 * `w`; for A/B, first a route matching the analysis × service matches carrying `w`, then that
 * route at 100/0 (Flagger writes only the first, leaving unmatched requests without a route).
 */
export function routeTableSpec(c: Canary, w: RouteWeights): Json {
  if (w.mirrored) throw new UnsupportedRoutingError('the gloo provider does not mirror traffic');
  const base = serviceMatches(c);
  const routes =
    strategy(c, 'gloo') === 'ab-testing'
      ? [route(c, mergeMatches(analysisMatches(c), base), w), route(c, base, PRIMARY)]
      : [route(c, base, w)];
  return prune({ routes }) ?? {};
}

/**
 * Reads the split: the first route with a destination to the canary Upstream (absent weights are
 * 0). Undefined when none names it or both weights are 0.
 */
export function routeWeightsOf(c: Canary, spec: unknown): RouteWeights | undefined {
  const routes = (spec as { routes?: Partial<GlooRoute>[] } | undefined)?.routes ?? [];
  const named = (d: Destination, side: Side) => d.destination?.upstream?.name === upstreamName(c, side);
  const found = routes.find((r) =>
    (r.routeAction?.multi?.destinations ?? []).some((d) => named(d, 'canary')),
  );
  if (!found) return undefined;
  const dests = found.routeAction?.multi?.destinations ?? [];
  const weightOf = (side: Side) => dests.find((d) => named(d, side))?.weight ?? 0;
  const w = { primary: weightOf('primary'), canary: weightOf('canary'), mirrored: false };
  return w.primary === 0 && w.canary === 0 ? undefined : w;
}
