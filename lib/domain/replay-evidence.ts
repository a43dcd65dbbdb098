/**
 * The judge's evidence across a replayed analysis: one cumulative reading per compared metric
 * per step, accumulated with the judge's own incremental functions, and the verdicts of a step.
 * Pure. Also the canary's share of the recorded requests per step (what the release really
 * routed), from cumulative request counters of both workloads.
 */
import {
  addErrorSnapshot,
  addLatencySnapshot,
  emptyErrorEvidence,
  emptyLatencyEvidence,
  judgeErrorEvidence,
  judgeLatencyEvidence,
  type CountSnapshot,
  type HistogramSnapshot,
  type JudgeConfig,
  type Judgement,
} from './judge/index.js';
import { sameLayout, type Histogram } from './judge/histogram.js';
import type { Counts } from './judge/types.js';
import type { ErrorEvidence } from './judge/errors.js';
import type { LatencyEvidence } from './judge/latency.js';
import type { JudgeReading } from './observations.js';

/** Evidence per compared metric (by name). */
export interface ReplayEvidence {
  errors: Readonly<Record<string, ErrorEvidence>>;
  latency: Readonly<Record<string, LatencyEvidence>>;
  /**
   * The first reading of each metric: later readings are fed as counts since it, so the judge
   * sees counts since the analysis started (docs/analysis.md), not since the workloads started.
   */
  baseline: Readonly<Record<string, JudgeReading>>;
}

/** Evidence before the first step. */
export function emptyReplayEvidence(): ReplayEvidence {
  return { errors: {}, latency: {}, baseline: {} };
}

/** Adds one step's readings; an unavailable or absent reading adds nothing (the judge waits). */
export function addReadings(
  ev: ReplayEvidence,
  config: JudgeConfig,
  readings: Readonly<Record<string, JudgeReading>> | undefined,
): ReplayEvidence {
  const errors = { ...ev.errors };
  const latency = { ...ev.latency };
  const baseline = { ...ev.baseline };
  for (const c of config.comparisons) {
    const r = readings?.[c.name];
    if (!r || r.kind === 'unavailable') continue;
    const base = (baseline[c.name] ??= r);
    if (c.kind === 'errors' && r.kind === 'errors' && base.kind === 'errors')
      errors[c.name] = addErrorSnapshot(
        errors[c.name] ?? emptyErrorEvidence(),
        sinceCounts(r.snapshot, base.snapshot),
      );
    else if (c.kind === 'latency' && r.kind === 'latency' && base.kind === 'latency')
      latency[c.name] = addLatencySnapshot(
        latency[c.name] ?? emptyLatencyEvidence(),
        sinceBuckets(r.snapshot, base.snapshot),
      );
  }
  return { errors, latency, baseline };
}

/** Counts since `base` (a counter that went down shows as negative: the judge warns and skips it). */
function sinceCounts(now: CountSnapshot, base: CountSnapshot): CountSnapshot {
  const minus = (a: Counts, b: Counts): Counts => ({
    requests: a.requests - b.requests,
    errors: a.errors - b.errors,
  });
  return { ...now, canary: minus(now.canary, base.canary), primary: minus(now.primary, base.primary) };
}

/** Bucket counts since `base`, bucket by bucket when the layouts agree (else as read). */
function sinceBuckets(now: HistogramSnapshot, base: HistogramSnapshot): HistogramSnapshot {
  const minus = (a: Histogram, b: Histogram): Histogram =>
    sameLayout(a, b) ? a.map((x, i) => ({ le: x.le, count: x.count - b[i].count })) : a;
  return { ...now, canary: minus(now.canary, base.canary), primary: minus(now.primary, base.primary) };
}

/** The verdict of every compared metric on the evidence so far (spec order). */
export function verdicts(ev: ReplayEvidence, config: JudgeConfig): Judgement[] {
  return config.comparisons.map((c) =>
    c.kind === 'errors'
      ? judgeErrorEvidence(c.name, ev.errors[c.name] ?? emptyErrorEvidence(), c.options)
      : judgeLatencyEvidence(c.name, ev.latency[c.name] ?? emptyLatencyEvidence(), c.options),
  );
}

/** Cumulative requests of both workloads at one instant. */
export interface TrafficReading {
  canary: number;
  primary: number;
}

/**
 * The canary's share (percent, rounded to 0.1) of the requests between two cumulative readings;
 * undefined without both readings, without requests, or when a counter went down (a restart).
 */
export function recordedShare(
  prev: TrafficReading | undefined,
  now: TrafficReading | undefined,
): number | undefined {
  if (!prev || !now) return undefined;
  const c = now.canary - prev.canary;
  const p = now.primary - prev.primary;
  if (c < 0 || p < 0 || c + p <= 0) return undefined;
  return Math.round((1000 * c) / (c + p)) / 10;
}
