/**
 * The weight-only controllers. Traefik: the TraefikService named after the app, one weighted route
 * (an absent weight is 1), reported per service as `<ns>-<name>-<port>@kubernetescrd`. APISIX: every
 * HTTP rule of the namespace's ApisixRoutes with a backend to the app's Services, highest `priority`
 * first, the first whose methods and paths match (exprs are not evaluated); backends are weighted
 * (absent: 100) and reported per route `<ns>_<ApisixRoute>_<rule>`.
 */
import type { KubeObject } from '../../apiserver/index.js';
import type { SimRequest } from '../matching.js';
import type { AppRouting, SimRoute } from '../routing.js';

interface TraefikSpec {
  weighted?: { services?: { name: string; namespace?: string; port?: number; weight?: number }[] };
}

/** The routing of `apex` by its TraefikService, or undefined. */
export function traefikRouting(services: KubeObject[], apex: string): AppRouting | undefined {
  const ts = services.find((o) => o.metadata.name === apex);
  if (!ts) return undefined;
  const backends = ((ts.spec as TraefikSpec | undefined)?.weighted?.services ?? []).map((s) => ({
    kind: 'service' as const,
    name: s.name,
    weight: s.weight ?? 1,
    edge: {
      kind: 'traefik' as const,
      service: `${s.namespace ?? ts.metadata.namespace ?? ''}-${s.name}-${s.port ?? 80}@kubernetescrd`,
    },
  }));
  return { source: 'traefik', routes: [{ test: () => true, backends }] };
}

interface ApisixRule {
  name?: string;
  priority?: number;
  match?: { paths?: string[]; methods?: string[] };
  backends?: { serviceName: string; weight?: number }[];
}

function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

function ruleMatches(rule: ApisixRule, req: SimRequest): boolean {
  const { paths = [], methods = [] } = rule.match ?? {};
  if (methods.length > 0 && !methods.includes(req.method)) return false;
  return paths.length === 0 || paths.some((p) => pathMatches(p, req.path));
}

/** The routing of `apex` by the ApisixRoutes naming its Services, or undefined. */
export function apisixRouting(routes: KubeObject[], namespace: string, apex: string): AppRouting | undefined {
  const mine = new Set([apex, `${apex}-primary`, `${apex}-canary`]);
  const rules = routes.flatMap((o) =>
    ((o.spec as { http?: ApisixRule[] } | undefined)?.http ?? [])
      .filter((r) => (r.backends ?? []).some((b) => mine.has(b.serviceName)))
      .map((rule) => ({ rule, route: `${namespace}_${o.metadata.name ?? ''}_${rule.name ?? ''}` })),
  );
  if (rules.length === 0) return undefined;
  const sorted = rules
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => (b.rule.priority ?? 0) - (a.rule.priority ?? 0) || a.i - b.i)
    .map(({ rule, route }): SimRoute => ({
      test: (req) => ruleMatches(rule, req),
      backends: (rule.backends ?? []).map((b) => ({
        kind: 'service' as const,
        name: b.serviceName,
        weight: b.weight ?? 100,
        edge: { kind: 'apisix' as const, route },
      })),
    }));
  return { source: 'apisix', routes: sorted };
}
