/**
 * The judge's inputs and outputs. Inputs are **cumulative** counts since the analysis started,
 * one snapshot per analysis step, for the canary and the primary over the same window; the judge
 * works on the increments between consecutive snapshots. Outputs are verdicts a person can read.
 */
import type { Histogram } from './histogram.js';

/** pass: the canary is not worse than the primary by the margin; fail: it is worse beyond the tolerance. */
export type JudgeVerdict = 'pass' | 'fail' | 'inconclusive';

/** Request and error counts of one version (cumulative since the analysis started). */
export interface Counts {
  requests: number;
  errors: number;
}

/** Cumulative counts of both versions at one step; `at` (epoch ms) lets the judge turn requests into time. */
export interface CountSnapshot {
  at?: number;
  canary: Counts;
  primary: Counts;
}

/** Cumulative latency histograms (same bucket layout) of both versions at one step. */
export interface HistogramSnapshot {
  at?: number;
  canary: Histogram;
  primary: Histogram;
}

/**
 * How a metric is compared (natural units of its effect, see {@link Judgement.effect}).
 * Error ratios: `tolerance` and `margin` in percentage points of error rate.
 * Latency: ratios of the canary's latency to the primary's (1.0 = same, 1.2 = 20 % slower).
 */
export interface CompareOptions {
  /** Fail when the canary is worse than this, with confidence (errors: pp, e.g. 0; latency: ratio, e.g. 1). */
  tolerance: number;
  /** Pass when the canary is, with confidence, no worse than this (errors: pp, e.g. 1; latency: ratio, e.g. 1.2). */
  margin: number;
  /** Chance of failing a canary that is no worse than `tolerance` (one-sided, over all looks). */
  alphaFail: number;
  /** Chance of passing a canary that is worse than `margin` (one-sided, over all looks). */
  alphaPass: number;
}

/** What the judge saw of one version. */
interface ArmSummary {
  requests: number;
  /** Error ratios only. */
  errors?: number;
  /** Error ratios only: errors / requests, in percent. */
  errorRatePercent?: number;
  /** Latency only: quantiles interpolated as `histogram_quantile` does, ms. */
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
}

/** The effect of the canary relative to the primary, with an anytime-valid confidence interval. */
interface EffectBound {
  /** `pp`: canary error rate − primary error rate, percentage points; `ratio`: canary latency ÷ primary latency. */
  unit: 'pp' | 'ratio';
  estimate: number;
  /** −Infinity (pp) or 0 (ratio) when nothing is known yet. */
  lower: number;
  /** +Infinity when nothing is known yet. */
  upper: number;
  /** Coverage of [lower, upper], valid at every step simultaneously (1 − alphaFail − alphaPass). */
  confidence: number;
}

/** The verdict on one compared metric at one step. */
export interface Judgement {
  /** Metric name as written in the spec. */
  metric: string;
  kind: 'errors' | 'latency';
  verdict: JudgeVerdict;
  canary: ArmSummary;
  primary: ArmSummary;
  effect: EffectBound;
  /**
   * Error ratios only: the canary's error rate as a multiple of the primary's (the quantity the
   * sequential test is about), with the same anytime-valid bounds; 0 … ∞ when unknown.
   */
  rateRatio?: { estimate: number; lower: number; upper: number };
  /** In effect units (pp or ratio). */
  tolerance: number;
  margin: number;
  /** One sentence a person can read. */
  explanation: string;
  /**
   * Inconclusive only: about how many more canary requests a verdict needs if the canary keeps
   * behaving as it has so far (an extrapolation, not a promise).
   */
  moreCanaryRequests?: number;
  /** Inconclusive only, when snapshots carry `at`: the same in seconds at the latest canary request rate. */
  moreSeconds?: number;
  /** The smallest regression (effect units) the data at hand would already have detected. */
  detectable?: number;
  /** Data problems (negative increments, mismatched buckets…), one line each. */
  warnings: string[];
}
