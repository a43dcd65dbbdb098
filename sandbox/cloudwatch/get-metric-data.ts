/**
 * GetMetricData as CloudWatch answers it, over a source of datapoints (the traffic simulator's
 * ALB series, or a test's table). It speaks the wire shape of the AWS API reference: request and
 * response members in PascalCase, timestamps as epoch seconds (AwsJson1_0, which
 * @aws-sdk/client-cloudwatch speaks since it moved off the Query protocol), newest datapoint first.
 *
 * Supported: `MetricStat` queries (exact dimension match) and `Expression`s of the metric math
 * subset of metric-math.ts (arithmetic, SEARCH, SUM/MAX/MIN/AVG, FILL), evaluated per timestamp;
 * a missing operand drops the timestamp, as CloudWatch metric math does. Other functions are a
 * ValidationError naming them, never a silent zero. Expressions may name each other in any
 * order (a cycle is a ValidationError).
 */
import { evaluateMath, type MathValue, type Series } from './metric-math.js';

/** One metric, as in the request's `MetricStat.Metric`. */
export interface MetricId {
  Namespace: string;
  MetricName: string;
  Dimensions?: { Name: string; Value: string }[];
}

/** The aggregated datapoints of one metric: epoch seconds → value, one per period. */
export type Datapoints = Map<number, number>;

/**
 * Answers one metric's datapoints for `[start, end)` at `period` seconds with `stat`; `list`
 * names the metrics it has, for SEARCH (none when absent).
 */
export type MetricSource = ((
  metric: MetricId,
  stat: string,
  period: number,
  start: number,
  end: number,
) => Datapoints) & { list?: () => MetricId[] };

/** A request CloudWatch refuses (HTTP 400 with the code). */
export class CloudWatchFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface QueryIn {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: MetricId; Period: number; Stat: string; Unit?: string };
  Period?: number;
  Label?: string;
  ReturnData?: boolean;
}

/** The `GetMetricData` response body for a request body. */
export function getMetricData(input: Record<string, unknown>, source: MetricSource): Record<string, unknown> {
  const queries = (input.MetricDataQueries ?? []) as QueryIn[];
  if (queries.length === 0)
    throw new CloudWatchFault('ValidationError', 'MetricDataQueries must not be empty');
  const start = Number(input.StartTime);
  const end = Number(input.EndTime);
  if (!(end > start))
    throw new CloudWatchFault('ValidationError', 'The parameter StartTime must be before EndTime');
  const max = Number(input.MaxDatapoints ?? 100_800);
  const values = new Map<string, MathValue>();
  for (const q of queries) {
    if (!q.Id) throw new CloudWatchFault('ValidationError', 'Id is required');
    if (q.MetricStat) {
      const { Metric, Period, Stat } = q.MetricStat;
      values.set(q.Id, { points: source(Metric, Stat, Period, start, end), period: Period });
    }
  }
  // Expressions may name one another in any order; each is evaluated once, when first needed.
  const expressions = new Map(queries.filter((q) => q.Expression !== undefined).map((q) => [q.Id, q]));
  const evaluating = new Set<string>();
  const value = (id: string): MathValue | undefined => {
    const q = expressions.get(id);
    if (values.has(id) || !q) return values.get(id);
    const expr = q.Expression!;
    if (evaluating.has(id))
      throw new CloudWatchFault('ValidationError', `expression "${expr}" depends on itself`);
    evaluating.add(id);
    const v = evaluateMath(expr, { value, source, start, end, period: q.Period ?? 60 });
    if (typeof v === 'number')
      throw new CloudWatchFault('ValidationError', `expression "${expr}" names no series`);
    values.set(id, v);
    return v;
  };
  for (const id of expressions.keys()) value(id);
  const result = (q: QueryIn, s: Series, label: string) => {
    const points = [...s.points].sort((a, b) => b[0] - a[0]).slice(0, max);
    return {
      Id: q.Id,
      Label: label,
      Timestamps: points.map((p) => p[0]),
      Values: points.map((p) => p[1]),
      StatusCode: 'Complete',
    };
  };
  const results = queries
    .filter((q) => q.ReturnData !== false)
    .flatMap((q) => {
      const v = values.get(q.Id) as Series | Series[];
      const label = q.Label ?? q.MetricStat?.Metric.MetricName ?? q.Id;
      return Array.isArray(v) ? v.map((s, i) => result(q, s, `${label} ${i}`)) : [result(q, v, label)];
    });
  return { MetricDataResults: results, Messages: [] };
}
