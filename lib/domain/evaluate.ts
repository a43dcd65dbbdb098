/**
 * Metric evaluation (docs/flagger-compatibility.md#no-data-and-errors), pure: a metric spec plus the
 * outcome of its query gives a CheckResult. "No data" is a value (STYLE.md habit 8): an empty result, a
 * NaN sample and a query error all yield a non-passing verdict, which decide() counts as a failed check
 * — as Flagger does since 2022 for NaN (#1095); in 2019 NaN silently passed.
 */
import type { CheckResult } from './check.js';
import { builtinMetric, metricBounds } from './spec/accessors.js';
import type { BuiltinMetric } from './spec/catalog.js';
import type { MetricSpec } from './spec/schema.js';

/** The outcome of one instant query (same shape as the metrics port's `QueryResult`). */
export type QueryOutcome =
  { kind: 'value'; value: number } | { kind: 'noData'; message: string } | { kind: 'error'; message: string };

/**
 * The spec's bounds (accessor `metricBounds`), re-read when the caller overrides the builtin:
 * builtin checks read their threshold differently (a minimum in percent, a maximum in ms).
 */
function bounds(metric: MetricSpec, builtin: BuiltinMetric | undefined): { min?: number; max?: number } {
  const b = metricBounds(metric);
  if (builtin === builtinMetric(metric) || metric.thresholdRange || metric.threshold === undefined) return b;
  return builtin === 'request-success-rate' ? { min: metric.threshold } : { max: metric.threshold };
}

function formatValue(v: number, builtin: BuiltinMetric | undefined): string {
  if (builtin === 'request-success-rate') return `${round(v)}%`;
  if (builtin === 'request-duration') return `${round(v)}ms`;
  return round(v);
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** Options that the caller knows better than the spec (the resolved query, an explicit builtin). */
export interface EvaluateOptions {
  /** The query text that was run (for the history record). */
  query?: string;
  /** Overrides the spec's builtin (accessor `builtinMetric`), e.g. when the resolver knows better. */
  builtin?: BuiltinMetric;
}

/**
 * Evaluates one metric: `pass` iff the value lies within its bounds (inclusive); `noData` for an
 * empty or NaN result; `error` when the query failed. Builtin success rate: `threshold` is a
 * minimum (percent); builtin duration: a maximum (ms, the adapter converts); custom: a maximum, or
 * `thresholdRange {min, max}` for any metric. Bounds and builtins come from the spec accessors
 * (`metricBounds`, `builtinMetric`); a metric with neither threshold nor range has no bounds.
 */
export function evaluateMetric(
  metric: MetricSpec,
  outcome: QueryOutcome,
  opts: EvaluateOptions = {},
): CheckResult {
  const builtin = opts.builtin ?? builtinMetric(metric);
  const { min, max } = bounds(metric, builtin);
  const base = {
    name: metric.name,
    kind: 'metric' as const,
    ...(min !== undefined && { min }),
    ...(max !== undefined && { max }),
    ...(opts.query !== undefined && { query: opts.query }),
  };
  if (outcome.kind === 'error') {
    return {
      ...base,
      verdict: 'error',
      explanation: `${metric.name}: metrics query failed: ${outcome.message}`,
    };
  }
  if (outcome.kind === 'noData' || Number.isNaN(outcome.value)) {
    const why = outcome.kind === 'noData' ? outcome.message : 'the query returned NaN';
    return {
      ...base,
      verdict: 'noData',
      explanation: `${metric.name}: no values found (${why}); is the canary receiving traffic?`,
    };
  }
  return { ...base, value: outcome.value, ...judge(metric.name, outcome.value, min, max, builtin) };
}

/** Verdict and explanation of a measured value against its bounds (inclusive). */
function judge(
  name: string,
  v: number,
  min: number | undefined,
  max: number | undefined,
  builtin: BuiltinMetric | undefined,
): Pick<CheckResult, 'verdict' | 'explanation'> {
  const shown = formatValue(v, builtin);
  if (min !== undefined && v < min) {
    return { verdict: 'fail', explanation: `${name} ${shown} < ${formatValue(min, builtin)} minimum` };
  }
  if (max !== undefined && v > max) {
    return { verdict: 'fail', explanation: `${name} ${shown} > ${formatValue(max, builtin)} maximum` };
  }
  return { verdict: 'pass', explanation: `${name} ${shown} ${describeBounds(min, max, builtin)}` };
}

function describeBounds(
  min: number | undefined,
  max: number | undefined,
  builtin: BuiltinMetric | undefined,
): string {
  if (min !== undefined && max !== undefined)
    return `within [${formatValue(min, builtin)}, ${formatValue(max, builtin)}]`;
  if (min !== undefined) return `≥ ${formatValue(min, builtin)} minimum`;
  if (max !== undefined) return `≤ ${formatValue(max, builtin)} maximum`;
  return 'has no bounds';
}
