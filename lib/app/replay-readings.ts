/**
 * The replay's cumulative readings of both workloads from range queries of raw counters (the
 * judge's queries, lib/ports/metrics.ts `CounterQueries`): request and error counts, latency
 * buckets, per instant. A workload without series at an instant has served nothing yet (a canary
 * before its first request): its counters read 0. Both without series: the reading is
 * unavailable, with the reason.
 */
import type { Bucket } from '../domain/judge/histogram.js';
import type { JudgeConfig } from '../domain/judge/index.js';
import type { JudgeReading } from '../domain/observations.js';
import type { TrafficReading } from '../domain/replay-evidence.js';
import type { CheckContext, CounterQueries, RangeResult, RangeSeries, Side } from '../ports/metrics.js';

/** Runs (or reuses) the range query `q`, recorded under `label`. */
export type Lookup = (label: string, q: string) => Promise<RangeResult>;

type Comparison = JudgeConfig['comparisons'][number];
type PerInstant<T> = (at: number) => T;

const SIDES: readonly Side[] = ['canary', 'primary'];

/** The single value of an aggregated series at each instant (absent when there is none). */
function scalarAt(r: RangeResult): Map<number, number> {
  const out = new Map<number, number>();
  if (r.kind === 'series') for (const s of r.series) for (const [t, v] of s.points) out.set(t, v);
  return out;
}

/** A comparison's readings per instant; a query that cannot be built or run makes every reading unavailable. */
export async function counterReadings(
  counters: CounterQueries,
  c: Comparison,
  context: CheckContext,
  run: Lookup,
): Promise<PerInstant<JudgeReading>> {
  try {
    return c.kind === 'errors'
      ? await errorReadings(counters, c.name, context, run)
      : await latencyReadings(counters, c.name, context, run);
  } catch (e) {
    const message = (e as Error).message;
    return () => ({ kind: 'unavailable', message });
  }
}

async function errorReadings(
  counters: CounterQueries,
  name: string,
  context: CheckContext,
  run: Lookup,
): Promise<PerInstant<JudgeReading>> {
  const [canary, primary] = await Promise.all(
    SIDES.map(async (side) => {
      const q = counters.counts(context, side);
      const [requests, ok] = await Promise.all([
        run(`judge ${name} ${side} requests`, q.requests),
        run(`judge ${name} ${side} ok`, q.ok),
      ]);
      failed(requests, ok);
      return { requests: scalarAt(requests), ok: scalarAt(ok) };
    }),
  );
  return (at) => {
    if (!canary.requests.has(at) && !primary.requests.has(at))
      return { kind: 'unavailable', message: 'no request counters of either workload at this step' };
    const counts = (s: typeof canary) => {
      const requests = s.requests.get(at) ?? 0;
      return { requests, errors: Math.max(0, requests - (s.ok.get(at) ?? 0)) };
    };
    return { kind: 'errors', snapshot: { at, canary: counts(canary), primary: counts(primary) } };
  };
}

async function latencyReadings(
  counters: CounterQueries,
  name: string,
  context: CheckContext,
  run: Lookup,
): Promise<PerInstant<JudgeReading>> {
  const [canary, primary] = await Promise.all(
    SIDES.map(async (side) => {
      const q = counters.buckets(context, side);
      const r = await run(`judge ${name} ${side} buckets`, q.buckets);
      failed(r);
      return { series: r.kind === 'series' ? r.series : [], scale: q.scale };
    }),
  );
  return (at) => {
    const c = histogramAt(canary.series, canary.scale, at);
    const p = histogramAt(primary.series, primary.scale, at);
    if (c.length === 0 && p.length === 0)
      return { kind: 'unavailable', message: 'no latency buckets of either workload at this step' };
    const zeros = (h: Bucket[]) => h.map((b) => ({ le: b.le, count: 0 }));
    return {
      kind: 'latency',
      snapshot: { at, canary: c.length > 0 ? c : zeros(p), primary: p.length > 0 ? p : zeros(c) },
    };
  };
}

/** The cumulative histogram at `at` from `sum by (le)` series, bounds in ms, sorted. */
function histogramAt(series: readonly RangeSeries[], scale: number, at: number): Bucket[] {
  const out: Bucket[] = [];
  for (const s of series) {
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le) * scale;
    const point = s.points.find(([t]) => t === at);
    if (point && !Number.isNaN(le)) out.push({ le, count: point[1] });
  }
  return out.sort((a, b) => a.le - b.le);
}

/** Throws the message of the first failed query (the caller turns it into `unavailable`). */
function failed(...rs: RangeResult[]): void {
  for (const r of rs) if (r.kind === 'error') throw new Error(r.message);
}

/**
 * Cumulative requests of both workloads per instant, for the canary's recorded share; undefined
 * when the provider has no request counters per workload.
 */
export async function trafficReadings(
  counters: CounterQueries,
  context: CheckContext,
  run: Lookup,
): Promise<PerInstant<TrafficReading | undefined> | undefined> {
  let queries: { canary: string; primary: string };
  try {
    queries = {
      canary: counters.counts(context, 'canary').requests,
      primary: counters.counts(context, 'primary').requests,
    };
  } catch {
    return undefined;
  }
  const [c, p] = await Promise.all([
    run('traffic canary requests', queries.canary),
    run('traffic primary requests', queries.primary),
  ]);
  if (c.kind === 'error' || p.kind === 'error') return undefined;
  const canary = scalarAt(c);
  const primary = scalarAt(p);
  return (at) =>
    canary.has(at) || primary.has(at)
      ? { canary: canary.get(at) ?? 0, primary: primary.get(at) ?? 0 }
      : undefined;
}
