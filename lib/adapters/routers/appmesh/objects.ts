/**
 * Pure builders for App Mesh (appmesh.k8s.aws/v1beta2; Flagger's v1beta1 objects carried to v1beta2,
 * docs/routing.md):
 *
 * - VirtualNodes `<apex>-primary` / `<apex>-canary`: podSelector, listener on the container port,
 *   DNS service discovery `<svc>.<ns>.svc.cluster.local`, backends from `service.backends`;
 * - VirtualRouters `<apex>` (the weighted split) and `<apex>-canary` (100 % canary, for direct
 *   canary tests), each with a listener on the port and one route (A/B: header routes
 *   `<apex>-a…` priority 10+ and `<apex>-b` priority 20);
 * - VirtualServices `<apex>` (awsName `<apex>.<ns>`) and `<apex>-canary` pointing at the routers.
 *
 * No apex VirtualNode: in v1beta2 the VirtualService resolves through the router, and a third
 * node selecting the primary pods would make the sidecar injector see two matching nodes (Flagger
 * dropped it for the same reason). `meshRef` is filled by the App Mesh webhook from the namespace's
 * mesh, so it is never written; `awsName` is immutable, so it is written only on create.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import {
  apexName,
  canaryName,
  durationMs,
  primaryName,
  strategy,
  targetName,
} from '../../../domain/spec/accessors.js';
import type { RouteWeights } from '../../../ports/router.js';
import { UnsupportedRoutingError } from '../engine/errors.js';
import { prune, type Json } from '../engine/json.js';
import { analysisMatches, serviceMatches } from '../engine/match.js';

/** Spec keys App Mesh owns after create; the router keeps the live values and ignores them in diffs. */
export const APPMESH_PRESERVED = ['awsName', 'meshRef'] as const;

/** A weighted target of an App Mesh route. */
interface WeightedTarget {
  virtualNodeRef: { name: string };
  weight: number;
}

/** One App Mesh route as written. */
interface MeshRoute {
  name: string;
  priority?: number;
  httpRoute: {
    match: Json;
    timeout?: Json;
    retryPolicy?: Json;
    action: { weightedTargets: WeightedTarget[] };
  };
}

const MAX_AB_ROUTES = 10;

function port(c: Canary): number {
  const target = c.spec.service.targetPort;
  return typeof target === 'number' ? target : c.spec.service.port;
}

function portMapping(c: Canary): Json {
  if ((c.spec.service.portName ?? '').includes('grpc') || c.spec.service.appProtocol === 'grpc') {
    throw new UnsupportedRoutingError(
      `App Mesh router for ${c.metadata.namespace}/${apexName(c)}: gRPC routes are not supported`,
    );
  }
  return { port: port(c), protocol: 'http' };
}

function perRequest(c: Canary): Json | undefined {
  const ms = durationMs(c.spec.service.timeout);
  return ms === undefined ? undefined : { perRequest: { unit: 'ms', value: ms } };
}

/** `VirtualNode.spec` for the primary or the canary pods. */
export function virtualNodeSpec(c: Canary, role: 'primary' | 'canary'): Json {
  const name = role === 'primary' ? primaryName(c) : canaryName(c);
  const ns = c.metadata.namespace;
  const pods = role === 'primary' ? `${targetName(c)}-primary` : targetName(c);
  const backends = (c.spec.service.backends ?? []).map((b) =>
    b.startsWith('arn:aws')
      ? { virtualService: { virtualServiceARN: b } }
      : { virtualService: { virtualServiceRef: { name: b } } },
  );
  const timeout = perRequest(c);
  return prune({
    awsName: `${name}_${ns}`,
    podSelector: { matchLabels: { app: pods } },
    listeners: [{ portMapping: portMapping(c), timeout: timeout && { http: timeout } }],
    serviceDiscovery: { dns: { hostname: `${name}.${ns}.svc.cluster.local` } },
    backends,
  }) as Json;
}

/** Flagger's retry policy: one retry on gateway-error with a 250 ms per-try timeout unless given. */
function retryPolicy(c: Canary): Json | undefined {
  const r = c.spec.service.retries;
  if (!r) return undefined;
  const events = (r.retryOn ?? 'gateway-error')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return {
    maxRetries: r.attempts && r.attempts > 0 ? r.attempts : 1,
    perRetryTimeout: { unit: 'ms', value: durationMs(r.perTryTimeout) ?? 250 },
    httpRetryEvents: events,
  };
}

/** App Mesh matches a URI by prefix only: `service.match[0].uri.prefix`, else `/`. */
function prefix(c: Canary): string {
  return serviceMatches(c)[0]?.uri?.prefix ?? '/';
}

function targets(c: Canary, w: Pick<RouteWeights, 'primary' | 'canary'>): WeightedTarget[] {
  return [
    { virtualNodeRef: { name: canaryName(c) }, weight: w.canary },
    { virtualNodeRef: { name: primaryName(c) }, weight: w.primary },
  ];
}

function route(
  c: Canary,
  name: string,
  match: Json,
  w: Pick<RouteWeights, 'primary' | 'canary'>,
  priority?: number,
): MeshRoute {
  const httpRoute = {
    match,
    timeout: perRequest(c),
    retryPolicy: retryPolicy(c),
    action: { weightedTargets: targets(c, w) },
  };
  return { name, priority, httpRoute };
}

/** A/B routes: one header route per `analysis.match` entry, then the default route to primary. */
function abRoutes(c: Canary, w: RouteWeights): MeshRoute[] {
  const matches = analysisMatches(c);
  if (matches.length > MAX_AB_ROUTES) {
    throw new UnsupportedRoutingError(`App Mesh router: at most ${MAX_AB_ROUTES} analysis.match entries`);
  }
  const apex = apexName(c);
  const header = matches.map((m, i) => {
    const headers = Object.entries(m.headers ?? {}).map(([name, match]) => ({ name, match: { ...match } }));
    const unsupported = Object.keys(m).filter((k) => k !== 'headers' && k !== 'name' && m[k] !== undefined);
    if (unsupported.length > 0 || headers.length === 0) {
      throw new UnsupportedRoutingError(
        `App Mesh router: spec.analysis.match[${i}] must match on headers only`,
      );
    }
    return route(c, i === 0 ? `${apex}-a` : `${apex}-a-${i + 1}`, { prefix: prefix(c), headers }, w, 10 + i);
  });
  return [...header, route(c, `${apex}-b`, { prefix: prefix(c) }, { primary: 100, canary: 0 }, 20)];
}

/**
 * `VirtualRouter.spec`. The apex router carries `w`; the `-canary` router always sends 100 % to
 * the canary node. App Mesh cannot mirror, so a mirrored split is an error.
 */
export function virtualRouterSpec(c: Canary, role: 'apex' | 'canary', w: RouteWeights): Json {
  if (w.mirrored) {
    throw new UnsupportedRoutingError(
      `App Mesh router for ${c.metadata.namespace}/${apexName(c)}: traffic mirroring is not supported`,
    );
  }
  const name = role === 'apex' ? apexName(c) : canaryName(c);
  const routes =
    role === 'canary'
      ? [route(c, name, { prefix: prefix(c) }, { primary: 0, canary: 100 })]
      : strategy(c, 'appmesh') === 'ab-testing'
        ? abRoutes(c, w)
        : [route(c, name, { prefix: prefix(c) }, w)];
  return prune({
    awsName: `${name}_${c.metadata.namespace}`,
    listeners: [{ portMapping: portMapping(c) }],
    routes,
  }) as Json;
}

/** `VirtualService.spec` for the apex (`<apex>.<ns>`) or the canary (`<apex>-canary.<ns>`) name. */
export function virtualServiceSpec(c: Canary, role: 'apex' | 'canary'): Json {
  const name = role === 'apex' ? apexName(c) : canaryName(c);
  return {
    awsName: `${name}.${c.metadata.namespace}`,
    provider: { virtualRouter: { virtualRouterRef: { name } } },
  };
}

/** Reads the split from a live apex VirtualRouter: the first route's weighted targets. */
export function routeWeightsOf(c: Canary, spec: unknown): RouteWeights | undefined {
  const routes = (spec as { routes?: MeshRoute[] } | undefined)?.routes ?? [];
  const weighted = routes[0]?.httpRoute?.action?.weightedTargets ?? [];
  const weightOf = (name: string) => weighted.find((t) => t.virtualNodeRef?.name === name)?.weight ?? 0;
  const w = { primary: weightOf(primaryName(c)), canary: weightOf(canaryName(c)), mirrored: false };
  return w.primary === 0 && w.canary === 0 ? undefined : w;
}
