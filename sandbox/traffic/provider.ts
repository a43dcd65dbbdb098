/**
 * The sandbox metrics provider: a {@link MetricsProvider} that answers the builtin checks from the
 * traffic simulator's counters, for machines without a Prometheus binary. It recognises the PromQL
 * that `builtinQuery` produces (promql.ts), measures the increase of the selected series since the
 * snapshot taken at the window's start, and evaluates the ratio or `histogram_quantile` the way
 * Prometheus does. Like Prometheus it answers "no data" when no series match, when nothing moved in
 * the window (0/0) and when the success series do not exist yet. Any other query is an error, and
 * so is every range query: the simulator keeps no past to evaluate them over (`replay` needs a
 * real Prometheus).
 */
import type {
  MetricsProvider,
  QueryResult,
  RangeResult,
  VectorResult,
  VectorSample,
} from '../../lib/ports/metrics.js';
import { seriesKey, type Sample } from './counters.js';
import type { Snapshot } from './history.js';
import { matchesLabels, parseBuiltin, parseJudge, type JudgeExpr, type RangeSelector } from './promql.js';

/** What the provider reads: the simulator satisfies it. */
export interface MetricsSource {
  now(): number;
  samples(): Sample[];
  baseline(atMs: number): Snapshot | undefined;
}

/** The message of every query that is not a builtin check. */
export const UNSUPPORTED_QUERY =
  'the sandbox metrics provider only answers builtin checks; install prometheus';

/** The answer to every range query. */
const UNSUPPORTED_RANGE_QUERY = 'range queries are not supported by the built-in provider';
/** The message of every vector query that is not one of the judge's counters. */
export const UNSUPPORTED_VECTOR_QUERY =
  "the sandbox metrics provider only answers the judge's raw counters as vectors; install prometheus";

/** Creates the provider over a simulator (or any {@link MetricsSource}). */
export function sandboxMetricsProvider(source: MetricsSource): MetricsProvider {
  return {
    query(q: string, signal: AbortSignal): Promise<QueryResult> {
      if (signal.aborted) return Promise.reject(signal.reason as Error);
      return Promise.resolve(evaluate(source, q));
    },
    queryRange(_q: string, _range: unknown, signal: AbortSignal): Promise<RangeResult> {
      if (signal.aborted) return Promise.reject(signal.reason as Error);
      return Promise.resolve({ kind: 'error', message: UNSUPPORTED_RANGE_QUERY });
    },
    queryVector(q: string, signal: AbortSignal): Promise<VectorResult> {
      if (signal.aborted) return Promise.reject(signal.reason as Error);
      const expr = parseJudge(q);
      if (!expr) return Promise.resolve({ kind: 'error', message: UNSUPPORTED_VECTOR_QUERY });
      return Promise.resolve({ kind: 'vector', samples: current(source, expr) });
    },
    isOnline: (signal: AbortSignal) =>
      signal.aborted ? Promise.reject(signal.reason as Error) : Promise.resolve(true),
  };
}

/** Evaluates one query against the source now. */
function evaluate(source: MetricsSource, query: string): QueryResult {
  const judge = parseJudge(query);
  if (judge?.kind === 'sum') {
    const [total] = current(source, judge);
    return total ? { kind: 'value', value: total.value } : noData('no series match');
  }
  const expr = parseBuiltin(query);
  if (!expr) return { kind: 'error', message: UNSUPPORTED_QUERY };
  const samples = source.samples();
  const now = source.now();
  if (expr.kind === 'ratio') {
    const num = increases(source, samples, expr.numerator, now);
    const den = increases(source, samples, expr.denominator, now);
    if (num.length === 0 || den.length === 0) return noData('no series match');
    const total = sum(den.map((d) => d.increase));
    if (total <= 0) return noData('no requests in the window');
    return { kind: 'value', value: (sum(num.map((n) => n.increase)) / total) * expr.factor };
  }
  const buckets = increases(source, samples, expr.buckets, now);
  if (buckets.length === 0) return noData('no series match');
  const byLe = new Map<number, number>();
  for (const b of buckets) {
    const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
    if (!Number.isNaN(le)) byLe.set(le, (byLe.get(le) ?? 0) + b.increase);
  }
  const value = histogramQuantile(
    expr.q,
    [...byLe].map(([le, count]) => ({ le, count })),
  );
  return Number.isFinite(value)
    ? { kind: 'value', value: value * expr.factor }
    : noData('no requests in the window');
}

function noData(why: string): QueryResult {
  return { kind: 'noData', message: `no data: ${why} (sandbox metrics provider)` };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/**
 * The judge's raw counters now: `sum` → one sample without labels (none when no series match),
 * `sumByLe` → one sample per `le`, as Prometheus aggregates them.
 */
function current(source: MetricsSource, expr: JudgeExpr): VectorSample[] {
  const { metric, matchers } = expr.series;
  const matching = source.samples().filter((s) => s.name === metric && matchesLabels(s.labels, matchers));
  if (matching.length === 0) return [];
  if (expr.kind === 'sum') return [{ labels: {}, value: sum(matching.map((s) => s.value)) }];
  const byLe = new Map<string | undefined, number>();
  for (const s of matching) byLe.set(s.labels.le, (byLe.get(s.labels.le) ?? 0) + s.value);
  return [...byLe].map(([le, value]): VectorSample => ({ labels: le === undefined ? {} : { le }, value }));
}

/** The increase of every series matching `sel` over its window (counter resets count from 0). */
function increases(
  source: MetricsSource,
  samples: readonly Sample[],
  sel: RangeSelector,
  now: number,
): { labels: Readonly<Record<string, string>>; increase: number }[] {
  const base = source.baseline(now - sel.windowMs);
  return samples
    .filter((s) => s.name === sel.metric && matchesLabels(s.labels, sel.matchers))
    .map((s) => {
      const before = base?.values.get(seriesKey(s)) ?? 0;
      return { labels: s.labels, increase: s.value >= before ? s.value - before : s.value };
    });
}

/**
 * Prometheus' `histogram_quantile` over cumulative buckets: linear interpolation inside the bucket
 * holding the rank; the `+Inf` bucket answers the highest finite bound; NaN without observations.
 */
export function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number {
  const sorted = buckets.map((b) => ({ ...b })).sort((a, b) => a.le - b.le);
  if (sorted.length < 2 || sorted.at(-1)!.le !== Infinity) return NaN;
  for (let i = 1; i < sorted.length; i++) sorted[i].count = Math.max(sorted[i].count, sorted[i - 1].count);
  const total = sorted.at(-1)!.count;
  if (total === 0) return NaN;
  let rank = q * total;
  let b = sorted.findIndex((x, i) => i < sorted.length - 1 && x.count >= rank);
  if (b === -1) b = sorted.length - 1;
  if (b === sorted.length - 1) return sorted[sorted.length - 2].le;
  if (b === 0 && sorted[0].le <= 0) return sorted[0].le;
  let start = 0;
  let count = sorted[b].count;
  if (b > 0) {
    start = sorted[b - 1].le;
    count -= sorted[b - 1].count;
    rank -= sorted[b - 1].count;
  }
  return start + (sorted[b].le - start) * (rank / count);
}
