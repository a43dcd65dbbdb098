/**
 * Contour: the HTTPProxy named after the app. Routes are tried most specific first (longer prefix,
 * then more header conditions), as Contour orders them for Envoy; a route's conditions all hold.
 * Query-parameter conditions never hold (simulated requests carry no query). Services are weighted
 * (all unset or 0: even split); Envoy reports each as cluster `<ns>_<service>_<port>`.
 */
import type { KubeObject } from '../../apiserver/index.js';
import type { SimRequest } from '../matching.js';
import type { AppRouting, SimRoute } from '../routing.js';
import { evenWhenUnset, headerHolds, type HeaderCondition } from './match.js';

interface Condition {
  prefix?: string;
  header?: HeaderCondition;
  queryParameter?: unknown;
}

interface ProxyRoute {
  conditions?: Condition[];
  services?: { name: string; port?: number; weight?: number }[];
}

function holds(conditions: Condition[], req: SimRequest): boolean {
  return conditions.every((c) => {
    if (c.queryParameter !== undefined) return false;
    if (c.prefix !== undefined && !req.path.startsWith(c.prefix)) return false;
    return c.header ? headerHolds(c.header, req) : true;
  });
}

function specificity(r: ProxyRoute): [number, number] {
  const conditions = r.conditions ?? [];
  const prefix = Math.max(0, ...conditions.map((c) => c.prefix?.length ?? 0));
  return [prefix, conditions.filter((c) => c.header).length];
}

/** The routing of `apex` by its HTTPProxy, or undefined. */
export function contourRouting(
  proxies: KubeObject[],
  namespace: string,
  apex: string,
): AppRouting | undefined {
  const proxy = proxies.find((o) => o.metadata.name === apex);
  if (!proxy) return undefined;
  const routes = ((proxy.spec as { routes?: ProxyRoute[] } | undefined)?.routes ?? [])
    .map((r, i) => ({ r, i, s: specificity(r) }))
    .sort((a, b) => b.s[0] - a.s[0] || b.s[1] - a.s[1] || a.i - b.i)
    .map(({ r }): SimRoute => ({
      test: (req) => holds(r.conditions ?? [], req),
      backends: evenWhenUnset(
        (r.services ?? []).map((s) => ({
          kind: 'service' as const,
          name: s.name,
          weight: s.weight ?? 0,
          edge: {
            kind: 'envoy' as const,
            controllerNamespace: 'projectcontour',
            cluster: `${namespace}_${s.name}_${s.port ?? 80}`,
          },
        })),
      ),
    }));
  return { source: 'contour', routes };
}
