/**
 * Pure builders for the `alb` provider: the AWS Load Balancer Controller's weighted target groups
 * on the `ingressRef` Ingress itself (an ALB serves one rule per host and path, so a second
 * Ingress cannot split it). The router adopts the Ingress and writes, as the controller's docs
 * show:
 *
 * - `alb.ingress.kubernetes.io/actions.<apex>-weighted`: a forward action to the target groups of
 *   `<apex>-primary` and `<apex>-canary` with the split's weights, and every path whose backend
 *   was the apex Service now points at `service.name: <apex>-weighted, port.name: use-annotation`;
 * - A/B while the test runs: before each such path a copy pointing at `<apex>-match`, whose action
 *   forwards to the canary only and whose `alb.ingress.kubernetes.io/conditions.<apex>-match` are
 *   the `analysis.match` headers (ALB ANDs the conditions of a rule); unmatched requests fall
 *   through to the weighted rule (100 % primary).
 */
import { apexName, canaryName, primaryName, strategy } from '../../../domain/spec/accessors.js';
import type { Canary, StringMatch } from '../../../domain/spec/schema.js';
import type { RouteWeights } from '../../../ports/router.js';
import { analysisMatches } from '../engine/match.js';
import { UnsupportedRoutingError } from '../engine/errors.js';
import { isJson, type Json } from '../engine/json.js';

/** The AWS Load Balancer Controller's annotation prefix. */
const PREFIX = 'alb.ingress.kubernetes.io';

/** The weighted forward action's name: `<apex>-weighted`. */
function weightedAction(c: Canary): string {
  return `${apexName(c)}-weighted`;
}

/** The A/B action's name: `<apex>-match`. */
function matchAction(c: Canary): string {
  return `${apexName(c)}-match`;
}

/** The annotations this router owns on the Ingress of `c`. */
function ownKeys(c: Canary): string[] {
  return [
    `${PREFIX}/actions.${weightedAction(c)}`,
    `${PREFIX}/actions.${matchAction(c)}`,
    `${PREFIX}/conditions.${matchAction(c)}`,
  ];
}

/** The Ingress's annotations without this router's (kept as the user wrote them). */
export function foreignAnnotations(
  c: Canary,
  annotations: Record<string, string> | undefined,
): Record<string, string> {
  const own = new Set(ownKeys(c));
  return Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => !own.has(k)));
}

interface ServicePort {
  number?: number;
  name?: string;
}

interface Backend {
  service?: { name?: string; port?: ServicePort };
}

function forward(groups: { serviceName: string; servicePort: string; weight: number }[]): string {
  return JSON.stringify({ type: 'forward', forwardConfig: { targetGroups: groups } });
}

const USE_ANNOTATION = { name: 'use-annotation' };

function actionBackend(name: string): Json {
  return { service: { name, port: USE_ANNOTATION } };
}

/**
 * The Ingress spec routing through the actions: `original`'s paths to the apex Service point at
 * the weighted action (and, when `ab`, are preceded by a copy pointing at the match action).
 * Undefined when no path names the apex Service. Also returns the apex's port, for the actions.
 */
export function weightedSpec(
  c: Canary,
  original: Json,
  ab: boolean,
): { spec: Json; port: string } | undefined {
  const spec = structuredClone(original);
  let port: string | undefined;
  const rules = Array.isArray(spec.rules) ? (spec.rules as Json[]) : [];
  for (const rule of rules) {
    if (!isJson(rule.http) || !Array.isArray(rule.http.paths)) continue;
    const paths: Json[] = [];
    for (const p of rule.http.paths as Json[]) {
      const svc = isJson(p.backend) ? (p.backend as Backend).service : undefined;
      if (svc?.name !== apexName(c)) {
        paths.push(p);
        continue;
      }
      port ??= String(svc.port?.number ?? svc.port?.name ?? '80');
      if (ab) paths.push({ ...p, backend: actionBackend(matchAction(c)) });
      paths.push({ ...p, backend: actionBackend(weightedAction(c)) });
    }
    rule.http.paths = paths;
  }
  const def = isJson(spec.defaultBackend) ? (spec.defaultBackend as Backend).service : undefined;
  if (def?.name === apexName(c)) {
    port ??= String(def.port?.number ?? def.port?.name ?? '80');
    spec.defaultBackend = actionBackend(weightedAction(c));
  }
  return port === undefined ? undefined : { spec, port };
}

/** The router's annotations for `w` (A/B: the match action and conditions while matched traffic goes to the canary). */
export function albAnnotations(c: Canary, w: RouteWeights, port: string): Record<string, string> {
  const where = `${c.metadata.namespace}/${apexName(c)}`;
  if (w.mirrored) throw new UnsupportedRoutingError(`the alb provider cannot mirror traffic (${where})`);
  const group = (name: string, weight: number) => ({ serviceName: name, servicePort: port, weight });
  const ab = strategy(c, 'alb') === 'ab-testing';
  if (ab && w.canary !== 0 && w.canary !== 100) {
    throw new UnsupportedRoutingError(
      `the alb provider routes A/B matches all or nothing, not ${w.canary} % (${where})`,
    );
  }
  const split = ab ? { primary: 100, canary: 0 } : w;
  const out: Record<string, string> = {
    [`${PREFIX}/actions.${weightedAction(c)}`]: forward([
      group(primaryName(c), split.primary),
      group(canaryName(c), split.canary),
    ]),
  };
  if (ab && w.canary === 100) {
    out[`${PREFIX}/actions.${matchAction(c)}`] = forward([group(canaryName(c), 100)]);
    out[`${PREFIX}/conditions.${matchAction(c)}`] = JSON.stringify(abConditions(c));
  }
  return out;
}

/**
 * ALB conditions of the (single, validated by routing-rules.ts) match entry: one `http-header`
 * condition per header, its value as an ALB wildcard pattern.
 */
function abConditions(c: Canary): Json[] {
  const [m] = analysisMatches(c);
  return Object.entries(m?.headers ?? {}).map(([name, value]) => ({
    field: 'http-header',
    httpHeaderConfig: { httpHeaderName: name, values: [headerPattern(value)] },
  }));
}

/** `exact` as is, `prefix` as `v*`, `suffix` as `*v` (routing-rules.ts refuses regex and wildcards). */
function headerPattern(m: StringMatch): string {
  if (m.prefix !== undefined) return `${m.prefix}*`;
  if (m.suffix !== undefined) return `*${m.suffix}`;
  return m.exact ?? '';
}

/** The live split from the Ingress's annotations; undefined when the weighted action is not there. */
export function albRouteWeights(
  c: Canary,
  annotations: Record<string, string> | undefined,
): RouteWeights | undefined {
  const a = annotations ?? {};
  const raw = a[`${PREFIX}/actions.${weightedAction(c)}`];
  if (raw === undefined) return undefined;
  if (strategy(c, 'alb') === 'ab-testing' && a[`${PREFIX}/conditions.${matchAction(c)}`] !== undefined) {
    return { primary: 0, canary: 100, mirrored: false };
  }
  let groups: { serviceName?: string; weight?: number }[];
  try {
    const action = JSON.parse(raw) as { forwardConfig?: { targetGroups?: typeof groups } };
    groups = action.forwardConfig?.targetGroups ?? [];
  } catch {
    return undefined;
  }
  const weight = (name: string) => groups.find((g) => g.serviceName === name)?.weight;
  const primary = weight(primaryName(c));
  const canary = weight(canaryName(c));
  if (primary === undefined || canary === undefined || primary + canary !== 100) return undefined;
  return { primary, canary, mirrored: false };
}
