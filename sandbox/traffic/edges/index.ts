/**
 * How the ingress controllers route an app, read from their objects as Flagger's routers write them
 * (lib/adapters/routers/{nginx,contour,gloo,traefik,apisix}). Pure, like routing.ts: each reader
 * returns the routes of one app or undefined when its objects do not route it. Every backend carries
 * the {@link EdgeTag} the controller reports the request under, so the counters emit that
 * controller's metrics (edge-counters.ts).
 */
import type { KubeObject, SandboxStore } from '../../apiserver/index.js';
import type { AppRouting } from '../routing.js';
import { albRouting } from './alb.js';
import { contourRouting } from './contour.js';
import { glooRouting } from './gloo.js';
import { nginxRouting } from './nginx.js';
import { apisixRouting, traefikRouting } from './weighted.js';

/** The ingress controllers' objects of one namespace. */
export interface EdgeWorld {
  ingresses: KubeObject[];
  httpProxies: KubeObject[];
  routeTables: KubeObject[];
  upstreams: KubeObject[];
  traefikServices: KubeObject[];
  apisixRoutes: KubeObject[];
}

/** Reads an {@link EdgeWorld} from the store. */
export function readEdgeWorld(store: Pick<SandboxStore, 'list'>, namespace: string): EdgeWorld {
  return {
    ingresses: store.list('networking.k8s.io/v1', 'Ingress', namespace),
    httpProxies: store.list('projectcontour.io/v1', 'HTTPProxy', namespace),
    routeTables: store.list('gateway.solo.io/v1', 'RouteTable', namespace),
    upstreams: store.list('gloo.solo.io/v1', 'Upstream', namespace),
    traefikServices: [
      ...store.list('traefik.io/v1alpha1', 'TraefikService', namespace),
      ...store.list('traefik.containo.us/v1alpha1', 'TraefikService', namespace),
    ],
    apisixRoutes: store.list('apisix.apache.org/v2', 'ApisixRoute', namespace),
  };
}

/** The routing of `apex` by the first controller whose objects route it, in a fixed order. */
export function edgeRouting(edge: EdgeWorld, namespace: string, apex: string): AppRouting | undefined {
  return (
    nginxRouting(edge.ingresses, namespace, apex) ??
    albRouting(edge.ingresses, apex) ??
    contourRouting(edge.httpProxies, namespace, apex) ??
    glooRouting(edge.routeTables, edge.upstreams, apex) ??
    traefikRouting(edge.traefikServices, apex) ??
    apisixRouting(edge.apisixRoutes, namespace, apex)
  );
}
