/**
 * Gloo Edge: the RouteTable named after the app, routes tried in order. A route without matchers
 * takes everything; otherwise one of its matchers must hold (headers: `value` exact, or a full-match
 * regex with `regex: true`, presence when empty, `invertMatch`; `methods`). Query-parameter matchers
 * never hold. Destinations name Upstreams, whose `kube.serviceName` receives the request; Envoy
 * reports it as cluster `<upstream>_<upstream namespace>`.
 */
import type { KubeObject } from '../../apiserver/index.js';
import { fullMatch, type SimRequest } from '../matching.js';
import type { AppRouting, SimRoute } from '../routing.js';

interface Matcher {
  headers?: { name: string; value?: string; regex?: boolean; invertMatch?: boolean }[];
  queryParameters?: unknown[];
  methods?: string[];
}

interface GlooRoute {
  matchers?: Matcher[];
  routeAction?: {
    multi?: {
      destinations?: {
        destination?: { upstream?: { name?: string; namespace?: string } };
        weight?: number;
      }[];
    };
  };
}

function holds(m: Matcher, req: SimRequest): boolean {
  if ((m.queryParameters?.length ?? 0) > 0) return false;
  if (m.methods?.length && !m.methods.includes(req.method)) return false;
  return (m.headers ?? []).every((h) => {
    const got = req.headers[h.name.toLowerCase()];
    const ok = got !== undefined && (!h.value || (h.regex ? fullMatch(h.value, got) : got === h.value));
    return h.invertMatch ? !ok : ok;
  });
}

/** The routing of `apex` by its RouteTable and the Upstreams it names, or undefined. */
export function glooRouting(
  tables: KubeObject[],
  upstreams: KubeObject[],
  apex: string,
): AppRouting | undefined {
  const table = tables.find((o) => o.metadata.name === apex);
  if (!table) return undefined;
  const serviceOf = (name: string, namespace: string) => {
    const u = upstreams.find((o) => o.metadata.name === name && o.metadata.namespace === namespace);
    return (u?.spec as { kube?: { serviceName?: string } } | undefined)?.kube?.serviceName ?? '';
  };
  const routes = ((table.spec as { routes?: GlooRoute[] } | undefined)?.routes ?? []).map((r): SimRoute => ({
    test: (req) => (r.matchers?.length ? r.matchers.some((m) => holds(m, req)) : true),
    backends: (r.routeAction?.multi?.destinations ?? []).map((d) => {
      const name = d.destination?.upstream?.name ?? '';
      const ns = d.destination?.upstream?.namespace ?? table.metadata.namespace ?? '';
      return {
        kind: 'service' as const,
        name: serviceOf(name, ns),
        weight: d.weight ?? 0,
        edge: { kind: 'envoy' as const, controllerNamespace: 'gloo-system', cluster: `${name}_${ns}` },
      };
    }),
  }));
  return { source: 'gloo', routes };
}
