/**
 * Replay a past release (issue 16 item 5): what a Canary spec's analysis would have decided over
 * a window that already happened, from Prometheus range queries evaluated at the spec's
 * `analysis.interval` — the instants its steps would have run at.
 *
 * I/O only; the decisions are lib/domain/replay.ts's. One range query per static check, with the
 * query a step would run (the check resolver and its template rendering, as gather.ts); for each
 * metric compared against the primary, range queries of both workloads' raw cumulative counters
 * (the judge's queries); and the request counters of both workloads for the canary's recorded
 * share. Every query goes to the one server of `deps.metrics`, templates' own addresses included.
 */
import type { QueryOutcome } from '../domain/evaluate.js';
import type { Judgement } from '../domain/judge/index.js';
import type { JudgeReading } from '../domain/observations.js';
import {
  replayAnalysis,
  staticMetrics,
  type ReplayObservation,
  type ReplayResult,
} from '../domain/replay.js';
import * as spec from '../domain/spec/accessors.js';
import type { Canary } from '../domain/spec/schema.js';
import type {
  CheckContext,
  CheckQueryResolver,
  MetricsProvider,
  QueryRange,
  RangeResult,
} from '../ports/metrics.js';
import { ValidationError } from './errors.js';
import { checkContext, checkDefinition } from './gather.js';
import { judgeReadingsOverRange, trafficReadings, type Lookup } from './replay-readings.js';
import { judgeComparisons } from './judge-readings.js';

/** Prometheus refuses range queries of more points per series than this. */
const MAX_POINTS = 11_000;

export interface ReplayDeps {
  /** The server every query goes to. */
  metrics: MetricsProvider;
  /** Resolves the static checks' queries and the judge's counter queries. */
  resolver: CheckQueryResolver;
}

export interface ReplayRequest {
  canary: Canary;
  provider: spec.Provider;
  /** Epoch ms: the first step's instant, and the end of the window (inclusive). */
  from: number;
  to: number;
  /** `{{ cluster }}` and the cluster's label matchers. */
  cluster?: { name: string; labels?: Readonly<Record<string, string>> };
}

/** The replay, with what it ran. */
export interface ReplayReport extends ReplayResult {
  window: QueryRange;
  /** Each query run, by what it is for (`request-success-rate`, `judge request-duration canary`…). */
  queries: Record<string, string>;
  /** Things a reader must know (a template's own address not used, a query that failed). */
  warnings: string[];
}

/** Replays `req.canary`'s analysis over the window; throws ValidationError for an unusable window. */
export async function replayRelease(
  deps: ReplayDeps,
  req: ReplayRequest,
  signal: AbortSignal,
): Promise<ReplayReport> {
  const window = windowOf(req);
  const instants = Array.from(
    { length: Math.floor((window.end - window.start) / (window.stepSeconds * 1000)) + 1 },
    (_, k) => window.start + k * window.stepSeconds * 1000,
  );
  const context = checkContext(req.canary, req.provider, req.cluster ?? { name: '' });
  const queries: Record<string, string> = {};
  const warnings: string[] = [];
  const cache = new Map<string, Promise<RangeResult>>();
  const run: Lookup = (label, q) => {
    queries[label] = q;
    if (!cache.has(q)) cache.set(q, deps.metrics.queryRange(q, window, signal));
    return cache.get(q)!;
  };
  const [checks, judge, traffic] = await Promise.all([
    staticOutcomes(deps, req.canary, context, run, instants, warnings, signal),
    judgeReadings(deps.resolver, req.canary, context, run, instants, signal),
    trafficReadings(deps.resolver, context, run),
  ]);
  const observations: ReplayObservation[] = instants.map((at) => {
    const share = traffic?.(at);
    return {
      at,
      metrics: checks.outcomes(at),
      ...(judge?.has(at) && { judge: judge.get(at) }),
      ...(share && { traffic: share }),
    };
  });
  const result = replayAnalysis({
    canary: req.canary,
    provider: req.provider,
    resolved: checks.resolved,
    observations,
  });
  for (const j of result.steps.flatMap((s) => s.judgements)) collectWarnings(j, warnings);
  warnings.push(...unavailableReadings(judge, result.steps.at(-1)?.at));
  return { ...result, window, queries, warnings };
}

/** The steps' instants as a range: `from`, every analysis interval, ≤ `to`. */
function windowOf(req: ReplayRequest): QueryRange {
  const stepSeconds = spec.intervalSeconds(req.canary);
  if (!(req.to >= req.from))
    throw new ValidationError(`the window ends before it starts (${iso(req.from)} > ${iso(req.to)})`);
  const steps = Math.floor((req.to - req.from) / (stepSeconds * 1000));
  if (steps + 1 > MAX_POINTS)
    throw new ValidationError(
      `the window holds ${steps + 1} steps of ${stepSeconds}s; Prometheus answers at most ${MAX_POINTS} points per series: shorten it`,
    );
  return { start: req.from, end: req.from + steps * stepSeconds * 1000, stepSeconds };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The static checks' outcomes per instant, and the query each ran. */
async function staticOutcomes(
  deps: ReplayDeps,
  canary: Canary,
  context: CheckContext,
  run: Lookup,
  instants: readonly number[],
  warnings: string[],
  signal: AbortSignal,
): Promise<{
  outcomes: (at: number) => Record<string, QueryOutcome>;
  resolved: Record<string, { query: string; builtin?: 'request-success-rate' | 'request-duration' }>;
}> {
  const metrics = staticMetrics(canary);
  const perMetric = await Promise.all(
    metrics.map(async (m) => {
      try {
        const r = await deps.resolver.resolve(checkDefinition(m), context, signal);
        if (r.template)
          warnings.push(
            `${m.name}: MetricTemplate ${r.template.namespace}/${r.template.name} names ${r.template.provider.type === 'prometheus' ? r.template.provider.address : 'CloudWatch'}; the replay queried the --prometheus server instead`,
          );
        const answer = await run(m.name, r.query);
        return {
          m,
          resolved: { query: r.query, builtin: r.builtin },
          at: outcomesByInstant(answer, instants),
        };
      } catch (e) {
        if (signal.aborted) throw e;
        const failed: QueryOutcome = { kind: 'error', message: (e as Error).message };
        return { m, resolved: undefined, at: () => failed };
      }
    }),
  );
  return {
    outcomes: (at) => Object.fromEntries(perMetric.map((p) => [p.m.name, p.at(at)])),
    resolved: Object.fromEntries(perMetric.flatMap((p) => (p.resolved ? [[p.m.name, p.resolved]] : []))),
  };
}

/**
 * What an instant query at each instant would have answered (response.ts's rules): one series'
 * value; no series or NaN/±Inf → noData; several series → error; a failed query → error.
 */
export function outcomesByInstant(r: RangeResult, instants: readonly number[]): (at: number) => QueryOutcome {
  if (r.kind === 'error') return () => ({ kind: 'error', message: r.message });
  const byInstant = new Map<number, number[]>(instants.map((t) => [t, []]));
  for (const s of r.series) for (const [t, v] of s.points) byInstant.get(t)?.push(v);
  return (at) => {
    const values = byInstant.get(at) ?? [];
    if (values.length === 0) return { kind: 'noData', message: 'no values found (empty result)' };
    if (values.length > 1)
      return {
        kind: 'error',
        message: `query returned ${values.length} series; a check needs exactly one (aggregate with sum/avg)`,
      };
    const v = values[0];
    if (Number.isNaN(v)) return { kind: 'noData', message: 'no values found (value is NaN)' };
    if (!Number.isFinite(v))
      return { kind: 'noData', message: `no values found (value is ${v > 0 ? '+Inf' : '-Inf'})` };
    return { kind: 'value', value: v };
  };
}

/** The compared metrics' readings per instant, or undefined when nothing is compared. */
async function judgeReadings(
  resolver: CheckQueryResolver,
  canary: Canary,
  context: CheckContext,
  run: Lookup,
  instants: readonly number[],
  signal: AbortSignal,
): Promise<Map<number, Record<string, JudgeReading>> | undefined> {
  const comparisons = judgeComparisons(canary);
  if (comparisons.length === 0) return undefined;
  return judgeReadingsOverRange(resolver, context, comparisons, run, instants, signal);
}

/** One line per metric and reason: `request-duration: no judge reading at 3 steps from …: why`. */
function unavailableReadings(
  judge: Map<number, Record<string, JudgeReading>> | undefined,
  last: number | undefined,
): string[] {
  const seen = new Map<string, { first: number; count: number }>();
  for (const [at, readings] of judge ?? []) {
    if (last === undefined || at > last) continue;
    for (const [name, r] of Object.entries(readings)) {
      if (r.kind !== 'unavailable') continue;
      const key = `${name}: ${r.message}`;
      const s = seen.get(key) ?? { first: at, count: 0 };
      seen.set(key, { ...s, count: s.count + 1 });
    }
  }
  return [...seen].map(([key, s]) => {
    const at = new Date(s.first).toISOString();
    const [name, why] = [key.slice(0, key.indexOf(': ')), key.slice(key.indexOf(': ') + 2)];
    return `${name}: no judge reading at ${s.count} step(s) from ${at}: ${why}`;
  });
}

function collectWarnings(j: Judgement, warnings: string[]): void {
  for (const w of j.warnings) {
    const line = `${j.metric}: ${w}`;
    if (!warnings.includes(line)) warnings.push(line);
  }
}
