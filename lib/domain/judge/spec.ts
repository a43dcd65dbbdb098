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
import type { z } from 'zod';
import { formatPath, humanMessage, valueAt, type RawIssue } from '../spec/errors.js';
import { builtinMetric } from '../spec/accessors.js';
import { analysisJudge, metricCompare } from '../spec/judge-fields.js';
import type { AnalysisSpec, MetricSpec } from '../spec/schema.js';
import type { CompareOptions } from './types.js';

/** Defaults, in one place. */
const JUDGE_DEFAULTS = {
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

/** Findings with field paths (`spec.analysis.metrics[1].compare.margin`), as spec/validate.ts reports them. */
export interface JudgeFindings {
  errors: RawIssue[];
  warnings: RawIssue[];
}

const A = ['spec', 'analysis'] as const;

function shapeIssues(schema: z.ZodType, value: unknown, path: readonly (string | number)[]): RawIssue[] {
  if (value === undefined) return [];
  const r = schema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => ({
    path: [...path, ...i.path.map((s) => (typeof s === 'number' ? s : String(s)))],
    message: humanMessage(i, valueAt(value, i.path)),
  }));
}

/** Shape and semantic findings of the judge fields of one analysis. */
export function judgeFindings(a: JudgedAnalysis): JudgeFindings {
  const f: JudgeFindings = { errors: [], warnings: [] };
  f.errors.push(...shapeIssues(analysisJudge, a.judge, [...A, 'judge']));
  (a.metrics ?? []).forEach((m, i) =>
    f.errors.push(...shapeIssues(metricCompare, m.compare, [...A, 'metrics', i, 'compare'])),
  );
  if (f.errors.length > 0) return f;
  const judge = a.judge ?? {};
  (a.metrics ?? []).forEach((m, i) => checkComparison(m, i, f));
  const compared = comparedMetrics(a).length > 0;
  if (compared) checkStrategy(a, f);
  if (compared && judge.inconclusive?.outcome === 'proceed') {
    f.warnings.push({
      path: [...A, 'judge', 'inconclusive', 'outcome'],
      message: 'proceed promotes a canary the judge could not vouch for once inconclusive steps run out',
    });
  }
  if (!compared && judge.enabled !== undefined) {
    f.warnings.push({
      path: [...A, 'judge'],
      message:
        'no metric is compared against the primary (enabled is false, or no builtin metric), so the judge is off',
    });
  }
  return f;
}

function checkComparison(m: MetricSpec, i: number, f: JudgeFindings): void {
  const compare = m.compare;
  const at = [...A, 'metrics', i, 'compare'] as const;
  if (compare === undefined || compare.against === 'none') return;
  const builtin = builtinMetric(m);
  if (builtin === undefined) {
    f.errors.push({
      path: [...at],
      message:
        'only the builtin request-success-rate and request-duration checks can be compared against the primary ' +
        '(they read request counts and latency buckets); remove compare or use a builtin metric',
    });
    return;
  }
  const errors = builtin === 'request-success-rate';
  const margin =
    compare.margin ?? (errors ? JUDGE_DEFAULTS.errorsMargin : JUDGE_DEFAULTS.latencyMarginPercent);
  const tolerance =
    compare.tolerance ?? (errors ? JUDGE_DEFAULTS.errorsTolerance : JUDGE_DEFAULTS.latencyTolerancePercent);
  if (errors && margin > 100) {
    f.errors.push({
      path: [...at, 'margin'],
      message: `expected percentage points ≤ 100, got number ${margin}`,
    });
  }
  if (!(margin > tolerance)) {
    f.errors.push({
      path: [...at, 'margin'],
      message: `expected a margin greater than the tolerance (${tolerance}), got number ${margin}: the judge decides between the two`,
    });
  }
}

function checkStrategy(a: JudgedAnalysis, f: JudgeFindings): void {
  const why =
    (a.match?.length ?? 0) > 0
      ? 'A/B testing (match) sends chosen requests, not a share of all of them'
      : a.mirror === true
        ? 'mirrored traffic is a copy, not a share'
        : (a.iterations ?? 0) > 0 && (a.stepWeight ?? 0) === 0 && (a.stepWeights?.length ?? 0) === 0
          ? 'blue/green sends the canary no production traffic to compare'
          : undefined;
  if (why) {
    f.errors.push({
      path: [...A, 'judge'],
      message: `comparing against the primary needs weighted canary traffic (stepWeight or stepWeights): ${why}`,
    });
  }
}

/** The metrics compared against the primary, with their index in `analysis.metrics`. */
function comparedMetrics(a: JudgedAnalysis): { m: MetricSpec; i: number }[] {
  const judge = a.judge ?? {};
  return (a.metrics ?? [])
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => {
      const c = m.compare;
      if (builtinMetric(m) === undefined) return false;
      if (c?.against === 'none') return false;
      return c !== undefined || judge.enabled === true;
    });
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

/** `path: message` lines, for tests and messages. */
export function formatFindings(issues: readonly RawIssue[]): string[] {
  return issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}
