/**
 * Pure builders for the Consul service-mesh config entries (consul.hashicorp.com/v1alpha1 CRDs,
 * each named after the Consul service `<apex>`) that route a canary. Flagger never routed Consul;
 * the design follows Consul's own L7 chain, router → splitter → resolver:
 *
 * - `ServiceDefaults` `<apex>`: `protocol: http`, which L7 config entries require.
 * - `ServiceResolver` `<apex>`: subsets `primary` and `canary` (default `primary`), healthy
 *   instances only. Both Deployments' pods register as the Consul service `<apex>` (the pod
 *   template carries `consul.hashicorp.com/connect-service: <apex>`, copied to the primary);
 *   consul-k8s names an instance `<pod>-<service>`, so each subset filters on the pod names of
 *   its Deployment (`<deployment>-<rs hash>-<suffix>`).
 * - `ServiceSplitter` `<apex>`: the weights, primary then canary (Consul wants them to sum to 100).
 * - `ServiceRouter` `<apex>` (A/B only): one route per merged match, to the subset that carries the
 *   matched traffic (canary while testing, primary otherwise); unmatched requests go on to the
 *   splitter, which stays at 100 % primary. A Consul route has one destination, so A/B weights
 *   other than 0/100 are refused.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName, strategy, targetName } from '../../../domain/spec/accessors.js';
import type { RouteWeights } from '../../../ports/router.js';
import { UnsupportedRoutingError } from '../engine/errors.js';
import { prune, type Json } from '../engine/json.js';
import { analysisMatches, mergeMatches, serviceMatches } from '../engine/match.js';
import { toConsulMatch, type ConsulHttpMatch } from './matches.js';

export type Subset = 'primary' | 'canary';

/** Protocols whose services Consul can split and route by request (L7). */
export const L7_PROTOCOLS: readonly string[] = ['http', 'http2', 'grpc'];

/** Header edits: Consul's `HTTPHeaderModifiers` (the Canary's `service.headers` shape). */
type HeaderModifiers = { add?: Record<string, string>; set?: Record<string, string>; remove?: string[] };

/** One split of the ServiceSplitter. */
export interface ServiceSplit {
  weight: number;
  serviceSubset: Subset;
  requestHeaders?: HeaderModifiers;
  responseHeaders?: HeaderModifiers;
}

/** One route of the ServiceRouter. */
export interface ServiceRoute {
  match: { http: ConsulHttpMatch };
  destination: {
    serviceSubset: Subset;
    requestTimeout?: string;
    requestHeaders?: HeaderModifiers;
    responseHeaders?: HeaderModifiers;
  };
}

/** `ServiceDefaults.spec` when we create it. */
export function serviceDefaultsSpec(): Json {
  return { protocol: 'http' };
}

/** Pod names of a side's Deployment as RE2 (`.` is the only metacharacter a Kubernetes name holds). */
function literal(name: string): string {
  return name.replace(/\./g, '[.]');
}

/** The subset filter of a side: Consul service IDs `<deployment>-<hash>-<suffix>-<apex>`. */
export function subsetFilter(c: Canary, subset: Subset): string {
  const deployment = subset === 'primary' ? `${targetName(c)}-primary` : targetName(c);
  return `Service.ID matches "^${literal(deployment)}-[a-z0-9]+-[a-z0-9]+-${literal(apexName(c))}$"`;
}

/** Resolver fields the user may have set that we keep (and do not diff) when adopting a resolver. */
export function resolverPreserved(c: Canary): string[] {
  const kept = ['connectTimeout', 'loadBalancer', 'failover', 'prioritizeByLocality'];
  return c.spec.service.timeout === undefined ? [...kept, 'requestTimeout'] : kept;
}

/** `ServiceResolver.spec`: the two subsets, `primary` by default; `requestTimeout` from `service.timeout`. */
export function serviceResolverSpec(c: Canary): Json {
  const subset = (s: Subset) => ({ filter: subsetFilter(c, s), onlyPassing: true });
  return prune({
    defaultSubset: 'primary',
    subsets: { primary: subset('primary'), canary: subset('canary') },
    requestTimeout: c.spec.service.timeout,
  }) as Json;
}

function headers(c: Canary): Pick<ServiceSplit, 'requestHeaders' | 'responseHeaders'> {
  const h = c.spec.service.headers;
  const pick = (m: HeaderModifiers | undefined) =>
    m ? prune({ add: m.add, set: m.set, remove: m.remove }) : undefined;
  return { requestHeaders: pick(h?.request), responseHeaders: pick(h?.response) };
}

/** True when `c` is routed as an A/B test (a ServiceRouter carries the matches). */
export function isAbTest(c: Canary): boolean {
  return strategy(c, 'consul') === 'ab-testing';
}

/** `ServiceSplitter.spec` for weights `w`; 100 % primary during A/B tests (the router carries the test). */
export function serviceSplitterSpec(c: Canary, w: RouteWeights): { splits: ServiceSplit[] } {
  if (w.mirrored)
    throw new UnsupportedRoutingError(`ServiceSplitter ${where(c)}: Consul cannot mirror traffic`);
  const weights = isAbTest(c) ? { primary: 100, canary: 0 } : w;
  const extra = headers(c);
  return prune({
    splits: [
      { weight: weights.primary, serviceSubset: 'primary', ...extra },
      { weight: weights.canary, serviceSubset: 'canary', ...extra },
    ],
  }) as { splits: ServiceSplit[] };
}

/** The subset A/B-matched requests go to for weights `w`. */
function abSubset(c: Canary, w: RouteWeights): Subset {
  if (w.canary === 0 && w.primary > 0) return 'primary';
  if (w.primary === 0 && w.canary > 0) return 'canary';
  throw new UnsupportedRoutingError(
    `ServiceRouter ${where(c)}: a Consul route has one destination; A/B weights ${w.primary}/${w.canary} cannot be expressed (0/100 or 100/0 only)`,
  );
}

/** `ServiceRouter.spec` of an A/B test: one route per merged match, all to the same subset. */
export function serviceRouterSpec(c: Canary, w: RouteWeights): { routes: ServiceRoute[] } {
  const subset = abSubset(c, w);
  const destination = prune({ serviceSubset: subset, requestTimeout: c.spec.service.timeout, ...headers(c) });
  const matches = mergeMatches(analysisMatches(c), serviceMatches(c));
  const routes = matches.map((m, i) => ({
    match: { http: prune(toConsulMatch(m, `spec.analysis.match[${i}]`)) ?? {} },
    destination,
  }));
  return prune({ routes }) as { routes: ServiceRoute[] };
}

/** The split of a live ServiceSplitter spec; undefined when neither subset has weight. */
export function splitterWeightsOf(c: Canary, spec: unknown): RouteWeights | undefined {
  const splits = (spec as { splits?: Partial<ServiceSplit>[] } | undefined)?.splits ?? [];
  const ours = (s: Partial<ServiceSplit>) => s.serviceSubset === 'primary' || s.serviceSubset === 'canary';
  const weightOf = (subset: Subset) =>
    splits.filter((s) => s.serviceSubset === subset).reduce((sum, s) => sum + (s.weight ?? 0), 0);
  if (!splits.some(ours)) return undefined;
  const w = { primary: weightOf('primary'), canary: weightOf('canary'), mirrored: false };
  return w.primary === 0 && w.canary === 0 ? undefined : w;
}

/** The split of a live A/B ServiceRouter spec: where its first route sends matched requests. */
export function routerWeightsOf(_c: Canary, spec: unknown): RouteWeights | undefined {
  const routes = (spec as { routes?: Partial<ServiceRoute>[] } | undefined)?.routes ?? [];
  const subset = routes[0]?.destination?.serviceSubset;
  if (subset === 'canary') return { primary: 0, canary: 100, mirrored: false };
  if (subset === 'primary') return { primary: 100, canary: 0, mirrored: false };
  return undefined;
}

function where(c: Canary): string {
  return `${c.metadata.namespace}/${apexName(c)}`;
}
