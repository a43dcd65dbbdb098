/**
 * The builtin checks as PromQL, in their newest upstream form
 * (docs/flagger-compatibility.md#builtin-checks-per-provider; `fluxcd/flagger` pkg/metrics/observers).
 * Pure: same input, same string.
 *
 * Success rate is the percentage of successful responses (threshold = minimum); duration is the
 * P99 in milliseconds (threshold = maximum). Both come from the provider's observer
 * (observers.ts), for the canary or, with `side: 'primary'`, for the primary workload.
 */
import type { Provider } from '../../domain/spec/accessors.js';
import type { BuiltinCheck } from '../../ports/metrics.js';
import { CheckResolutionError } from './errors.js';
import {
  observerFor,
  sideWorkload,
  type DurationSeries,
  type IstioDurationUnit,
  type Observer,
  type RequestSeries,
  type Side,
} from './observers.js';
import { renderTemplate } from './template.js';

export type { IstioDurationUnit } from './observers.js';

/** What a builtin query needs. */
export interface BuiltinQueryInput {
  provider: Provider;
  namespace: string;
  /** `targetRef.name`. */
  target: string;
  /** Query window (`1m`, `30s`). */
  interval: string;
  /** Istio / Gateway API only; default `milliseconds`. */
  istioDurationUnit?: IstioDurationUnit;
  /** Which workload: the canary (default) or the primary (`<target>-primary`). */
  side?: Side;
  /** Extra label matchers of the cluster (`cluster="prod-eu"`), added to every selector. */
  clusterLabels?: Readonly<Record<string, string>>;
  /** The apex Service (`service.name` or the target); Flagger's `{{ service }}`. */
  service?: string;
  /** `ingressRef.name` (default the target); Flagger's `{{ ingress }}`. */
  ingress?: string;
  /** `routeRef.name` (default the target); Flagger's `{{ route }}`. */
  route?: string;
}

/** A builtin metric name and what it stands for. */
export interface BuiltinAlias {
  check: BuiltinCheck;
  /** The providers the name is valid for; absent = every provider with builtins. */
  providers?: readonly Provider[];
  /** Forces the Istio latency histogram (legacy `istio_request_duration_seconds_bucket`). */
  istioDurationUnit?: IstioDurationUnit;
}

/**
 * Builtin names: the 0.11 provider-neutral ones and the seed's metric names, which only make sense
 * for the mesh whose metric they name. lib/domain/spec/catalog.ts holds the same names (for threshold
 * semantics); a unit test keeps the two tables equal.
 */
export const builtinAliases: Readonly<Record<string, BuiltinAlias>> = {
  'request-success-rate': { check: 'request-success-rate' },
  'request-duration': { check: 'request-duration' },
  istio_requests_total: { check: 'request-success-rate', providers: ['istio', 'gatewayapi'] },
  istio_request_duration_seconds_bucket: {
    check: 'request-duration',
    providers: ['istio', 'gatewayapi'],
    istioDurationUnit: 'seconds',
  },
  envoy_cluster_upstream_rq: { check: 'request-success-rate', providers: ['appmesh', 'consul', 'kuma'] },
};

/** The builtin a metric name stands for, or undefined when the name is not a builtin. */
export function builtinAlias(name: string): BuiltinAlias | undefined {
  return Object.hasOwn(builtinAliases, name) ? builtinAliases[name] : undefined;
}

function successRate(r: RequestSeries): string {
  return (
    `sum(rate(${r.metric}{${r.selector},${r.ok}}[{{ interval }}]))` +
    ` / sum(rate(${r.metric}{${r.selector}}[{{ interval }}])) * 100`
  );
}

function latency(d: DurationSeries): string {
  if (d.kind === 'mean') {
    // NGINX (Flagger's query): the mean, not a quantile.
    return `sum(rate(${d.sum}{${d.selector}}[{{ interval }}])) / sum(rate(${d.count}{${d.selector}}[{{ interval }}])) * ${d.scale}`;
  }
  const q = `histogram_quantile(0.99, sum(rate(${d.bucket}{${d.selector}}[{{ interval }}])) by (le))`;
  return d.scale === 1 ? q : `${q} * ${d.scale}`;
}

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `k="v"` matchers of a cluster's labels; the values are escaped as PromQL strings. */
export function clusterMatchers(labels: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => {
      if (!LABEL.test(k))
        throw new CheckResolutionError('InvalidInput', `cluster label "${k}" is not a Prometheus label name`);
      return `${k}=${JSON.stringify(v)}`;
    })
    .join(',');
}

/** A series with the cluster's matchers added to its selector. */
export function withMatchers<T extends { selector: string }>(series: T, extra: string): T {
  return extra ? { ...series, selector: `${series.selector},${extra}` } : series;
}

/**
 * The observer of `provider` when it can select `side`; otherwise throws
 * {@link CheckResolutionError} `BuiltinNotAvailable` starting with `what` (e.g. `builtin check
 * "request-duration"`) and ending with `hint` (what to use instead, or '').
 */
export function observerForSide(what: string, provider: Provider, side: Side, hint = ''): Observer {
  const observer = observerFor(provider);
  if (!observer && provider === 'alb')
    throw new CheckResolutionError('BuiltinNotAvailable', albUnavailable(what));
  if (!observer) {
    throw new CheckResolutionError(
      'BuiltinNotAvailable',
      `${what} needs mesh metrics; provider "${provider}" has none${hint}`,
    );
  }
  if (observer.sides && !observer.sides.includes(side)) {
    throw new CheckResolutionError(
      'BuiltinNotAvailable',
      `${what} has no ${side} side for provider "${provider}": its metrics name the route, which serves primary and canary together`,
    );
  }
  return observer;
}

/**
 * Why `alb` has no PromQL: the ALB reports to CloudWatch only. Its builtin checks are CloudWatch
 * queries (cloudwatch/alb-resolve.ts, chosen before PromQL is built); the judge cannot compare it:
 * it reads raw cumulative counters and histogram buckets, and CloudWatch's AWS/ApplicationELB
 * metrics are per-period statistics (TargetResponseTime has percentiles, no buckets).
 */
function albUnavailable(what: string): string {
  return `${what}: the alb provider's request metrics are in CloudWatch (AWS/ApplicationELB per target group), not Prometheus, and CloudWatch gives no raw counters or histogram buckets to compare against the primary; its builtin checks (with thresholds) read CloudWatch (docs/analysis.md, "The ALB's checks per target group")`;
}

/** The unrendered query template of a check, from the provider's observer. */
function templateFor(check: BuiltinCheck, input: BuiltinQueryInput): string {
  const side = input.side ?? 'canary';
  const observer = observerForSide(
    `builtin check "${check}"`,
    input.provider,
    side,
    ' (use query or templateRef)',
  );
  const extra = clusterMatchers(input.clusterLabels);
  return check === 'request-success-rate'
    ? successRate(withMatchers(observer.requests(side), extra))
    : latency(withMatchers(observer.duration(input.istioDurationUnit, side), extra));
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const PROM_DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

/**
 * Rejects values that would change the query's meaning once inserted between quotes or brackets;
 * `prefix` starts the error message (e.g. `metric "latency": `).
 */
export function assertQueryInputs(
  input: {
    namespace: string;
    target: string;
    /** Checked when given (the judge's raw counters have no window). */
    interval?: string;
    service?: string;
    ingress?: string;
    route?: string;
  },
  prefix = '',
): void {
  for (const [label, value] of [
    ['namespace', input.namespace],
    ['target', input.target],
    ['service', input.service],
    ['ingress', input.ingress],
    ['route', input.route],
  ] as const) {
    if (value !== undefined && !K8S_NAME.test(value)) {
      throw new CheckResolutionError(
        'InvalidInput',
        `${prefix}${label} "${value}" is not a Kubernetes object name`,
      );
    }
  }
  if (input.interval !== undefined && !PROM_DURATION.test(input.interval)) {
    throw new CheckResolutionError(
      'InvalidInput',
      `${prefix}interval "${input.interval}" is not a duration such as "1m"`,
    );
  }
}

/**
 * The PromQL of one builtin check for one canary; throws {@link CheckResolutionError} for the
 * `kubernetes` provider (no mesh metrics), for a side the provider cannot select (APISIX's
 * primary) and for unsafe names or intervals.
 */
export function builtinQuery(check: BuiltinCheck, input: BuiltinQueryInput): string {
  assertQueryInputs(input);
  return renderForSide(templateFor(check, input), input, input.side ?? 'canary');
}

/**
 * Renders an observer's query template for one side: `{{ target }}` is the side's workload
 * (`<target>` or `<target>-primary`), `{{ service }}`, `{{ ingress }}` and `{{ route }}` default to
 * the target. Call {@link assertQueryInputs} first.
 */
export function renderForSide(
  template: string,
  input: Omit<BuiltinQueryInput, 'interval' | 'side'> & { interval?: string },
  side: Side,
): string {
  return renderTemplate(template, {
    name: input.target,
    namespace: input.namespace,
    target: sideWorkload(input.target, side),
    primary: sideWorkload(input.target, 'primary'),
    service: input.service ?? input.target,
    ingress: input.ingress ?? input.target,
    route: input.route ?? input.target,
    // Empty only for queries without a window; rendering `{{ interval }}` then fails.
    interval: input.interval ?? '',
    variables: {},
  });
}
