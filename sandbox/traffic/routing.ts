/**
 * Reads how an apex service is routed from the live objects of one namespace. Pure: it works on
 * a {@link World} (lists read from the sandbox store once per tick).
 *
 * Precedence, as only one router manages an apex at a time: an Istio VirtualService (named after
 * the apex or listing it in `hosts`), else a Gateway API HTTPRoute (named after it or attached to
 * the apex Service), else an App Mesh VirtualRouter named after it, else an SMI TrafficSplit, else
 * Consul config entries, else a Kuma TrafficRoute (meshes.ts reads these three), else an ingress
 * controller's objects (edges/: NGINX, Contour, Gloo, Traefik, APISIX), else the apex Service's own
 * selector (the `kubernetes` provider, blue/green by selector switch).
 */
import type { KubeObject, SandboxStore } from '../apiserver/index.js';
import type { EdgeTag } from './edge-counters.js';
import { edgeRouting, readEdgeWorld, type EdgeWorld } from './edges/index.js';
import {
  gatewayMatches,
  istioMatches,
  meshMatches,
  type GatewayMatch,
  type IstioMatch,
  type MeshMatch,
  type SimRequest,
} from './matching.js';
import { consulRoutes, kumaRoutes, routesKumaApex, smiRoutes, splitsApex } from './meshes.js';

/** The objects of one namespace the simulator needs. */
export interface World {
  namespace: string;
  services: KubeObject[];
  deployments: KubeObject[];
  virtualServices: KubeObject[];
  httpRoutes: KubeObject[];
  virtualRouters: KubeObject[];
  virtualNodes: KubeObject[];
  /** Objects of the ingress controllers. */
  edge: EdgeWorld;
  trafficSplits: KubeObject[];
  serviceRouters: KubeObject[];
  serviceSplitters: KubeObject[];
  serviceResolvers: KubeObject[];
  /** Kuma TrafficRoutes are cluster-scoped: all of them. */
  trafficRoutes: KubeObject[];
}

/** Reads a {@link World} from the store. */
export function readWorld(store: Pick<SandboxStore, 'list'>, namespace: string): World {
  return {
    namespace,
    services: store.list('v1', 'Service', namespace),
    deployments: store.list('apps/v1', 'Deployment', namespace),
    virtualServices: store.list('networking.istio.io/v1', 'VirtualService', namespace),
    httpRoutes: store.list('gateway.networking.k8s.io/v1', 'HTTPRoute', namespace),
    virtualRouters: store.list('appmesh.k8s.aws/v1beta2', 'VirtualRouter', namespace),
    virtualNodes: store.list('appmesh.k8s.aws/v1beta2', 'VirtualNode', namespace),
    edge: readEdgeWorld(store, namespace),
    trafficSplits: store.list('split.smi-spec.io/v1alpha4', 'TrafficSplit', namespace),
    serviceRouters: store.list('consul.hashicorp.com/v1alpha1', 'ServiceRouter', namespace),
    serviceSplitters: store.list('consul.hashicorp.com/v1alpha1', 'ServiceSplitter', namespace),
    serviceResolvers: store.list('consul.hashicorp.com/v1alpha1', 'ServiceResolver', namespace),
    trafficRoutes: store.list('kuma.io/v1alpha1', 'TrafficRoute'),
  };
}

/**
 * Where a route sends requests: a Service (Istio, Gateway API, SMI, Kuma, kubernetes), an App Mesh
 * VirtualNode, or a Consul service (`name`) and subset.
 */
export interface Backend {
  kind: 'service' | 'virtualnode' | 'consul';
  name: string;
  /** The ingress controller forwarding to it, and the labels it reports the request under. */
  edge?: EdgeTag;
  subset?: string;
}

/** One route: its condition, its weighted backends and an optional mirror. */
export interface SimRoute {
  test(req: SimRequest): boolean;
  backends: (Backend & { weight: number })[];
  mirror?: { backend: Backend; percent: number };
}

/** Which router drives an apex. */
type RoutingSource =
  | 'istio'
  | 'gatewayapi'
  | 'appmesh'
  | 'smi'
  | 'consul'
  | 'kuma'
  | 'kubernetes'
  | 'nginx'
  | 'contour'
  | 'gloo'
  | 'traefik'
  | 'apisix'
  | 'alb';

/** How an apex is routed; the first route whose test passes takes the request. */
export interface AppRouting {
  source: RoutingSource;
  routes: SimRoute[];
}

const always = (): boolean => true;

/** Services that are not `-primary`/`-canary` companions: the apps that get traffic. */
export function apexServices(world: World): string[] {
  return world.services
    .map((s) => s.metadata.name ?? '')
    .filter((n) => n && !n.endsWith('-primary') && !n.endsWith('-canary'));
}

/** The routing of `apex`, or undefined when nothing routes it (no Service, no route object). */
export function routingFor(world: World, apex: string): AppRouting | undefined {
  const vs = world.virtualServices.find((o) => o.metadata.name === apex || hostsOf(o).includes(apex));
  if (vs) return { source: 'istio', routes: istioRoutes(vs) };
  const route = world.httpRoutes.find((o) => o.metadata.name === apex || attachedTo(o, apex));
  if (route) return { source: 'gatewayapi', routes: gatewayRoutes(route) };
  const router = world.virtualRouters.find((o) => o.metadata.name === apex);
  if (router) return { source: 'appmesh', routes: meshRoutes(router) };
  const split = world.trafficSplits.find((o) => splitsApex(o, apex));
  if (split) return { source: 'smi', routes: smiRoutes(split) };
  const named = (list: KubeObject[]) => list.find((o) => o.metadata.name === apex);
  const consul = {
    service: apex,
    router: named(world.serviceRouters),
    splitter: named(world.serviceSplitters),
    resolver: named(world.serviceResolvers),
  };
  if (consul.router || consul.splitter || consul.resolver)
    return { source: 'consul', routes: consulRoutes(consul) };
  const kuma = world.trafficRoutes.find((o) => routesKumaApex(o, apex, world.namespace));
  if (kuma) return { source: 'kuma', routes: kumaRoutes(kuma) };
  const edge = edgeRouting(world.edge, world.namespace, apex);
  if (edge) return edge;
  if (!world.services.some((s) => s.metadata.name === apex)) return undefined;
  return {
    source: 'kubernetes',
    routes: [{ test: always, backends: [{ kind: 'service', name: apex, weight: 1 }] }],
  };
}

/** `podinfo-primary.test.svc.cluster.local` → `podinfo-primary`. */
function shortHost(host: string): string {
  return host.split('.')[0] ?? host;
}

function hostsOf(vs: KubeObject): string[] {
  const hosts = (vs.spec as { hosts?: string[] } | undefined)?.hosts ?? [];
  return hosts
    .filter((h) => !h.includes('.') || h.endsWith('.svc.cluster.local') || /^[^.]+\.[^.]+$/.test(h))
    .map(shortHost);
}

interface IstioRoute {
  match?: IstioMatch[];
  route?: { destination?: { host?: string }; weight?: number }[];
  mirror?: { host?: string };
  mirrorPercentage?: { value?: number };
  mirror_percent?: number;
}

function istioRoutes(vs: KubeObject): SimRoute[] {
  const http = (vs.spec as { http?: IstioRoute[] } | undefined)?.http ?? [];
  return http.map((r) => {
    const dests = r.route ?? [];
    const matches = r.match ?? [];
    const mirrorHost = r.mirror?.host;
    return {
      test: matches.length === 0 ? always : (req: SimRequest) => matches.some((m) => istioMatches(m, req)),
      backends: dests.map((d) => ({
        kind: 'service' as const,
        name: shortHost(d.destination?.host ?? ''),
        weight: d.weight ?? (dests.length === 1 ? 100 : 0),
      })),
      mirror: mirrorHost
        ? {
            backend: { kind: 'service', name: shortHost(mirrorHost) },
            percent: r.mirrorPercentage?.value ?? r.mirror_percent ?? 100,
          }
        : undefined,
    };
  });
}

interface GatewayRule {
  matches?: GatewayMatch[];
  backendRefs?: { kind?: string; name: string; weight?: number }[];
  filters?: {
    type: string;
    requestMirror?: {
      backendRef?: { name: string };
      percent?: number;
      fraction?: { numerator: number; denominator?: number };
    };
  }[];
}

function attachedTo(route: KubeObject, apex: string): boolean {
  const refs =
    (route.spec as { parentRefs?: { kind?: string; name?: string }[] } | undefined)?.parentRefs ?? [];
  return refs.some((r) => r.kind === 'Service' && r.name === apex);
}

function mirrorPercent(m: NonNullable<NonNullable<GatewayRule['filters']>[number]['requestMirror']>): number {
  if (m.percent !== undefined) return m.percent;
  if (m.fraction) return (100 * m.fraction.numerator) / (m.fraction.denominator ?? 100);
  return 100;
}

/**
 * Gateway API precedence among rules of one route: the match with the most header matches wins,
 * ties in rule order (path specificity is equal for the routes Flagger writes).
 */
function gatewayRoutes(route: KubeObject): SimRoute[] {
  const rules = (route.spec as { rules?: GatewayRule[] } | undefined)?.rules ?? [];
  const flat = rules.flatMap((rule) => {
    const mirror = rule.filters?.find((f) => f.type === 'RequestMirror')?.requestMirror;
    const simRoute = (m: GatewayMatch): SimRoute => ({
      test: (req) => gatewayMatches(m, req),
      backends: (rule.backendRefs ?? []).map((b) => ({
        kind: 'service' as const,
        name: b.name,
        weight: b.weight ?? 1,
      })),
      mirror: mirror?.backendRef
        ? { backend: { kind: 'service', name: mirror.backendRef.name }, percent: mirrorPercent(mirror) }
        : undefined,
    });
    const matches = rule.matches?.length ? rule.matches : [{}];
    return matches.map((m) => ({ headers: m.headers?.length ?? 0, route: simRoute(m) }));
  });
  return flat
    .map((f, i) => ({ ...f, i }))
    .sort((a, b) => b.headers - a.headers || a.i - b.i)
    .map((f) => f.route);
}

interface MeshRoute {
  priority?: number;
  httpRoute?: {
    match?: MeshMatch;
    action?: { weightedTargets?: { virtualNodeRef?: { name?: string }; weight?: number }[] };
  };
}

/** App Mesh evaluates routes by ascending priority; routes without one come last, in order. */
function meshRoutes(router: KubeObject): SimRoute[] {
  const routes = (router.spec as { routes?: MeshRoute[] } | undefined)?.routes ?? [];
  return routes
    .map((r, i) => ({ r, i, p: r.priority ?? Number.MAX_SAFE_INTEGER }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map(({ r }) => {
      const match = r.httpRoute?.match ?? {};
      return {
        test: (req: SimRequest) => meshMatches(match, req),
        backends: (r.httpRoute?.action?.weightedTargets ?? []).map((t) => ({
          kind: 'virtualnode' as const,
          name: t.virtualNodeRef?.name ?? '',
          weight: t.weight ?? 0,
        })),
      };
    });
}
