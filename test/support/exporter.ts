/**
 * A test exporter: a node:http server on 127.0.0.1 (port 0) serving Istio and Envoy (App Mesh)
 * metric families in the Prometheus text format, for a real Prometheus to scrape.
 *
 * Counters are computed from elapsed time, not ticked: count = Σ rate × seconds over the
 * segments of each workload's traffic (`update` starts a new segment). They are floats, so
 * ratios between series are exact and PromQL results are predictable: with the default
 * latencies (90 % at 40 ms, 9 % at 400 ms, 1 % at 800 ms) 99 % of requests sit at or below the
 * 500 ms bucket bound, so `histogram_quantile(0.99, …)` is ≈ 500 ms.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENVOY_BUCKETS_MS } from '../../sandbox/traffic/buckets.js';

/** Bucket bounds (ms) of Istio's request duration histogram (Envoy's defaults, as upstream_rq_time). */
const ISTIO_BUCKETS_MS = ENVOY_BUCKETS_MS;

/** A share of requests that take `ms` milliseconds. */
interface LatencyShare {
  ms: number;
  fraction: number;
}

/** Latencies whose P99 interpolates to ≈ 500 ms on {@link ISTIO_BUCKETS_MS}. */
const P99_500MS: readonly LatencyShare[] = [
  { ms: 40, fraction: 0.9 },
  { ms: 400, fraction: 0.09 },
  { ms: 800, fraction: 0.01 },
];

/** The traffic one workload receives. */
interface Traffic {
  /** Requests per second. */
  rps: number;
  /** Share of responses that are 5xx (0..1); the rest are 200. */
  errorRate: number;
  /** Latency distribution; fractions should sum to 1. Default {@link P99_500MS}. */
  latency?: readonly LatencyShare[];
}

/** A workload and the traffic it starts with. */
interface WorkloadTraffic extends Traffic {
  namespace: string;
  /** Istio `destination_workload` (a Deployment name, e.g. `podinfo` or `podinfo-primary`). */
  workload: string;
  /** Envoy `kubernetes_pod_name`; default `<workload>-5f7b9c6d8-x2k4q`. */
  pod?: string;
}

/** A running exporter. */
export interface TestExporter {
  /** `http://127.0.0.1:<port>/metrics` */
  url: string;
  /** `127.0.0.1:<port>`, a Prometheus static target. */
  target: string;
  port: number;
  /** Changes a workload's traffic from now on (counters keep growing from their current values). */
  update(namespace: string, workload: string, traffic: Partial<Traffic>): void;
  /** Adds a workload whose counters start at zero now; throws if it already exists. */
  add(workload: WorkloadTraffic): void;
  /** The exposition text at `nowMs` (what a scrape would return then). */
  render(nowMs?: number): string;
  close(): Promise<void>;
}

interface Segment {
  startMs: number;
  traffic: Required<Traffic>;
}

interface Entry {
  spec: WorkloadTraffic;
  pod: string;
  closed: { seconds: number; traffic: Required<Traffic> }[];
  current: Segment;
}

/** Options of {@link startExporter}. */
export interface ExporterOptions {
  workloads: readonly WorkloadTraffic[];
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

/** Starts the exporter on 127.0.0.1 with a free port. */
export async function startExporter(options: ExporterOptions): Promise<TestExporter> {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const add = (w: WorkloadTraffic, startMs = now()): void => {
    const k = key(w.namespace, w.workload);
    if (entries.has(k)) throw new Error(`exporter already has workload ${k}`);
    entries.set(k, {
      spec: w,
      pod: w.pod ?? `${w.workload}-5f7b9c6d8-x2k4q`,
      closed: [],
      current: { startMs, traffic: complete(w) },
    });
  };
  const start = now();
  for (const w of options.workloads) add(w, start);
  const render = (at = now()): string => renderAll([...entries.values()], at);
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(render());
      return;
    }
    res.writeHead(404).end('not found\n');
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    target: `127.0.0.1:${port}`,
    port,
    render,
    add: (w) => add(w),
    update(namespace, workload, traffic) {
      const e = entries.get(key(namespace, workload));
      if (!e) throw new Error(`exporter has no workload ${namespace}/${workload}`);
      const at = now();
      e.closed.push({ seconds: (at - e.current.startMs) / 1000, traffic: e.current.traffic });
      e.current = { startMs: at, traffic: { ...e.current.traffic, ...definedOnly(traffic) } };
    },
    close: () => closeServer(server),
  };
}

function key(namespace: string, workload: string): string {
  return `${namespace}/${workload}`;
}

function complete(t: Traffic): Required<Traffic> {
  return { rps: t.rps, errorRate: t.errorRate, latency: t.latency ?? P99_500MS };
}

function definedOnly(t: Partial<Traffic>): Partial<Traffic> {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined));
}

type Cls = 'ok' | 'errors' | 'all';

/** Requests accumulated by one workload up to `at`, per response class (`all` = both). */
type Totals = Record<Cls, { count: number; sumMs: number; buckets: number[] }>;

function totals(e: Entry, at: number): Totals {
  const empty = () => ({ count: 0, sumMs: 0, buckets: ISTIO_BUCKETS_MS.map(() => 0) });
  const t: Totals = { ok: empty(), errors: empty(), all: empty() };
  const segments = [
    ...e.closed,
    { seconds: Math.max(0, (at - e.current.startMs) / 1000), traffic: e.current.traffic },
  ];
  for (const { seconds, traffic } of segments) {
    const requests = traffic.rps * seconds;
    const parts = {
      ok: requests * (1 - traffic.errorRate),
      errors: requests * traffic.errorRate,
      all: requests,
    };
    for (const cls of ['ok', 'errors', 'all'] as const) {
      t[cls].count += parts[cls];
      for (const share of traffic.latency) {
        const n = parts[cls] * share.fraction;
        t[cls].sumMs += n * share.ms;
        ISTIO_BUCKETS_MS.forEach((le, i) => {
          if (share.ms <= le) t[cls].buckets[i] += n;
        });
      }
    }
  }
  return t;
}

function labels(pairs: Record<string, string>): string {
  const body = Object.entries(pairs)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');
  return `{${body}}`;
}

/** Prometheus parses sample values and `le` with Go's ParseFloat, so JS's shortest form works. */
function num(v: number): string {
  return String(v);
}

function histogram(
  out: string[],
  name: string,
  base: Record<string, string>,
  t: Totals[Cls],
  divisor: number,
): void {
  ISTIO_BUCKETS_MS.forEach((le, i) => {
    out.push(`${name}_bucket${labels({ ...base, le: num(le / divisor) })} ${num(t.buckets[i])}`);
  });
  out.push(`${name}_bucket${labels({ ...base, le: '+Inf' })} ${num(t.count)}`);
  out.push(`${name}_sum${labels(base)} ${num(t.sumMs / divisor)}`);
  out.push(`${name}_count${labels(base)} ${num(t.count)}`);
}

function renderAll(entries: readonly Entry[], at: number): string {
  const istioReq: string[] = ['# TYPE istio_requests_total counter'];
  const istioMs: string[] = ['# TYPE istio_request_duration_milliseconds histogram'];
  const istioS: string[] = ['# TYPE istio_request_duration_seconds histogram'];
  const envoyReq: string[] = ['# TYPE envoy_cluster_upstream_rq counter'];
  const envoyTime: string[] = ['# TYPE envoy_cluster_upstream_rq_time histogram'];
  for (const e of entries) {
    const t = totals(e, at);
    const { namespace, workload } = e.spec;
    const envoy = {
      kubernetes_namespace: namespace,
      kubernetes_pod_name: e.pod,
      envoy_cluster_name: `cds_ingress_${namespace}_${workload}_http_9898`,
    };
    for (const cls of ['ok', 'errors'] as const) {
      const code = cls === 'ok' ? '200' : '500';
      // Both Istio reporters, as in a real mesh; the builtin queries must pick `destination`.
      for (const reporter of ['destination', 'source']) {
        const istio = {
          reporter,
          source_workload: 'istio-ingressgateway',
          destination_workload_namespace: namespace,
          destination_workload: workload,
          destination_service: `${workload}.${namespace}.svc.cluster.local`,
          response_code: code,
        };
        istioReq.push(`istio_requests_total${labels(istio)} ${num(t[cls].count)}`);
        histogram(istioMs, 'istio_request_duration_milliseconds', istio, t[cls], 1);
        histogram(istioS, 'istio_request_duration_seconds', istio, t[cls], 1000);
      }
      envoyReq.push(
        `envoy_cluster_upstream_rq${labels({ ...envoy, envoy_response_code: code })} ${num(t[cls].count)}`,
      );
    }
    // Envoy's upstream_rq_time histogram has no response code label.
    histogram(envoyTime, 'envoy_cluster_upstream_rq_time', envoy, t.all, 1);
  }
  return [...istioReq, ...istioMs, ...istioS, ...envoyReq, ...envoyTime, ''].join('\n');
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((err) => (err ? reject(err) : resolve()));
  });
}
