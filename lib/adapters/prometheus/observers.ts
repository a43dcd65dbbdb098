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

/** One provider's series; `side` matters only where a series is named after a Service (Kuma). */
export interface Observer {
  requests(side?: Side): RequestSeries;
  duration(unit?: IstioDurationUnit, side?: Side): DurationSeries;
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

const LINKERD_SELECTOR = 'namespace="{{ namespace }}",deployment=~"{{ target }}",direction="inbound"';

/** Linkerd proxies, as Linkerd Viz's Prometheus labels them (Flagger's linkerd observer). */
const linkerd: Observer = {
  requests: () => ({ metric: 'response_total', selector: LINKERD_SELECTOR, ok: 'classification!="failure"' }),
  duration: () => ({ bucket: 'response_latency_ms_bucket', selector: LINKERD_SELECTOR, scale: 1 }),
};

/**
 * Consul's Envoy sidecars (Flagger has no Consul observer): the inbound cluster `local_app` of the
 * side's pods, labelled `namespace`/`pod` by Prometheus' pod discovery, as HashiCorp's
 * consul-release-controller reads it.
 */
const CONSUL_SELECTOR =
  'namespace="{{ namespace }}",pod=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",envoy_cluster_name="local_app"';
const consul: Observer = {
  requests: () => ({
    metric: 'envoy_cluster_upstream_rq',
    selector: CONSUL_SELECTOR,
    ok: 'envoy_response_code!~"5.*"',
  }),
  duration: () => ({ bucket: 'envoy_cluster_upstream_rq_time_bucket', selector: CONSUL_SELECTOR, scale: 1 }),
};

/**
 * Kuma's Envoy sidecars, labelled with the Kuma service of the scraped dataplane (Flagger's kuma
 * observer): `<target>-canary_<ns>_svc_<port>` for the canary, `<target>-primary_…` for the primary.
 */
function kumaSelector(side: Side = 'canary'): string {
  const service = side === 'canary' ? '{{ target }}-canary' : '{{ target }}';
  return `service=~"${service}_{{ namespace }}_svc_[0-9a-zA-Z-]+"`;
}
const kuma: Observer = {
  requests: (side) => ({
    metric: 'envoy_cluster_upstream_rq',
    selector: kumaSelector(side),
    ok: 'envoy_response_code!~"5.*"',
  }),
  duration: (_unit, side) => ({
    bucket: 'envoy_cluster_upstream_rq_time_bucket',
    selector: kumaSelector(side),
    scale: 1,
  }),
};

/**
 * The observer of `provider`, or undefined when its data plane exports no request metrics
 * (`kubernetes`: Service selectors only).
 */
export function observerFor(provider: Provider): Observer | undefined {
  switch (provider) {
    // Gateway API has no observer of its own upstream (Flagger falls back to Istio's); with Istio
    // implementing the Gateway API the destination sidecars report the same istio_* metrics.
    // Flagger's SMI providers fall back to the Istio observer; Linkerd users pick `linkerd`.
    case 'istio':
    case 'gatewayapi':
    case 'smi':
      return istio;
    case 'linkerd':
      return linkerd;
    case 'consul':
      return consul;
    case 'kuma':
      return kuma;
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
