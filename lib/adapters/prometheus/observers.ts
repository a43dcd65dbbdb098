/**
 * What each routing provider's data plane exports about one workload's requests, as Flagger's
 * observers read it (`fluxcd/flagger` pkg/metrics/observers): a request counter with the matcher
 * of successful requests, and a latency histogram with the factor that turns it into
 * milliseconds. The builtin checks (queries.ts) and the canary-vs-primary judge are both built
 * from these, for the canary side (`targetRef.name`) and the primary side (`<target>-primary`).
 *
 * Selectors may use `{{ namespace }}` and `{{ target }}` (rendered by queries.ts; `target` is the
 * side's workload name). Regex matchers are PromQL-anchored, so `podinfo` never matches
 * `podinfo-primary`.
 */
import type { Provider } from '../../domain/spec/accessors.js';

/** Which workload of a canary a series is about. */
export type Side = 'canary' | 'primary';

/** Istio's latency histogram in milliseconds (Istio ≥ 1.5, the default) or the older seconds one. */
export type IstioDurationUnit = 'milliseconds' | 'seconds';

/** One provider's request counter: `metric{selector}`, successful ones also match `ok`. */
export interface RequestSeries {
  metric: string;
  selector: string;
  ok: string;
}

/** One provider's latency histogram: `bucket{selector}` with `le`; times `scale` is milliseconds. */
export interface DurationSeries {
  bucket: string;
  selector: string;
  scale: number;
}

export interface Observer {
  requests(): RequestSeries;
  duration(unit?: IstioDurationUnit): DurationSeries;
}

const ISTIO_SELECTOR =
  'reporter="destination",destination_workload_namespace="{{ namespace }}",destination_workload=~"{{ target }}"';
const ENVOY_SELECTOR =
  'kubernetes_namespace="{{ namespace }}",kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"';

/** Istio sidecars (also behind Gateway API implemented by Istio). */
const istio: Observer = {
  requests: () => ({ metric: 'istio_requests_total', selector: ISTIO_SELECTOR, ok: 'response_code!~"5.*"' }),
  duration: (unit = 'milliseconds') =>
    unit === 'seconds'
      ? { bucket: 'istio_request_duration_seconds_bucket', selector: ISTIO_SELECTOR, scale: 1000 }
      : { bucket: 'istio_request_duration_milliseconds_bucket', selector: ISTIO_SELECTOR, scale: 1 },
};

/** Envoy sidecars of App Mesh: upstream_rq_time is already milliseconds. */
const envoy: Observer = {
  requests: () => ({
    metric: 'envoy_cluster_upstream_rq',
    selector: ENVOY_SELECTOR,
    ok: 'envoy_response_code!~"5.*"',
  }),
  duration: () => ({ bucket: 'envoy_cluster_upstream_rq_time_bucket', selector: ENVOY_SELECTOR, scale: 1 }),
};

/**
 * The observer of `provider`, or undefined when its data plane exports no request metrics
 * (`kubernetes`: Service selectors only).
 */
export function observerFor(provider: Provider): Observer | undefined {
  switch (provider) {
    // Gateway API has no observer of its own upstream (Flagger falls back to Istio's); with Istio
    // implementing the Gateway API the destination sidecars report the same istio_* metrics.
    case 'istio':
    case 'gatewayapi':
      return istio;
    case 'appmesh':
      return envoy;
    case 'kubernetes':
      return undefined;
    default: {
      const never: never = provider;
      throw new Error(`no observer for provider "${String(never)}"`);
    }
  }
}

/** The workload name a side's series select. */
export function sideWorkload(target: string, side: Side): string {
  return side === 'primary' ? `${target}-primary` : target;
}
