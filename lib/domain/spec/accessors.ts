/**
 * Defaults live here and only here (STYLE.md habit 6): everything else reads a Canary through
 * these accessors, never its raw optional fields.
 */
import { builtinMetricName, type BuiltinMetric, type TargetKind } from './catalog.js';
import type { AnalysisSpec, Canary, MetricSpec, WebhookSpec } from './schema.js';

export const providers = [
  'istio',
  'gatewayapi',
  'appmesh',
  'kubernetes',
  'nginx',
  'contour',
  'gloo',
  'traefik',
  'apisix',
  'linkerd',
  'smi',
  'consul',
  'kuma',
  // The AWS Load Balancer Controller's weighted target groups (no Flagger equivalent).
  'alb',
] as const;
export type Provider = (typeof providers)[number];
export type Strategy = 'canary' | 'ab-testing' | 'blue-green';

/** Flagger's floor for `analysis.interval` (0.23+): shorter intervals run every 10s. */
export const MIN_INTERVAL_SECONDS = 10;

/** Parses `30s`, `1m`, `1h30m`, `500ms` to milliseconds; undefined when unparsable. */
export function durationMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const parts = [...value.matchAll(/([0-9]+)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

export function analysis(c: Canary): AnalysisSpec {
  return c.spec.analysis ?? {};
}

/** Analysis interval in seconds: default 60, floor 10. */
export function intervalSeconds(c: Canary): number {
  const ms = durationMs(analysis(c).interval);
  return Math.max(MIN_INTERVAL_SECONDS, ms === undefined ? 60 : Math.round(ms / 1000));
}

/** Failed checks before rollback; ≤ 0 or absent means 1 (Flagger's GetAnalysisThreshold). */
export function threshold(c: Canary): number {
  const t = analysis(c).threshold ?? 0;
  return t > 0 ? t : 1;
}

/** Highest canary weight: the last stepWeights entry, else maxWeight, else 100. */
export function maxWeight(c: Canary): number {
  const steps = analysis(c).stepWeights;
  if (steps && steps.length > 0) return Math.min(100, steps[steps.length - 1]);
  const m = analysis(c).maxWeight;
  return m && m > 0 ? m : 100;
}

export function stepWeight(c: Canary): number {
  return analysis(c).stepWeight ?? 0;
}

export function stepWeights(c: Canary): readonly number[] {
  return analysis(c).stepWeights ?? [];
}

export function stepWeightPromotion(c: Canary): number {
  return analysis(c).stepWeightPromotion ?? 0;
}

export function iterations(c: Canary): number {
  return analysis(c).iterations ?? 0;
}

export function progressDeadlineSeconds(c: Canary): number {
  return c.spec.progressDeadlineSeconds ?? 600;
}

/** An absent analysis block means skip analysis, as in Flagger v1beta1. */
export function skipAnalysis(c: Canary): boolean {
  return c.spec.skipAnalysis === true || c.spec.analysis === undefined;
}

export function suspended(c: Canary): boolean {
  return c.spec.suspend === true;
}

export function primaryReadyThreshold(c: Canary): number {
  return analysis(c).primaryReadyThreshold ?? 100;
}

export function canaryReadyThreshold(c: Canary): number {
  return analysis(c).canaryReadyThreshold ?? 100;
}

export function mirror(c: Canary): boolean {
  return analysis(c).mirror === true;
}

/** Percent of traffic mirrored to the canary; Flagger mirrors all traffic when unset. */
export function mirrorWeight(c: Canary): number {
  return analysis(c).mirrorWeight ?? 100;
}

/**
 * The provider family, without Flagger's version suffix (`gatewayapi:v1` → `gatewayapi`);
 * `fallback` is the cluster's default provider. Validation rejects anything else, so this never
 * falls back silently.
 */
export function provider(c: Canary, fallback: Provider): Provider {
  const raw = c.spec.provider;
  if (!raw) return fallback;
  const family = raw.split(':')[0];
  if (!(providers as readonly string[]).includes(family)) {
    throw new Error(`unsupported provider "${raw}"; supported: ${providers.join(', ')}`);
  }
  return family as Provider;
}

/** Flagger's strategy choice: A/B when match and iterations, blue/green with iterations only. */
export function strategy(c: Canary, p: Provider): Strategy {
  const a = analysis(c);
  const its = iterations(c);
  if (p === 'kubernetes') return 'blue-green';
  if ((a.match?.length ?? 0) > 0 && its > 0) return 'ab-testing';
  if (its > 0 && stepWeight(c) === 0 && stepWeights(c).length === 0) return 'blue-green';
  return 'canary';
}

/** `service.appProtocol: tcp` (any case): Istio routes TCP connections, not HTTP requests (Flagger's isTcp). */
export function tcp(c: Canary): boolean {
  return c.spec.service.appProtocol?.toLowerCase() === 'tcp';
}

export function targetName(c: Canary): string {
  return c.spec.targetRef.name;
}

/** The target's kind; validation refuses every other (lib/domain/spec/validate.ts). */
export function targetKind(c: Canary): TargetKind {
  return c.spec.targetRef.kind === 'DaemonSet' ? 'DaemonSet' : 'Deployment';
}

/** The apex Service name: `service.name` or the target's name. */
export function apexName(c: Canary): string {
  return c.spec.service.name ?? c.spec.targetRef.name;
}

export function primaryName(c: Canary): string {
  return `${apexName(c)}-primary`;
}

export function canaryName(c: Canary): string {
  return `${apexName(c)}-canary`;
}

/** `ingressRef.name`, else the target's name (Flagger's `{{ ingress }}` query variable). */
export function ingressName(c: Canary): string {
  return c.spec.ingressRef?.name ?? c.spec.targetRef.name;
}

/** `routeRef.name`, else the target's name (Flagger's `{{ route }}` query variable). */
export function routeName(c: Canary): string {
  return c.spec.routeRef?.name ?? c.spec.targetRef.name;
}

/** Gloo's `upstreamRef` (namespace defaulted to the canary's), or undefined. */
export function upstreamRef(c: Canary): { name: string; namespace: string } | undefined {
  const ref = c.spec.upstreamRef;
  return ref ? { name: ref.name, namespace: ref.namespace ?? c.metadata.namespace } : undefined;
}

export function portName(c: Canary): string {
  return c.spec.service.portName ?? 'http';
}

export function targetPort(c: Canary): number | string {
  return c.spec.service.targetPort ?? c.spec.service.port;
}

export function metrics(c: Canary): readonly MetricSpec[] {
  return analysis(c).metrics ?? [];
}

/**
 * Whether a metric is compared against the primary by the judge: a builtin with `compare` (not
 * `against: none`), or any builtin under `judge.enabled` (docs/analysis.md).
 */
export function isCompared(m: MetricSpec, a: AnalysisSpec): boolean {
  if (builtinMetric(m) === undefined || m.compare?.against === 'none') return false;
  return m.compare !== undefined || a.judge?.enabled === true;
}

/**
 * Whether a metric of `c` has a static check (Flagger's threshold): all but a compared builtin
 * without a bound of its own — the judge is its only check.
 */
export function hasStaticCheck(c: Canary): (m: MetricSpec) => boolean {
  const a = analysis(c);
  return (m) => !isCompared(m, a) || m.threshold !== undefined || m.thresholdRange !== undefined;
}

/** Metric window in seconds; default 1m. */
export function metricIntervalSeconds(m: MetricSpec): number {
  return Math.round((durationMs(m.interval) ?? 60_000) / 1000);
}

export function webhooks(c: Canary, type?: WebhookSpec['type']): readonly WebhookSpec[] {
  const all = analysis(c).webhooks ?? [];
  return type === undefined ? all : all.filter((w) => webhookType(w) === type);
}

/** An untyped webhook is a `rollout` hook, as in Flagger. */
export function webhookType(w: WebhookSpec): NonNullable<WebhookSpec['type']> {
  return w.type ?? 'rollout';
}

/** Webhook timeout in ms; default 10s. */
export function webhookTimeoutMs(w: WebhookSpec): number {
  return durationMs(w.timeout) ?? 10_000;
}

export function webhookRetries(w: WebhookSpec): number {
  return w.retries ?? 0;
}

/** Flagger's version suffix of `spec.provider` (`gatewayapi:v1` → `v1`); undefined without one. */
export function providerVersion(c: Canary): string | undefined {
  return c.spec.provider?.split(':')[1];
}

/** Where a metric's query comes from; precedence templateRef, then query, then the builtin name. */
export type MetricSource = 'template' | 'query' | 'builtin' | 'none';

export function metricSource(m: MetricSpec): MetricSource {
  if (m.templateRef !== undefined) return 'template';
  if (m.query !== undefined) return 'query';
  return builtinMetricName(m.name) ? 'builtin' : 'none';
}

/** The builtin check a metric runs (aliases such as `istio_requests_total` resolved), if it runs one. */
export function builtinMetric(m: MetricSpec): BuiltinMetric | undefined {
  return metricSource(m) === 'builtin' ? builtinMetricName(m.name)?.check : undefined;
}

/**
 * The pass band of a metric: `thresholdRange` when set; otherwise `threshold` is a minimum for the
 * success-rate builtin and a maximum for everything else (duration in ms, custom queries); `{}`
 * (never fails) without either.
 */
export function metricBounds(m: MetricSpec): { min?: number; max?: number } {
  if (m.thresholdRange) {
    const { min, max } = m.thresholdRange;
    return { ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
  }
  if (m.threshold === undefined) return {};
  return builtinMetric(m) === 'request-success-rate' ? { min: m.threshold } : { max: m.threshold };
}

/** A metric template's namespace: `templateRef.namespace` or the canary's. */
export function templateNamespace(c: Canary, m: MetricSpec): string | undefined {
  return m.templateRef ? (m.templateRef.namespace ?? c.metadata.namespace) : undefined;
}
