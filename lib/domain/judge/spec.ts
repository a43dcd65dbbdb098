/**
 * The judge in the Canary spec: the rules and defaults of its two opt-in fields (their shape is in
 * spec/judge-fields.ts). Without them Flagger's YAML means exactly what it means today:
 *
 * ```yaml
 * analysis:
 *   judge:                      # settings for every compared metric (all optional)
 *     enabled: true             # compare every builtin metric against the primary
 *     confidence: 0.99          # chance that a good canary is not rolled back (all metrics together)
 *                               #   and that a bad one is not promoted (each metric)
 *     advance: unlessFail       # inconclusive below maxWeight still steps the weight (onPass: hold it)
 *     failFast: true            # a judged failure rolls back at once (false: counts one failed check)
 *     inconclusive:
 *       maxSteps: 30            # inconclusive steps that held the weight, before…
 *       outcome: hold           # …hold for a person (default), fail, or proceed (promote without evidence)
 *   metrics:
 *   - name: request-success-rate
 *     threshold: 99             # still a static guard, as in Flagger
 *     compare:
 *       against: primary        # or none (opt this metric out of judge.enabled)
 *       margin: 1               # pass when no more than 1 percentage point worse than the primary
 *       tolerance: 0            # fail when worse than the primary by more than this (pp)
 *   - name: request-duration
 *     compare: { margin: 20 }   # percent slower than the primary; tolerance default 0 %
 * ```
 *
 * Units: request-success-rate compares error rates in percentage points; request-duration compares
 * whole latency distributions, as a factor in percent (20 = 20 % slower). Only the builtin checks
 * can be compared: they read request counts and latency buckets, which a template's single number
 * does not provide.
 */
import { builtinMetric, isCompared } from '../spec/accessors.js';
import type { AnalysisSpec, MetricSpec } from '../spec/schema.js';
import type { CompareOptions } from './types.js';

/** Defaults, in one place. */
export const JUDGE_DEFAULTS = {
  confidence: 0.99,
  advance: 'unlessFail',
  failFast: true,
  maxInconclusiveSteps: 30,
  inconclusiveOutcome: 'hold',
  /** request-success-rate: percentage points of error rate. */
  errorsMargin: 1,
  errorsTolerance: 0,
  /** request-duration: percent slower. */
  latencyMarginPercent: 20,
  latencyTolerancePercent: 0,
} as const;

/** One compared metric, ready for judgeErrors / judgeLatency. */
interface Comparison {
  /** Metric name as written in the spec. */
  name: string;
  kind: 'errors' | 'latency';
  options: CompareOptions;
}

/** The resolved judge configuration of an analysis (defaults applied). */
export interface JudgeConfig {
  advance: 'unlessFail' | 'onPass';
  failFast: boolean;
  inconclusive: { maxSteps: number; outcome: 'hold' | 'fail' | 'proceed' };
  /** Compared metrics in spec order; empty means the judge is off. */
  comparisons: Comparison[];
}

/**
 * An analysis as the judge reads it. The schema (spec/judge-fields.ts) checks the shape of its
 * fields before validation; {@link judgeFindings} checks it again so it can run on its own.
 */
export type JudgedAnalysis = AnalysisSpec;

/** The metrics compared against the primary, with their index in `analysis.metrics`. */
export function comparedMetrics(a: JudgedAnalysis): { m: MetricSpec; i: number }[] {
  return (a.metrics ?? []).map((m, i) => ({ m, i })).filter(({ m }) => isCompared(m, a));
}

/**
 * The judge configuration of a valid analysis (run {@link judgeFindings} first). Each metric's
 * fail side gets (1 − confidence)/k of the error budget, k = number of compared metrics, so that a
 * good canary is rolled back with probability ≤ 1 − confidence over all of them; its pass side gets
 * 1 − confidence (a bad canary must pass the metric it is bad in).
 */
export function judgeConfig(a: JudgedAnalysis): JudgeConfig {
  const judge = a.judge ?? {};
  const compared = comparedMetrics(a);
  const comparisons = compared.map(({ m }): Comparison => {
    const c = m.compare ?? {};
    const conf = c.confidence ?? judge.confidence ?? JUDGE_DEFAULTS.confidence;
    // Confidences are written as decimals (0.99); keep 1 − 0.99 = 0.01 exact.
    const alpha = Number((1 - conf).toPrecision(12));
    const errors = builtinMetric(m) === 'request-success-rate';
    const margin = c.margin ?? (errors ? JUDGE_DEFAULTS.errorsMargin : JUDGE_DEFAULTS.latencyMarginPercent);
    const tolerance =
      c.tolerance ?? (errors ? JUDGE_DEFAULTS.errorsTolerance : JUDGE_DEFAULTS.latencyTolerancePercent);
    return {
      name: m.name,
      kind: errors ? 'errors' : 'latency',
      options: {
        margin: errors ? margin : 1 + margin / 100,
        tolerance: errors ? tolerance : 1 + tolerance / 100,
        alphaFail: alpha / compared.length,
        alphaPass: alpha,
      },
    };
  });
  return {
    advance: judge.advance ?? JUDGE_DEFAULTS.advance,
    failFast: judge.failFast ?? JUDGE_DEFAULTS.failFast,
    inconclusive: {
      maxSteps: judge.inconclusive?.maxSteps ?? JUDGE_DEFAULTS.maxInconclusiveSteps,
      outcome: judge.inconclusive?.outcome ?? JUDGE_DEFAULTS.inconclusiveOutcome,
    },
    comparisons,
  };
}
