/**
 * What the ingress controllers in front of an app report about the requests they forward, with the
 * metric names and labels lib/adapters/prometheus/observers.ts selects on (Flagger's observers):
 *
 * - ingress-nginx: `nginx_ingress_controller_requests{namespace,ingress,service,canary,status}` and
 *   the `nginx_ingress_controller_response_duration_seconds` histogram; `canary` names the
 *   alternative upstream (`<ns>-<service>-<port>`) that served the request, empty for the main one;
 * - Envoy of Contour and Gloo: `envoy_cluster_upstream_rq{envoy_cluster_name,envoy_response_code}`
 *   and `envoy_cluster_upstream_rq_time` (ms), reported by the controller's Envoy pod;
 * - Traefik: `traefik_service_requests_total{service,code}` and the
 *   `traefik_service_request_duration_seconds` histogram, `service` = `<ns>-<svc>-<port>@kubernetescrd`;
 * - APISIX: `apisix_http_status{route,code}` and `apisix_http_latency{type="request",route}` (ms),
 *   `route` = `<ns>_<ApisixRoute>_<rule>` (the ingress controller's name with `prefer_name`).
 *
 * Buckets are each controller's defaults. Counters only grow.
 */
import { ENVOY_BUCKETS_MS } from './buckets.js';
import type { Sample } from './counters.js';

/** Which controller forwarded a request, and the labels it reports it under. */
export type EdgeTag =
  | { kind: 'nginx'; ingress: string; service: string; canary: string }
  | { kind: 'envoy'; controllerNamespace: string; cluster: string }
  | { kind: 'traefik'; service: string }
  | { kind: 'apisix'; route: string };

/** A forwarded request: where it came back from and how. */
export interface EdgeRequest {
  namespace: string;
  code: number;
  durationMs: number;
}

/** Bucket bounds in ms (the exposition divides by `unit` for seconds histograms). */
const NGINX_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const TRAEFIK_BUCKETS_MS = [100, 300, 1200, 5000];
const APISIX_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000];

interface Family {
  counter: string;
  histogram: string;
  bounds: readonly number[];
  /** 1000: the histogram is in seconds. */
  unit: number;
  /** The histogram's labels lack the status code (Envoy, APISIX). */
  codeFree: boolean;
}

const FAMILIES: Record<EdgeTag['kind'], Family> = {
  nginx: {
    counter: 'nginx_ingress_controller_requests',
    histogram: 'nginx_ingress_controller_response_duration_seconds',
    bounds: NGINX_BUCKETS_MS,
    unit: 1000,
    codeFree: false,
  },
  envoy: {
    counter: 'envoy_cluster_upstream_rq',
    histogram: 'envoy_cluster_upstream_rq_time',
    bounds: ENVOY_BUCKETS_MS,
    unit: 1,
    codeFree: true,
  },
  traefik: {
    counter: 'traefik_service_requests_total',
    histogram: 'traefik_service_request_duration_seconds',
    bounds: TRAEFIK_BUCKETS_MS,
    unit: 1000,
    codeFree: false,
  },
  apisix: {
    counter: 'apisix_http_status',
    histogram: 'apisix_http_latency',
    bounds: APISIX_BUCKETS_MS,
    unit: 1,
    codeFree: true,
  },
};

/** The labels of a request's series, without the code, and the code label's name. */
function labelsOf(tag: EdgeTag, r: EdgeRequest): { base: Record<string, string>; code: string } {
  switch (tag.kind) {
    case 'nginx':
      return {
        base: {
          namespace: r.namespace,
          ingress: tag.ingress,
          service: tag.service,
          canary: tag.canary,
          method: 'GET',
        },
        code: 'status',
      };
    case 'envoy':
      return {
        base: {
          kubernetes_namespace: tag.controllerNamespace,
          kubernetes_pod_name: 'envoy-sandbox-0',
          envoy_cluster_name: tag.cluster,
        },
        code: 'envoy_response_code',
      };
    case 'traefik':
      return { base: { service: tag.service, method: 'GET', protocol: 'http' }, code: 'code' };
    case 'apisix':
      return {
        base: { route: tag.route, matched_uri: '/*', service: '', consumer: '', node: '' },
        code: 'code',
      };
  }
}

interface Cell {
  family: Family;
  counterLabels: Record<string, string>;
  histogramLabels: Record<string, string>;
  count: number;
  sumMs: number;
  buckets: number[];
}

/** Request counters of the edge controllers. */
export class EdgeCounters {
  private readonly cells = new Map<string, Cell>();

  /** Counts one request forwarded by the controller `tag` names. */
  record(tag: EdgeTag, r: EdgeRequest): void {
    const family = FAMILIES[tag.kind];
    const { base, code } = labelsOf(tag, r);
    const counterLabels = { ...base, [code]: String(r.code) };
    const key = JSON.stringify([tag.kind, counterLabels]);
    let cell = this.cells.get(key);
    if (!cell) {
      const histogramLabels = family.codeFree ? { ...base } : counterLabels;
      if (tag.kind === 'apisix') histogramLabels.type = 'request';
      cell = {
        family,
        counterLabels,
        histogramLabels,
        count: 0,
        sumMs: 0,
        buckets: family.bounds.map(() => 0),
      };
      this.cells.set(key, cell);
    }
    cell.count++;
    cell.sumMs += r.durationMs;
    family.bounds.forEach((le, i) => {
      if (r.durationMs <= le) cell.buckets[i]++;
    });
  }

  /** Every edge series with its current value (code-free histograms summed over codes). */
  samples(): Sample[] {
    const out: Sample[] = [];
    const histograms = new Map<string, { cell: Cell; count: number; sumMs: number; buckets: number[] }>();
    for (const cell of this.cells.values()) {
      const { counter } = cell.family;
      out.push({
        family: counter,
        type: 'counter',
        name: counter,
        labels: cell.counterLabels,
        value: cell.count,
      });
      const key = JSON.stringify([cell.family.histogram, cell.histogramLabels]);
      const h = histograms.get(key) ?? { cell, count: 0, sumMs: 0, buckets: cell.family.bounds.map(() => 0) };
      h.count += cell.count;
      h.sumMs += cell.sumMs;
      cell.buckets.forEach((n, i) => (h.buckets[i] += n));
      histograms.set(key, h);
    }
    for (const h of histograms.values()) out.push(...histogram(h.cell, h));
    return out;
  }
}

function histogram(cell: Cell, h: { count: number; sumMs: number; buckets: number[] }): Sample[] {
  const { histogram: family, bounds, unit } = cell.family;
  const labels = cell.histogramLabels;
  const s = (suffix: string, l: Record<string, string>, value: number): Sample => ({
    family,
    type: 'histogram',
    name: `${family}${suffix}`,
    labels: l,
    value,
  });
  return [
    ...bounds.map((le, i) => s('_bucket', { ...labels, le: String(le / unit) }, h.buckets[i])),
    s('_bucket', { ...labels, le: '+Inf' }, h.count),
    s('_sum', labels, h.sumMs / unit),
    s('_count', labels, h.count),
  ];
}
