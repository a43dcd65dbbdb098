/**
 * The judge's evidence of one compared metric across the steps of an analysis, as the status keeps
 * it: started from a **baseline** reading at the analysis' first step (before the canary gets
 * traffic: only the counters' positions are kept, so nothing from before the analysis — the
 * primary's history, a previous release's canary series — counts), then one reading per step.
 */
import { addErrorSnapshot, emptyErrorEvidence, judgeErrorEvidence, type ErrorEvidence } from './errors.js';
import {
  addLatencySnapshot,
  emptyLatencyEvidence,
  judgeLatencyEvidence,
  type LatencyEvidence,
} from './latency.js';
import type { JudgeReading } from '../observations.js';
import type { Histogram } from './histogram.js';
import type { JudgeConfig } from './spec.js';
import type { CompareOptions, CountSnapshot, HistogramSnapshot, Judgement } from './types.js';

/** A reading of one step: cumulative counts (error ratio) or buckets (latency) of both versions. */
export type Reading =
  { kind: 'errors'; snapshot: CountSnapshot } | { kind: 'latency'; snapshot: HistogramSnapshot };

/**
 * Latency evidence as the status keeps it: the last snapshot's cumulative counts without their
 * bounds (those are `bounds`, plus `+Inf`) — a store has no infinite numbers (DynamoDB refuses them).
 */
type StoredLatency = Omit<LatencyEvidence, 'last'> & {
  lastCounts?: { at?: number; canary: number[]; primary: number[] };
};

/** JSON-serialisable, finite numbers only; kept in the canary's status between steps. */
export type Evidence = { kind: 'errors'; ev: ErrorEvidence } | { kind: 'latency'; ev: StoredLatency };

function stored(ev: LatencyEvidence): Evidence {
  const { last, ...rest } = ev;
  if (last === undefined) return { kind: 'latency', ev: rest };
  const counts = (h: Histogram) => h.map((b) => b.count);
  const lastCounts = {
    ...(last.at !== undefined && { at: last.at }),
    canary: counts(last.canary),
    primary: counts(last.primary),
  };
  return { kind: 'latency', ev: { ...rest, lastCounts } };
}

function opened(ev: StoredLatency): LatencyEvidence {
  const { lastCounts, ...rest } = ev;
  if (lastCounts === undefined) return rest;
  const histogram = (counts: number[]): Histogram =>
    counts.map((count, i) => ({ le: i < ev.bounds.length ? ev.bounds[i] : Infinity, count }));
  const last = {
    ...(lastCounts.at !== undefined && { at: lastCounts.at }),
    canary: histogram(lastCounts.canary),
    primary: histogram(lastCounts.primary),
  };
  return { ...rest, last };
}

/** Evidence that starts at `r`: its counters' positions, no requests counted yet. */
export function baselineEvidence(r: Reading): Evidence {
  if (r.kind === 'errors') return { kind: 'errors', ev: { ...emptyErrorEvidence(), last: r.snapshot } };
  const added = addLatencySnapshot(emptyLatencyEvidence(), r.snapshot);
  // Keep the layout and the position; drop the counts (the loglik is unchanged: no canary share yet).
  return stored({
    ...emptyLatencyEvidence(),
    bounds: added.bounds,
    warnings: added.warnings,
    last: added.last,
  });
}

/** `e` with one more reading; a reading of the other kind starts over from it. */
export function addReading(e: Evidence | undefined, r: Reading): Evidence {
  if (e === undefined || e.kind !== r.kind) return baselineEvidence(r);
  if (e.kind === 'errors' && r.kind === 'errors')
    return { kind: 'errors', ev: addErrorSnapshot(e.ev, r.snapshot) };
  if (e.kind === 'latency' && r.kind === 'latency')
    return stored(addLatencySnapshot(opened(e.ev), r.snapshot));
  return baselineEvidence(r);
}

/** The verdict on the evidence so far. */
export function judgeEvidence(metric: string, e: Evidence, o: CompareOptions): Judgement {
  return e.kind === 'errors'
    ? judgeErrorEvidence(metric, e.ev, o)
    : judgeLatencyEvidence(metric, opened(e.ev), o);
}

/** Evidence of a metric that has had no usable reading yet. */
function emptyEvidence(kind: Evidence['kind']): Evidence {
  return kind === 'errors' ? { kind, ev: emptyErrorEvidence() } : { kind, ev: emptyLatencyEvidence() };
}

/** One step's evidence and verdicts of every compared metric (spec order). */
export interface JudgedReadings {
  evidence: Record<string, Evidence>;
  judgements: Judgement[];
  /** Some compared metric had no reading this step: the step may wait or fail, never advance. */
  unread: boolean;
}

/**
 * Adds one step's readings to the evidence `before` and judges it. A metric without evidence yet
 * takes this reading as its baseline; one without a reading keeps its evidence and cannot pass this
 * step (a failure already established stays a failure).
 */
export function judgeReadings(
  comparisons: JudgeConfig['comparisons'],
  before: Readonly<Record<string, Evidence>>,
  readings: Readonly<Record<string, JudgeReading>> | undefined,
): JudgedReadings {
  const evidence: Record<string, Evidence> = {};
  const judgements: Judgement[] = [];
  let unread = false;
  for (const c of comparisons) {
    const r = readings?.[c.name];
    const previous = before[c.name];
    if (r === undefined || r.kind === 'unavailable') {
      unread = true;
      if (previous) evidence[c.name] = previous;
      const j = judgeEvidence(c.name, previous ?? emptyEvidence(c.kind), c.options);
      judgements.push(withoutReading(j, r?.message ?? 'not read this step'));
      continue;
    }
    const ev = addReading(previous, r);
    evidence[c.name] = ev;
    judgements.push(judgeEvidence(c.name, ev, c.options));
  }
  return { evidence, judgements, unread };
}

/** A verdict on evidence that got no reading this step: it cannot pass this step. */
function withoutReading(j: Judgement, message: string): Judgement {
  const note = `no reading this step (${message})`;
  if (j.verdict === 'fail') return { ...j, warnings: [...j.warnings, note] };
  // The explanation says it; a failure's explanation is about the evidence, so its warnings do.
  return { ...j, verdict: 'inconclusive', explanation: `${j.metric}: inconclusive — ${note}.` };
}
