/**
 * Pure builders for the NGINX provider's canary Ingress `<ingress>-canary` (networking.k8s.io/v1),
 * as Flagger writes it: a copy of the `ingressRef` Ingress whose backends to the apex Service point
 * at `<apex>-canary`, marked with ingress-nginx's canary annotations. The split lives in the
 * annotations: `canary: "true"` always, `canary-weight` for canary and blue/green, and for A/B
 * `canary-by-header` (+ `-value` or `-pattern`) and `canary-by-cookie` while the test runs.
 */
import { analysisMatches } from '../engine/match.js';
import { apexName, canaryName, ingressName, strategy } from '../../../domain/spec/accessors.js';
import type { Canary, StringMatch } from '../../../domain/spec/schema.js';
import type { RouteWeights } from '../../../ports/router.js';
import { UnsupportedRoutingError } from '../engine/errors.js';
import { inheritedAnnotations } from '../engine/copy.js';
import { isJson, type Json } from '../engine/json.js';

/** ingress-nginx's annotation prefix (Flagger's `-ingress-annotations-prefix` default). */
export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io';

const CANARY_KEYS = [
  'canary',
  'canary-weight',
  'canary-weight-total',
  'canary-by-header',
  'canary-by-header-value',
  'canary-by-header-pattern',
  'canary-by-cookie',
];

/** `<ingress>-canary`. */
export function canaryIngressName(c: Canary): string {
  return `${ingressName(c)}-canary`;
}

interface Backend {
  service?: { name?: string };
}

function pointAtCanary(c: Canary, backend: unknown): boolean {
  const svc = isJson(backend) ? (backend as Backend).service : undefined;
  if (!svc || svc.name !== apexName(c)) return false;
  svc.name = canaryName(c);
  return true;
}

/**
 * The canary Ingress spec: the source's, every backend naming the apex Service pointed at
 * `<apex>-canary` (rules and `defaultBackend`). Undefined when no backend names the apex.
 */
export function canaryIngressSpec(c: Canary, source: Json | undefined): Json | undefined {
  const spec = structuredClone(source ?? {});
  let found = pointAtCanary(c, spec.defaultBackend);
  const rules = Array.isArray(spec.rules) ? (spec.rules as Json[]) : [];
  for (const rule of rules) {
    const paths = isJson(rule.http) && Array.isArray(rule.http.paths) ? (rule.http.paths as Json[]) : [];
    for (const p of paths) found = pointAtCanary(c, p.backend) || found;
  }
  return found ? spec : undefined;
}

function prefixed(prefix: string, key: string): string {
  return `${prefix}/${key}`;
}

/** The annotations a canary Ingress inherits: the source's, without NGINX canary ones (engine/copy.ts). */
export function nonCanaryAnnotations(
  annotations: Record<string, string> | undefined,
  prefix = NGINX_PREFIX,
): Record<string, string> {
  const canary = new Set(CANARY_KEYS.map((k) => prefixed(prefix, k)));
  return inheritedAnnotations(annotations, (k) => canary.has(k));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** ingress-nginx matches `-pattern` unanchored; the Canary's string match is a full match. */
function headerValue(m: StringMatch): {
  key: 'canary-by-header-value' | 'canary-by-header-pattern';
  value: string;
} {
  if (m.exact !== undefined) return { key: 'canary-by-header-value', value: m.exact };
  if (m.prefix !== undefined) return { key: 'canary-by-header-pattern', value: `^${escapeRegex(m.prefix)}` };
  if (m.suffix !== undefined) return { key: 'canary-by-header-pattern', value: `${escapeRegex(m.suffix)}$` };
  return { key: 'canary-by-header-pattern', value: `^(?:${m.regex ?? ''})$` };
}

/** The A/B annotations of the analysis matches (routing-rules.ts guarantees one header, one cookie at most). */
function abAnnotations(c: Canary, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of analysisMatches(c)) {
    for (const [name, value] of Object.entries(m.headers ?? {})) {
      if (name.toLowerCase() === 'cookie') {
        out[prefixed(prefix, 'canary-by-cookie')] = value.exact ?? '';
        continue;
      }
      const v = headerValue(value);
      out[prefixed(prefix, 'canary-by-header')] = name;
      out[prefixed(prefix, v.key)] = v.value;
    }
  }
  return out;
}

/** The NGINX canary annotations for `w`; throws UnsupportedRoutingError for what NGINX cannot do. */
export function canaryState(c: Canary, w: RouteWeights, prefix = NGINX_PREFIX): Record<string, string> {
  const where = `${c.metadata.namespace}/${canaryIngressName(c)}`;
  if (w.mirrored) throw new UnsupportedRoutingError(`the nginx provider cannot mirror traffic (${where})`);
  const base = { [prefixed(prefix, 'canary')]: 'true' };
  if (strategy(c, 'nginx') !== 'ab-testing') {
    return { ...base, [prefixed(prefix, 'canary-weight')]: String(w.canary) };
  }
  if (w.canary !== 0 && w.canary !== 100) {
    throw new UnsupportedRoutingError(
      `the nginx provider routes A/B matches all or nothing, not ${w.canary} % (${where})`,
    );
  }
  const off = { ...base, [prefixed(prefix, 'canary-weight')]: '0' };
  return w.canary === 0 ? off : { ...off, ...abAnnotations(c, prefix) };
}

/**
 * Reads the split from the live canary Ingress annotations: undefined unless it is marked
 * `canary: "true"` with a numeric weight. A/B: header or cookie annotations mean 0/100.
 */
export function routeWeightsOf(
  c: Canary,
  annotations: Record<string, string> | undefined,
  prefix = NGINX_PREFIX,
): RouteWeights | undefined {
  const a = annotations ?? {};
  if (a[prefixed(prefix, 'canary')] !== 'true') return undefined;
  const byMatch = ['canary-by-header', 'canary-by-cookie'].some((k) => a[prefixed(prefix, k)] !== undefined);
  if (strategy(c, 'nginx') === 'ab-testing' && byMatch) return { primary: 0, canary: 100, mirrored: false };
  const raw = a[prefixed(prefix, 'canary-weight')];
  const weight = raw === undefined || !/^[0-9]+$/.test(raw) ? NaN : Number(raw);
  if (!(weight >= 0 && weight <= 100)) return undefined;
  return { primary: 100 - weight, canary: weight, mirrored: false };
}
