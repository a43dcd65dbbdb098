/**
 * Validation of the judge's fields (docs/analysis.md "Turning it on"): shape and semantic findings
 * with field paths, as spec/validate.ts reports them. Apart from judge/spec.ts (defaults and the
 * configuration a step uses) so that the step's bundle carries no zod.
 */
import type { z } from 'zod';
import { builtinMetric, type Provider } from '../spec/accessors.js';
import { formatPath, humanMessage, valueAt, type RawIssue } from '../spec/errors.js';
import { analysisJudge, metricCompare } from '../spec/judge-fields.js';
import type { MetricSpec } from '../spec/schema.js';
import { uncomparableReason } from './providers.js';
import { comparedMetrics, JUDGE_DEFAULTS, type JudgedAnalysis } from './spec.js';

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

/**
 * Shape and semantic findings of the judge fields of one analysis; with `provider` (the Canary's
 * own `spec.provider`), also the comparisons that provider's metrics cannot make.
 */
export function judgeFindings(a: JudgedAnalysis, provider?: Provider): JudgeFindings {
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
  if (provider !== undefined) checkProvider(a, provider, f);
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

/** A compared builtin the provider's metrics cannot compare: an error at the metric (or its compare). */
function checkProvider(a: JudgedAnalysis, provider: Provider, f: JudgeFindings): void {
  for (const { m, i } of comparedMetrics(a)) {
    const builtin = builtinMetric(m);
    const why = builtin && uncomparableReason(provider, builtin);
    if (!why) continue;
    const explicit = m.compare !== undefined;
    f.errors.push({
      path: explicit ? [...A, 'metrics', i, 'compare'] : [...A, 'metrics', i],
      message: `"${m.name}" cannot be compared against the primary with provider ${provider}: ${why}; set compare: { against: none } on it (its static bound still applies)`,
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

/** `path: message` lines, for tests and messages. */
export function formatFindings(issues: readonly RawIssue[]): string[] {
  return issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}
