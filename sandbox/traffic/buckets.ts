/**
 * Latency histogram bounds (ms, each an `le` label; `+Inf` is implied) of the proxies whose
 * series the simulator exports, as they ship by default.
 */

/**
 * Envoy's default histogram buckets: those of `envoy_cluster_upstream_rq_time` (App Mesh, Consul,
 * Kuma, Contour, Gloo) and of Istio's `istio_request_duration_milliseconds`, which Istio's
 * sidecar records with Envoy's defaults.
 */
export const ENVOY_BUCKETS_MS: readonly number[] = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
];

/** Linkerd's proxy: `response_latency_ms` (linkerd2-proxy's latency bounds). */
export const LINKERD_BUCKETS_MS: readonly number[] = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000, 20000,
  30000, 40000, 50000,
];
