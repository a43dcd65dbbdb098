/**
 * Counters of simulated requests, kept per destination workload the way an Istio sidecar and an
 * Envoy (App Mesh) proxy would report them, and turned into Prometheus samples:
 *
 * - `istio_requests_total{reporter="destination",destination_workload,destination_workload_namespace,
 *   destination_service,response_code}` and the `istio_request_duration_milliseconds` and
 *   `istio_request_duration_seconds` histograms with the same labels;
 * - `envoy_cluster_upstream_rq{kubernetes_namespace,kubernetes_pod_name,envoy_cluster_name,
 *   envoy_response_code}` and the `envoy_cluster_upstream_rq_time` histogram (no code label).
 *
 * Labels are those lib/adapters/prometheus/observers.ts selects on. Counters only grow. Requests
 * that came through an ingress controller are also counted as that controller reports them
 * (edge-counters.ts); Linkerd's, Consul's and Kuma's series are kept by mesh-series.ts.
 */
import { ENVOY_BUCKETS_MS } from './buckets.js';
import { EdgeCounters, type EdgeTag } from './edge-counters.js';
import { MeshSeries } from './mesh-series.js';

/** Bucket bounds (ms) of Istio's request duration histogram and of Envoy's upstream_rq_time. */
const BUCKETS_MS = ENVOY_BUCKETS_MS;

/** One Prometheus sample: a series of a metric family and its current value. */
export interface Sample {
  /** Metric family (`istio_request_duration_milliseconds` for `_bucket`, `_sum`, `_count`). */
  family: string;
  type: 'counter' | 'histogram';
  /** Series name, e.g. `istio_request_duration_milliseconds_bucket`. */
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** One request as it was served by a workload. */
export interface ServedRequest {
  namespace: string;
  /** Deployment name (`destination_workload`). */
  workload: string;
  /** Service the request was addressed to (`destination_service` host is `<service>.<ns>.svc.cluster.local`). */
  service: string;
  /** Pod name `<workload>-<hash>-<suffix>` (Envoy's `kubernetes_pod_name`). */
  pod: string;
  /** Container port, for `envoy_cluster_name`. */
  port: number;
  /** Port of the Service the request was addressed to (Kuma's service tag); default `port`. */
  servicePort?: number;
  /** HTTP status code. */
  code: number;
  durationMs: number;
  /** The ingress controller that forwarded the request, if one did. */
  edge?: EdgeTag;
}

interface Histogram {
  count: number;
  sumMs: number;
  buckets: number[];
}

interface IstioCell extends Histogram {
  labels: Record<string, string>;
}

interface EnvoyCell extends Histogram {
  labels: Record<string, string>;
  codes: Map<string, number>;
}

/** Totals of one workload, for tests and progress displays. */
export interface WorkloadTotals {
  requests: number;
  errors: number;
  byCode: Record<string, number>;
}

function emptyHistogram(): Histogram {
  return { count: 0, sumMs: 0, buckets: BUCKETS_MS.map(() => 0) };
}

function observe(h: Histogram, ms: number): void {
  h.count++;
  h.sumMs += ms;
  for (let i = BUCKETS_MS.length - 1; i >= 0 && ms <= BUCKETS_MS[i]; i--) h.buckets[i]++;
}

/** The request counters of every workload that received simulated traffic. */
export class TrafficCounters {
  private readonly istio = new Map<string, IstioCell>();
  private readonly envoy = new Map<string, EnvoyCell>();
  private readonly edges = new EdgeCounters();
  private readonly meshes = new MeshSeries();

  /** Counts one served request. */
  record(r: ServedRequest): void {
    if (r.edge) this.edges.record(r.edge, r);
    const code = String(r.code);
    const istioKey = `${r.namespace}\u0000${r.workload}\u0000${r.service}\u0000${code}`;
    let cell = this.istio.get(istioKey);
    if (!cell) {
      cell = {
        ...emptyHistogram(),
        labels: {
          reporter: 'destination',
          source_workload: 'sandbox-traffic',
          destination_workload_namespace: r.namespace,
          destination_workload: r.workload,
          destination_service: `${r.service}.${r.namespace}.svc.cluster.local`,
          response_code: code,
        },
      };
      this.istio.set(istioKey, cell);
    }
    observe(cell, r.durationMs);
    const envoyKey = `${r.namespace}\u0000${r.pod}`;
    let proxy = this.envoy.get(envoyKey);
    if (!proxy) {
      proxy = {
        ...emptyHistogram(),
        codes: new Map(),
        labels: {
          kubernetes_namespace: r.namespace,
          kubernetes_pod_name: r.pod,
          envoy_cluster_name: `cds_ingress_${r.namespace}_${r.workload}_http_${r.port}`,
        },
      };
      this.envoy.set(envoyKey, proxy);
    }
    observe(proxy, r.durationMs);
    proxy.codes.set(code, (proxy.codes.get(code) ?? 0) + 1);
    this.meshes.record(r);
  }

  /** Requests received by one workload (all services, all codes). */
  totals(namespace: string, workload: string): WorkloadTotals {
    const out: WorkloadTotals = { requests: 0, errors: 0, byCode: {} };
    for (const cell of this.istio.values()) {
      const l = cell.labels;
      if (l.destination_workload_namespace !== namespace || l.destination_workload !== workload) continue;
      const code = l.response_code;
      out.requests += cell.count;
      if (code.startsWith('5')) out.errors += cell.count;
      out.byCode[code] = (out.byCode[code] ?? 0) + cell.count;
    }
    return out;
  }

  /** Every series with its current value. */
  samples(): Sample[] {
    const out: Sample[] = [];
    for (const cell of this.istio.values()) {
      out.push(counter('istio_requests_total', cell.labels, cell.count));
      histogram(out, 'istio_request_duration_milliseconds', cell.labels, cell, 1);
      histogram(out, 'istio_request_duration_seconds', cell.labels, cell, 1000);
    }
    for (const proxy of this.envoy.values()) {
      for (const [code, n] of proxy.codes) {
        out.push(counter('envoy_cluster_upstream_rq', { ...proxy.labels, envoy_response_code: code }, n));
      }
      histogram(out, 'envoy_cluster_upstream_rq_time', proxy.labels, proxy, 1);
    }
    out.push(...this.edges.samples());
    out.push(...this.meshes.samples());
    return out;
  }
}

function counter(name: string, labels: Record<string, string>, value: number): Sample {
  return { family: name, type: 'counter', name, labels, value };
}

/** Appends `_bucket` (one per bound and `+Inf`), `_sum` and `_count`; `divisor` 1000 gives seconds. */
function histogram(
  out: Sample[],
  family: string,
  labels: Record<string, string>,
  h: Histogram,
  divisor: number,
): void {
  const s = (suffix: string, l: Record<string, string>, value: number): Sample => ({
    family,
    type: 'histogram',
    name: `${family}${suffix}`,
    labels: l,
    value,
  });
  BUCKETS_MS.forEach((le, i) =>
    out.push(s('_bucket', { ...labels, le: String(le / divisor) }, h.buckets[i])),
  );
  out.push(s('_bucket', { ...labels, le: '+Inf' }, h.count));
  out.push(s('_sum', labels, h.sumMs / divisor));
  out.push(s('_count', labels, h.count));
}

/** A stable identity of a series: its name and sorted labels. */
export function seriesKey(s: Pick<Sample, 'name' | 'labels'>): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(s.labels[k])}`)
    .join(',');
  return `${s.name}{${labels}}`;
}

/** The samples in the Prometheus text exposition format (0.0.4), one `# TYPE` line per family. */
export function renderExposition(samples: readonly Sample[]): string {
  const families = new Map<string, { type: string; lines: string[] }>();
  for (const s of samples) {
    let f = families.get(s.family);
    if (!f) families.set(s.family, (f = { type: s.type, lines: [] }));
    f.lines.push(`${s.name}${formatLabels(s.labels)} ${String(s.value)}`);
  }
  const out: string[] = [];
  for (const [name, f] of families) out.push(`# TYPE ${name} ${f.type}`, ...f.lines);
  return out.join('\n') + '\n';
}

function formatLabels(labels: Readonly<Record<string, string>>): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
  return `{${body}}`;
}
