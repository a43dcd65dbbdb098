/**
 * Reads what the canary-vs-primary judge compares (lib/domain/judge, docs/analysis.md#in-a-step):
 * for each compared metric, the **cumulative** raw counters of the canary and of the primary, read
 * together (the queries of one reading run concurrently) and stamped with the step's `now`.
 *
 * "No data" is a value: a side without series yet (a fresh canary before its first request)
 * has zero counts; a query error or an unusable answer makes that metric `unavailable` with a
 * message naming the side, and the other metrics are still read.
 */
import type { Counts } from '../domain/judge/types.js';
import { histogramProblem, sameLayout, type Bucket, type Histogram } from '../domain/judge/histogram.js';
import { judgeConfig } from '../domain/judge/index.js';
import type { JudgeReading } from '../domain/observations.js';
import * as spec from '../domain/spec/accessors.js';
import type { Canary } from '../domain/spec/schema.js';
import type {
  CheckContext,
  CheckQueryResolver,
  JudgeComparison,
  JudgeSideQueries,
  MetricsProvider,
  MetricTemplate,
  VectorResult,
  WorkloadSide,
} from '../ports/metrics.js';

/** What reading the judge's counters needs; gather.ts's `CheckDeps` satisfies it. */
export interface JudgeReadingDeps {
  resolver: Pick<CheckQueryResolver, 'judgeQueries'>;
  /** The metrics server of the builtin checks (`template` undefined). */
  metricsFor(template: MetricTemplate | undefined): MetricsProvider;
}

/** Thrown inside one reading to make it `unavailable`; never escapes this module. */
class Unavailable extends Error {
  override readonly name = 'Unavailable';
}

const SIDES: readonly WorkloadSide[] = ['canary', 'primary'];

/** One side's queries, with how messages name it (`canary podinfo`, `primary podinfo-primary`). */
type Labelled<K extends JudgeSideQueries['kind'] = JudgeSideQueries['kind']> = Extract<
  JudgeSideQueries,
  { kind: K }
> & { label: string };

/** The metrics the judge compares (spec order), as the query builder needs them. */
export function judgeComparisons(canary: Canary): JudgeComparison[] {
  return judgeConfig(spec.analysis(canary)).comparisons.map((c) => ({
    name: c.name,
    kind: c.kind,
    // The legacy Istio alias names the seconds histogram (adapters/prometheus/queries.ts builtinAliases).
    ...(c.name === 'istio_request_duration_seconds_bucket' && { istioDurationUnit: 'seconds' as const }),
  }));
}

/**
 * The readings of `comparisons` (spec order) at `now`, by metric name. Rejects only when `signal`
 * aborts.
 */
export async function readJudgeReadings(
  deps: JudgeReadingDeps,
  context: CheckContext,
  comparisons: readonly JudgeComparison[],
  now: number,
  signal: AbortSignal,
): Promise<Record<string, JudgeReading>> {
  const metrics = deps.metricsFor(undefined);
  const out: Record<string, JudgeReading> = {};
  for (const c of comparisons) {
    try {
      const [canary, primary] = SIDES.map((side) => {
        const q = deps.resolver.judgeQueries(c, context, side);
        return { ...q, label: `${side} ${q.workload}` };
      });
      out[c.name] = await readOne(metrics, canary, primary, now, signal);
    } catch (e) {
      if (signal.aborted) throw e;
      out[c.name] = { kind: 'unavailable', message: (e as Error).message };
    }
  }
  return out;
}

async function readOne(
  metrics: MetricsProvider,
  canary: Labelled,
  primary: Labelled,
  now: number,
  signal: AbortSignal,
): Promise<JudgeReading> {
  if (canary.kind === 'errors' && primary.kind === 'errors') {
    const [c, p] = await Promise.all([
      readCounts(metrics, canary, signal),
      readCounts(metrics, primary, signal),
    ]);
    return { kind: 'errors', snapshot: { at: now, canary: c, primary: p } };
  }
  if (canary.kind === 'latency' && primary.kind === 'latency') {
    const [c, p] = await Promise.all([
      readBuckets(metrics, canary, signal),
      readBuckets(metrics, primary, signal),
    ]);
    const both = alignHistograms(c, p, canary.label, primary.label);
    return { kind: 'latency', snapshot: { at: now, ...both } };
  }
  throw new Unavailable('the canary and primary queries are of different kinds');
}

/** Requests and errors (requests − ok, at least 0) of one side; no series yet counts 0. */
async function readCounts(
  metrics: MetricsProvider,
  q: Labelled<'errors'>,
  signal: AbortSignal,
): Promise<Counts> {
  const [requests, ok] = await Promise.all([
    metrics.queryVector(q.requests, signal),
    metrics.queryVector(q.ok, signal),
  ]);
  const total = countOf(requests, `${q.label} requests`);
  const good = countOf(ok, `${q.label} successful requests`);
  return { requests: total, errors: Math.max(0, total - good) };
}

/** The sum of a counter's samples; an empty vector is 0. */
function countOf(r: VectorResult, what: string): number {
  if (r.kind === 'error') throw new Unavailable(`${what}: ${r.message}`);
  const value = r.samples.reduce((sum, s) => sum + s.value, 0);
  if (!Number.isFinite(value) || value < 0) throw new Unavailable(`${what}: ${value} is not a count`);
  return value;
}

/** The side's cumulative buckets sorted by bound (ms); [] when it has no series yet. */
async function readBuckets(
  metrics: MetricsProvider,
  q: Labelled<'latency'>,
  signal: AbortSignal,
): Promise<Bucket[]> {
  const r = await metrics.queryVector(q.buckets, signal);
  if (r.kind === 'error') throw new Unavailable(`${q.label} latency buckets: ${r.message}`);
  const byBound = new Map<number, number>();
  for (const s of r.samples) {
    const le = parseLe(s.labels.le);
    if (le === undefined) {
      throw new Unavailable(
        `${q.label} latency buckets: a series has le=${JSON.stringify(s.labels.le ?? null)}, expected a number or "+Inf"`,
      );
    }
    const bound = toMs(le, q.scale);
    byBound.set(bound, (byBound.get(bound) ?? 0) + s.value);
  }
  return [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** Prometheus' `le`: a float in Go's syntax or `+Inf`; undefined otherwise. */
function parseLe(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '+Inf' || t === 'Inf') return Infinity;
  const n = t === '' ? NaN : Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** A bound in ms; rounded to 12 significant digits so `0.0005 s × 1000` is exactly 0.5. */
function toMs(le: number, scale: number): number {
  if (scale === 1 || le === Infinity) return le;
  return Number((le * scale).toPrecision(12));
}

/**
 * Both histograms with one layout: a side without buckets yet takes the other's bounds with zero
 * counts; differing bounds, or a layout the judge cannot read, make the reading unavailable.
 */
function alignHistograms(
  canary: Bucket[],
  primary: Bucket[],
  canaryLabel: string,
  primaryLabel: string,
): { canary: Histogram; primary: Histogram } {
  if (canary.length === 0 && primary.length === 0) {
    throw new Unavailable('no latency buckets yet for either workload');
  }
  const zero = (h: Bucket[]) => h.map((b) => ({ le: b.le, count: 0 }));
  const c = canary.length === 0 ? zero(primary) : canary;
  const p = primary.length === 0 ? zero(canary) : primary;
  for (const [h, label] of [
    [c, canaryLabel],
    [p, primaryLabel],
  ] as const) {
    const problem = histogramProblem(h);
    if (problem) throw new Unavailable(`${label} latency buckets: ${problem}`);
  }
  if (!sameLayout(c, p)) {
    throw new Unavailable(
      `the latency buckets differ: ${canaryLabel} has le=${bounds(c)}, ${primaryLabel} has le=${bounds(p)}`,
    );
  }
  return { canary: c, primary: p };
}

function bounds(h: Histogram): string {
  return `[${h.map((b) => (b.le === Infinity ? '+Inf' : String(b.le))).join(', ')}]`;
}
