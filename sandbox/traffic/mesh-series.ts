/**
 * The request series of Linkerd, Consul and Kuma, as their proxies export them and Prometheus
 * labels them, kept next to the Istio and App Mesh ones of counters.ts (the sandbox does not know
 * which mesh is installed, so every request is counted in each vocabulary):
 *
 * - Linkerd (Linkerd Viz): `response_total{namespace,deployment,pod,direction="inbound",
 *   classification,status_code}` and `response_latency_ms` (ms, the Linkerd proxy's buckets);
 * - Consul (Envoy, inbound cluster `local_app`, pods discovered by Prometheus):
 *   `envoy_cluster_upstream_rq{namespace,pod,envoy_cluster_name="local_app",envoy_response_code}`
 *   and `envoy_cluster_upstream_rq_time`;
 * - Kuma (Envoy, labelled with the dataplane's Kuma service):
 *   `envoy_cluster_upstream_rq{service="<svc>_<ns>_svc_<port>",envoy_cluster_name,envoy_response_code}`
 *   and `envoy_cluster_upstream_rq_time`. The service is the one the request was addressed to.
 *
 * Labels are those lib/adapters/prometheus/observers.ts selects on. Counters only grow.
 */
import { ENVOY_BUCKETS_MS, LINKERD_BUCKETS_MS } from './buckets.js';
import type { Sample, ServedRequest } from './counters.js';

/** One mesh's counter and histogram, and how a request labels them. */
interface Vocabulary {
  counter: string;
  /** Histogram family (`<family>_bucket`, `_sum`, `_count`), in milliseconds. */
  histogram: string;
  /** The histogram's bucket bounds, ms: the proxy's defaults. */
  bounds: readonly number[];
  /** Labels of the series a request lands in, without its outcome. */
  labels(r: ServedRequest): Record<string, string>;
  /** The counter's outcome labels. */
  outcome(code: number): Record<string, string>;
}

const envoyCode = (code: number) => ({ envoy_response_code: String(code) });

/** The vocabularies, by mesh. */
const VOCABULARIES: Readonly<Record<'linkerd' | 'consul' | 'kuma', Vocabulary>> = {
  linkerd: {
    counter: 'response_total',
    histogram: 'response_latency_ms',
    bounds: LINKERD_BUCKETS_MS,
    labels: (r) => ({ namespace: r.namespace, deployment: r.workload, pod: r.pod, direction: 'inbound' }),
    outcome: (code) => ({ classification: code >= 500 ? 'failure' : 'success', status_code: String(code) }),
  },
  consul: {
    counter: 'envoy_cluster_upstream_rq',
    histogram: 'envoy_cluster_upstream_rq_time',
    bounds: ENVOY_BUCKETS_MS,
    labels: (r) => ({ namespace: r.namespace, pod: r.pod, envoy_cluster_name: 'local_app' }),
    outcome: envoyCode,
  },
  kuma: {
    counter: 'envoy_cluster_upstream_rq',
    histogram: 'envoy_cluster_upstream_rq_time',
    bounds: ENVOY_BUCKETS_MS,
    labels: (r) => ({
      service: `${r.service}_${r.namespace}_svc_${r.servicePort ?? r.port}`,
      envoy_cluster_name: `localhost_${r.port}`,
    }),
    outcome: envoyCode,
  },
};

interface Cell {
  family: Vocabulary;
  labels: Record<string, string>;
  outcomes: Map<string, { labels: Record<string, string>; count: number }>;
  count: number;
  sumMs: number;
  buckets: number[];
}

/** The Linkerd, Consul and Kuma series of every request counted so far. */
export class MeshSeries {
  private readonly cells = new Map<string, Cell>();

  /** Counts one request in every vocabulary. */
  record(r: ServedRequest): void {
    for (const [mesh, v] of Object.entries(VOCABULARIES)) {
      const labels = v.labels(r);
      const key = `${mesh}\u0000${JSON.stringify(labels)}`;
      let cell = this.cells.get(key);
      if (!cell) {
        cell = {
          family: v,
          labels,
          outcomes: new Map(),
          count: 0,
          sumMs: 0,
          buckets: v.bounds.map(() => 0),
        };
        this.cells.set(key, cell);
      }
      const outcome = v.outcome(r.code);
      const ok = JSON.stringify(outcome);
      const o = cell.outcomes.get(ok) ?? { labels: outcome, count: 0 };
      o.count++;
      cell.outcomes.set(ok, o);
      cell.count++;
      cell.sumMs += r.durationMs;
      for (let i = v.bounds.length - 1; i >= 0 && r.durationMs <= v.bounds[i]; i--) cell.buckets[i]++;
    }
  }

  /** Every series with its current value. */
  samples(): Sample[] {
    const out: Sample[] = [];
    for (const cell of this.cells.values()) {
      const { counter, histogram, bounds } = cell.family;
      for (const o of cell.outcomes.values()) {
        out.push({
          family: counter,
          type: 'counter',
          name: counter,
          labels: { ...cell.labels, ...o.labels },
          value: o.count,
        });
      }
      const h = (suffix: string, labels: Record<string, string>, value: number): Sample => ({
        family: histogram,
        type: 'histogram',
        name: `${histogram}${suffix}`,
        labels,
        value,
      });
      bounds.forEach((le, i) => out.push(h('_bucket', { ...cell.labels, le: String(le) }, cell.buckets[i])));
      out.push(h('_bucket', { ...cell.labels, le: '+Inf' }, cell.count));
      out.push(h('_sum', cell.labels, cell.sumMs));
      out.push(h('_count', cell.labels, cell.count));
    }
    return out;
  }
}
