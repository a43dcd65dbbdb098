/**
 * What each routing provider's data plane exports about one workload's requests, as Flagger's
 * observers read it (`fluxcd/flagger` pkg/metrics/observers): a request counter with the matcher
 * of successful requests, and a latency histogram with the factor that turns it into
 * milliseconds. The builtin checks (queries.ts) and the canary-vs-primary judge are both built
 * from these, for the canary side (`targetRef.name`) and the primary side (`<target>-primary`).
 *
 * Selectors may use `{{ namespace }}` and `{{ target }}` (rendered by queries.ts; `target` is the
 * side's workload name), and `{{ service }}`, `{{ ingress }}`, `{{ route }}` (the apex Service,
 * `ingressRef` and `routeRef` names, as Flagger renders them). Regex matchers are PromQL-anchored,
 * so `podinfo` never matches `podinfo-primary`.
 *
 * The ingress controllers report per routing object, not per workload; their primary side is
 * worked out from how the router names things (see each observer). APISIX names only the route,
 * which carries both backends: it has no primary side.
 */
import type { Provider } from '../../domain/spec/accessors.js';
import type { IstioDurationUnit, WorkloadSide } from '../../ports/metrics.js';

export type { IstioDurationUnit } from '../../ports/metrics.js';

/** Which workload of a canary a series is about. */
export type Side = WorkloadSide;

/** One provider's request counter: `metric{selector}`, successful ones also match `ok`. */
export interface RequestSeries {
  metric: string;
  selector: string;
  ok: string;
}

/**
 * One provider's latency: a histogram `bucket{selector}` with `le` (P99), or for NGINX the mean
 * `sum{selector} / count{selector}` (Flagger's query); times `scale` is milliseconds.
 */
export type DurationSeries =
  | { kind?: 'histogram'; bucket: string; selector: string; scale: number }
  | { kind: 'mean'; sum: string; count: string; selector: string; scale: number };

/** One provider's series; `side` matters only where a series is named after a Service (Kuma). */
export interface Observer {
  requests(side?: Side): RequestSeries;
  duration(unit?: IstioDurationUnit, side?: Side): DurationSeries;
  /** The sides whose series this provider tells apart; both when absent. */
  sides?: readonly Side[];
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
 * ingress-nginx: requests through the `ingressRef` Ingress; the canary's carry the `canary` label
 * (the alternative upstream that served them), the primary's an empty one.
 */
const nginx: Observer = {
  requests: (side = 'canary') => ({
    metric: 'nginx_ingress_controller_requests',
    selector: nginxSelector(side),
    ok: 'status!~"5.*"',
  }),
  duration: (_unit, side = 'canary') => ({
    kind: 'mean',
    sum: 'nginx_ingress_controller_response_duration_seconds_sum',
    count: 'nginx_ingress_controller_response_duration_seconds_count',
    selector: nginxSelector(side),
    scale: 1000,
  }),
};

function nginxSelector(side: Side): string {
  return `namespace="{{ namespace }}",ingress="{{ ingress }}",canary${side === 'canary' ? '!=' : '='}""`;
}

/** An Envoy edge proxy (Contour, Gloo): one cluster per upstream, named by `cluster(side)`. */
function envoyEdge(cluster: (side: Side) => string): Observer {
  const selector = (side: Side) => `envoy_cluster_name=~"${cluster(side)}"`;
  return {
    requests: (side = 'canary') => ({
      metric: 'envoy_cluster_upstream_rq',
      selector: selector(side),
      ok: 'envoy_response_code!~"5.*"',
    }),
    duration: (_unit, side = 'canary') => ({
      bucket: 'envoy_cluster_upstream_rq_time_bucket',
      selector: selector(side),
      scale: 1,
    }),
  };
}

/** Contour: Envoy clusters `<ns>_<service>_<port>` of the `-primary`/`-canary` Services. */
const contour = envoyEdge((side) => `{{ namespace }}_{{ service }}-${side}_[0-9a-zA-Z-]+`);

/** Gloo: Envoy clusters `<upstream>_<upstream ns>` of the generated `<ns>-<apex>-<side>upstream-<port>`. */
const gloo = envoyEdge((side) => `{{ namespace }}-{{ service }}-${side}upstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+`);

/** Traefik: per-service histogram; its `+Inf` bucket counts the requests (Flagger's query). */
function traefikSelector(side: Side): string {
  return `service=~"{{ namespace }}-{{ service }}-${side}-[0-9a-zA-Z-]+@kubernetescrd"`;
}

const traefik: Observer = {
  requests: (side = 'canary') => ({
    metric: 'traefik_service_request_duration_seconds_bucket',
    selector: `${traefikSelector(side)},le="+Inf"`,
    ok: 'code!~"5.."',
  }),
  duration: (_unit, side = 'canary') => ({
    bucket: 'traefik_service_request_duration_seconds_bucket',
    selector: traefikSelector(side),
    scale: 1000,
  }),
};

/**
 * APISIX: per route `<ns>_<route>-<apex>-canary_<rule>`. That route carries both backends, so the
 * canary side is the canary route's traffic (Flagger's query) and there is no primary side.
 */
const APISIX_ROUTE = 'route=~"{{ namespace }}_{{ route }}-{{ service }}-canary_.+"';
const apisix: Observer = {
  requests: () => ({ metric: 'apisix_http_status', selector: APISIX_ROUTE, ok: 'code!~"5.."' }),
  duration: () => ({
    bucket: 'apisix_http_latency_bucket',
    selector: `type=~"request",${APISIX_ROUTE}`,
    scale: 1,
  }),
  sides: ['canary'],
};

/**
 * The observer of `provider`, or undefined when its data plane exports no request metrics to
 * Prometheus (`kubernetes`: Service selectors only; `alb`: CloudWatch only).
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
    case 'alb': // its metrics are CloudWatch's (queries.ts says so)
      return undefined;
    case 'nginx':
      return nginx;
    case 'contour':
      return contour;
    case 'gloo':
      return gloo;
    case 'traefik':
      return traefik;
    case 'apisix':
      return apisix;
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
