/**
 * The builtin checks as PromQL, in their newest upstream form (flagger-spec.md §3.1;
 * `fluxcd/flagger` pkg/metrics/observers). Pure: same input, same string.
 *
 * Success rate is the percentage of non-5xx responses (threshold = minimum); duration is the P99
 * in milliseconds (threshold = maximum). The regexes are PromQL-anchored, so
 * `destination_workload=~"podinfo"` never matches `podinfo-primary`, and the App Mesh pod regex
 * `<target>-<hash>-<suffix>` never matches `<target>-primary-<hash>-<suffix>`.
 */
import type { Provider } from '../../domain/spec/accessors.js';
import type { BuiltinCheck } from '../../ports/metrics.js';
import { CheckResolutionError } from './errors.js';
import { renderTemplate } from './template.js';

/**
 * Which Istio latency histogram to read: `milliseconds` (Istio ≥ 1.5 telemetry v2, the default)
 * or the older `seconds` one, whose P99 is multiplied by 1000.
 */
export type IstioDurationUnit = 'milliseconds' | 'seconds';

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
 * Builtin names: the 0.11 provider-neutral ones and the seed's metric names (flagger-spec.md §3.1),
 * which only make sense for the mesh whose metric they name. lib/domain/spec/catalog.ts holds the
 * same names (for threshold semantics); a unit test keeps the two tables equal.
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
  envoy_cluster_upstream_rq: { check: 'request-success-rate', providers: ['appmesh'] },
};

/** The builtin a metric name stands for, or undefined when the name is not a builtin. */
export function builtinAlias(name: string): BuiltinAlias | undefined {
  return Object.hasOwn(builtinAliases, name) ? builtinAliases[name] : undefined;
}

const ISTIO_SELECTOR =
  'reporter="destination",destination_workload_namespace="{{ namespace }}",destination_workload=~"{{ target }}"';
const ENVOY_SELECTOR =
  'kubernetes_namespace="{{ namespace }}",kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"';

function successRate(metric: string, selector: string, codeLabel: string): string {
  const ok = `${selector},${codeLabel}!~"5.*"`;
  return (
    `sum(rate(${metric}{${ok}}[{{ interval }}]))` +
    ` / sum(rate(${metric}{${selector}}[{{ interval }}])) * 100`
  );
}

function p99(bucket: string, selector: string): string {
  return `histogram_quantile(0.99, sum(rate(${bucket}{${selector}}[{{ interval }}])) by (le))`;
}

/** The unrendered query templates per provider family and check. */
function templateFor(check: BuiltinCheck, input: BuiltinQueryInput): string {
  switch (input.provider) {
    // Gateway API has no builtin queries of its own upstream (the observer factory falls back to
    // Istio's); with Istio implementing the Gateway API, the destination sidecars report the
    // same istio_* metrics, so the Istio queries apply unchanged.
    case 'istio':
    case 'gatewayapi':
      if (check === 'request-success-rate') {
        return successRate('istio_requests_total', ISTIO_SELECTOR, 'response_code');
      }
      return input.istioDurationUnit === 'seconds'
        ? `${p99('istio_request_duration_seconds_bucket', ISTIO_SELECTOR)} * 1000`
        : p99('istio_request_duration_milliseconds_bucket', ISTIO_SELECTOR);
    case 'appmesh':
      // Envoy's upstream_rq_time buckets are already milliseconds.
      return check === 'request-success-rate'
        ? successRate('envoy_cluster_upstream_rq', ENVOY_SELECTOR, 'envoy_response_code')
        : p99('envoy_cluster_upstream_rq_time_bucket', ENVOY_SELECTOR);
    case 'kubernetes':
      throw new CheckResolutionError(
        'BuiltinNotAvailable',
        `builtin check "${check}" needs mesh metrics; provider "kubernetes" has none (use query or templateRef)`,
      );
    default: {
      const never: never = input.provider;
      throw new CheckResolutionError(
        'BuiltinNotAvailable',
        `no builtin checks for provider "${String(never)}"`,
      );
    }
  }
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const PROM_DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

/**
 * Rejects values that would change the query's meaning once inserted between quotes or brackets;
 * `prefix` starts the error message (e.g. `metric "latency": `).
 */
export function assertQueryInputs(
  input: { namespace: string; target: string; interval: string },
  prefix = '',
): void {
  for (const [label, value] of [
    ['namespace', input.namespace],
    ['target', input.target],
  ] as const) {
    if (!K8S_NAME.test(value)) {
      throw new CheckResolutionError(
        'InvalidInput',
        `${prefix}${label} "${value}" is not a Kubernetes object name`,
      );
    }
  }
  if (!PROM_DURATION.test(input.interval)) {
    throw new CheckResolutionError(
      'InvalidInput',
      `${prefix}interval "${input.interval}" is not a duration such as "1m"`,
    );
  }
}

/**
 * The PromQL of one builtin check for one canary; throws {@link CheckResolutionError} for the
 * `kubernetes` provider (no mesh metrics) and for unsafe names or intervals.
 */
export function builtinQuery(check: BuiltinCheck, input: BuiltinQueryInput): string {
  assertQueryInputs(input);
  return renderTemplate(templateFor(check, input), {
    name: input.target,
    namespace: input.namespace,
    target: input.target,
    service: input.target,
    ingress: input.target,
    route: input.target,
    interval: input.interval,
    variables: {},
  });
}
