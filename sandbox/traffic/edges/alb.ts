/**
 * The AWS Load Balancer Controller: an Ingress path whose backend is `service.name: <action>,
 * port.name: use-annotation` routes by the annotation `alb.ingress.kubernetes.io/actions.<action>`
 * (a forward action to weighted target groups, one per Service); a path whose action has
 * `alb.ingress.kubernetes.io/conditions.<action>` takes the requests that satisfy every
 * http-header condition (ALB wildcards `*` and `?`, case-insensitive), in the paths' order.
 * An app is routed when a forward action names `<apex>-primary` or `<apex>-canary`.
 */
import type { KubeObject } from '../../apiserver/index.js';
import type { SimRequest } from '../matching.js';
import type { AppRouting, SimRoute } from '../routing.js';

const PREFIX = 'alb.ingress.kubernetes.io';

interface Path {
  backend?: { service?: { name?: string; port?: { name?: string } } };
}
interface TargetGroup {
  serviceName?: string;
  weight?: number;
}
interface Condition {
  field?: string;
  httpHeaderConfig?: { httpHeaderName?: string; values?: string[] };
}

function json<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** ALB's wildcard match: `*` any run of characters, `?` one; case-insensitive. */
function wildcard(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'is').test(value);
}

function holds(conditions: Condition[], req: SimRequest): boolean {
  return conditions.every((c) => {
    const h = c.httpHeaderConfig;
    if (c.field !== 'http-header' || !h?.httpHeaderName) return false;
    const got = req.headers[h.httpHeaderName.toLowerCase()];
    return got !== undefined && (h.values ?? []).some((v) => wildcard(v, got));
  });
}

/** The routing of `apex` through the ALB actions of an Ingress, or undefined. */
export function albRouting(ingresses: KubeObject[], apex: string): AppRouting | undefined {
  const sides = new Set([`${apex}-primary`, `${apex}-canary`]);
  for (const ing of ingresses) {
    const a = ing.metadata.annotations ?? {};
    const rules = ((ing.spec ?? {}) as { rules?: { http?: { paths?: Path[] } }[] }).rules ?? [];
    const routes: SimRoute[] = [];
    for (const p of rules.flatMap((r) => r.http?.paths ?? [])) {
      const svc = p.backend?.service;
      if (svc?.port?.name !== 'use-annotation' || !svc.name) continue;
      const action = json<{ forwardConfig?: { targetGroups?: TargetGroup[] } }>(
        a[`${PREFIX}/actions.${svc.name}`],
      );
      const groups = action?.forwardConfig?.targetGroups ?? [];
      if (!groups.some((g) => sides.has(g.serviceName ?? ''))) continue;
      const conditions = json<Condition[]>(a[`${PREFIX}/conditions.${svc.name}`]);
      routes.push({
        test: conditions ? (req) => holds(conditions, req) : () => true,
        backends: groups.map((g) => ({
          kind: 'service' as const,
          name: g.serviceName ?? '',
          weight: g.weight ?? 0,
        })),
      });
    }
    if (routes.length > 0) return { source: 'alb', routes };
  }
  return undefined;
}
