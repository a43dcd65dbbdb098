/**
 * The replay's judge readings: the judge's raw-counter queries (`CheckQueryResolver.judgeQueries`)
 * run once each as range queries, then read at each step by the step's own reader
 * (`readJudgeReadings`, judge-readings.ts) through a metrics server that answers every vector
 * query with the series' values at that step. So a replayed step reads counters exactly as a live
 * step does: no series yet is zero, errors = requests − ok, buckets in ms and aligned, and the
 * same `unavailable` cases.
 */
import type { JudgeReading } from '../domain/observations.js';
import type { TrafficReading } from '../domain/replay-share.js';
import type {
  CheckContext,
  CheckQueryResolver,
  JudgeComparison,
  MetricsProvider,
  RangeResult,
  VectorResult,
  WorkloadSide,
} from '../ports/metrics.js';
import { readJudgeReadings } from './judge-readings.js';

/** Runs (or reuses) the range query `q`, recorded under `label`. */
export type Lookup = (label: string, q: string) => Promise<RangeResult>;

const SIDES: readonly WorkloadSide[] = ['canary', 'primary'];

/** Every query of `comparisons`, by label (those the resolver cannot build are left out). */
function judgeQueryTexts(
  resolver: Pick<CheckQueryResolver, 'judgeQueries'>,
  context: CheckContext,
  comparisons: readonly JudgeComparison[],
): [string, string][] {
  const out: [string, string][] = [];
  for (const c of comparisons)
    for (const side of SIDES) {
      try {
        const q = resolver.judgeQueries(c, context, side);
        if (q.kind === 'errors')
          out.push([`judge ${c.name} ${side} requests`, q.requests], [`judge ${c.name} ${side} ok`, q.ok]);
        else out.push([`judge ${c.name} ${side} buckets`, q.buckets]);
      } catch {
        // readJudgeReadings calls judgeQueries again and reports the error as `unavailable`.
      }
    }
  return out;
}

/** A metrics server that answers vector queries with the prefetched series' values at `at`. */
function atInstant(results: ReadonlyMap<string, RangeResult>, at: number): MetricsProvider {
  const unused = (): Promise<never> => Promise.reject(new Error('a replayed step only reads vectors'));
  return {
    query: unused,
    queryRange: unused,
    isOnline: () => Promise.resolve(true),
    queryVector(q: string): Promise<VectorResult> {
      const r = results.get(q);
      if (!r) return Promise.resolve({ kind: 'error', message: `query not run: ${q}` });
      if (r.kind === 'error') return Promise.resolve(r);
      const samples = r.series.flatMap((s) => {
        const point = s.points.find(([t]) => t === at);
        return point ? [{ labels: s.labels, value: point[1] }] : [];
      });
      return Promise.resolve({ kind: 'vector', samples });
    },
  };
}

/** The compared metrics' readings at each instant (spec order), read as a live step reads them. */
export async function judgeReadingsOverRange(
  resolver: Pick<CheckQueryResolver, 'judgeQueries'>,
  context: CheckContext,
  comparisons: readonly JudgeComparison[],
  run: Lookup,
  instants: readonly number[],
  signal: AbortSignal,
): Promise<Map<number, Record<string, JudgeReading>>> {
  const texts = judgeQueryTexts(resolver, context, comparisons);
  const answers = await Promise.all(texts.map(([label, q]) => run(label, q)));
  const results = new Map(texts.map(([, q], i) => [q, answers[i]]));
  const out = new Map<number, Record<string, JudgeReading>>();
  for (const at of instants) {
    const deps = { resolver, metricsFor: () => atInstant(results, at) };
    out.set(at, await readJudgeReadings(deps, context, comparisons, at, signal));
  }
  return out;
}

/**
 * Cumulative requests of both workloads per instant, for the canary's recorded share; undefined
 * when the provider has no request counters per workload or a query failed.
 */
export async function trafficReadings(
  resolver: Pick<CheckQueryResolver, 'judgeQueries'>,
  context: CheckContext,
  run: Lookup,
): Promise<((at: number) => TrafficReading | undefined) | undefined> {
  const requests: string[] = [];
  try {
    for (const side of SIDES) {
      const q = resolver.judgeQueries({ kind: 'errors' }, context, side);
      if (q.kind === 'errors') requests.push(q.requests);
    }
  } catch {
    return undefined;
  }
  const [c, p] = await Promise.all([
    run('traffic canary requests', requests[0]),
    run('traffic primary requests', requests[1]),
  ]);
  if (c.kind === 'error' || p.kind === 'error') return undefined;
  const valueAt = (r: typeof c, at: number) =>
    r.series.flatMap((s) => s.points.filter(([t]) => t === at).map(([, v]) => v));
  return (at) => {
    const [canary, primary] = [valueAt(c, at), valueAt(p, at)];
    if (canary.length === 0 && primary.length === 0) return undefined;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return { canary: sum(canary), primary: sum(primary) };
  };
}
