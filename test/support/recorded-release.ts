/**
 * A recorded Istio release for replay tests: the OpenMetrics text of `istio_requests_total`
 * (response_code 200 / 500) and `istio_request_duration_milliseconds` (Istio's buckets) of
 * `podinfo` and `podinfo-primary`, sampled every 10 s at fixed past timestamps, and its backfill
 * into a TSDB directory with `promtool tsdb create-blocks-from openmetrics`.
 *
 * Deterministic: counters are the exact expected counts (rounded cumulative sums), no sampling.
 * The canary's share of the requests steps 10 → 50 % a minute at a time from `start` (as Flagger
 * ran it with stepWeight 10, maxWeight 50, interval 1m), then stays at 50 %.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isExecutable } from '../../sandbox/prometheus.js';

/** Istio's default latency buckets, ms. */
const ISTIO_BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
];
/** Share of requests at or below each bucket bound: 50 % ≤ 50 ms, 90 % ≤ 100, 99 % ≤ 250, all ≤ 500. */
const LATENCY_CDF = (le: number): number =>
  le >= 500 ? 1 : le >= 250 ? 0.99 : le >= 100 ? 0.9 : le >= 50 ? 0.5 : 0;

const SAMPLE_SECONDS = 10;
const MINUTE = 60_000;

/** One release in one namespace. */
export interface RecordedRelease {
  namespace: string;
  /** The canary's error ratio (0..1) at `minute` since the start (may be fractional). */
  canaryErrors: (minute: number) => number;
}

/** The window all releases share. */
export interface Recording {
  /** Epoch ms of the first analysis step: the canary's first traffic. */
  start: number;
  /** Minutes of primary-only traffic before `start`, and of the release after it. */
  before: number;
  after: number;
  /** Requests per second to the apex service (both workloads). */
  rps: number;
  /** The primary's error ratio. */
  primaryErrors: number;
}

/** The canary's share of requests at `minute` since the start: 0 before, then 10, 20, … 50 %. */
function canaryShare(minute: number): number {
  return minute < 0 ? 0 : Math.min(0.5, 0.1 * (Math.floor(minute) + 1));
}

interface Series {
  labels: string;
  points: [number, number][];
}

function labels(ns: string, workload: string, extra = ''): string {
  return `reporter="destination",destination_workload_namespace="${ns}",destination_workload="${workload}"${extra}`;
}

/** Cumulative requests and errors of one workload at every sample instant from its first sample. */
function counts(rec: Recording, share: (m: number) => number, errors: (m: number) => number, from: number) {
  const out: { t: number; requests: number; errors: number }[] = [];
  let requests = 0;
  let errs = 0;
  for (let t = from; t <= rec.start + rec.after * MINUTE; t += SAMPLE_SECONDS * 1000) {
    // The interval (t − 10 s, t] at the rates of its start.
    if (t > from) {
      const m = (t - SAMPLE_SECONDS * 1000 - rec.start) / MINUTE;
      const n = rec.rps * SAMPLE_SECONDS * share(m);
      requests += n;
      errs += n * errors(m);
    }
    out.push({ t, requests: Math.round(requests), errors: Math.round(errs) });
  }
  return out;
}

function workloadSeries(ns: string, workload: string, c: ReturnType<typeof counts>) {
  const ok = { labels: labels(ns, workload, ',response_code="200"'), points: [] as [number, number][] };
  const bad = { labels: labels(ns, workload, ',response_code="500"'), points: [] as [number, number][] };
  for (const p of c) {
    ok.points.push([p.t, p.requests - p.errors]);
    bad.points.push([p.t, p.errors]);
  }
  const lines: string[] = [];
  for (const p of c) {
    const l = labels(ns, workload);
    for (const le of ISTIO_BUCKETS)
      lines.push(
        `istio_request_duration_milliseconds_bucket{${l},le="${le}"} ${Math.round(p.requests * LATENCY_CDF(le))} ${p.t / 1000}`,
      );
    lines.push(`istio_request_duration_milliseconds_bucket{${l},le="+Inf"} ${p.requests} ${p.t / 1000}`);
    lines.push(`istio_request_duration_milliseconds_sum{${l}} ${p.requests * 60} ${p.t / 1000}`);
    lines.push(`istio_request_duration_milliseconds_count{${l}} ${p.requests} ${p.t / 1000}`);
  }
  return { counters: [ok, bad] as Series[], histogram: lines };
}

/** The OpenMetrics text of every release of the recording. */
export function recordedOpenMetrics(rec: Recording, releases: readonly RecordedRelease[]): string {
  const counters: Series[] = [];
  const histogram: string[] = [];
  for (const r of releases) {
    const primary = counts(
      rec,
      (m) => 1 - canaryShare(m),
      () => rec.primaryErrors,
      rec.start - rec.before * MINUTE,
    );
    const canary = counts(rec, canaryShare, r.canaryErrors, rec.start);
    for (const [workload, c] of [
      ['podinfo-primary', primary],
      ['podinfo', canary],
    ] as const) {
      const s = workloadSeries(r.namespace, workload, c);
      counters.push(...s.counters);
      histogram.push(...s.histogram);
    }
  }
  return [
    '# TYPE istio_requests counter',
    ...counters.flatMap((s) =>
      s.points.map(([t, v]) => `istio_requests_total{${s.labels}} ${v} ${t / 1000}`),
    ),
    '# TYPE istio_request_duration_milliseconds histogram',
    ...histogram,
    '# EOF',
    '',
  ].join('\n');
}

/** `promtool` from `PROMTOOL_BIN`, else next to the prometheus binary, else /usr/bin. */
export function findPromtool(prometheusBin: string | undefined): string | undefined {
  const candidates = [
    process.env.PROMTOOL_BIN,
    prometheusBin && join(prometheusBin, '..', 'promtool'),
    '/usr/bin/promtool',
  ];
  return candidates.find((c): c is string => !!c && isExecutable(c));
}

/** Writes `text` to `dir/recorded.om` and backfills it into blocks under `dir/tsdb`; returns that path. */
export async function backfill(promtool: string, dir: string, text: string): Promise<string> {
  const file = join(dir, 'recorded.om');
  await writeFile(file, text);
  const tsdb = join(dir, 'tsdb');
  await promisify(execFile)(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, tsdb], {
    timeout: 60_000,
  });
  return tsdb;
}
