/**
 * GetMetricData as CloudWatch answers it, over a source of datapoints (the traffic simulator's
 * ALB series, or a test's table). It speaks the wire shape of the AWS API reference: request and
 * response members in PascalCase, timestamps as epoch seconds (AwsJson1_0, which
 * @aws-sdk/client-cloudwatch speaks since it moved off the Query protocol), newest datapoint first.
 *
 * Supported: `MetricStat` queries (exact dimension match) and `Expression`s of arithmetic over
 * other queries' ids and numbers (`100 * (1 - errors / requests)`), evaluated per timestamp; a
 * missing operand drops the timestamp, as CloudWatch metric math does. SEARCH and functions
 * are not: an expression using them is a ValidationError naming it, never a silent zero.
 */

/** One metric, as in the request's `MetricStat.Metric`. */
export interface MetricId {
  Namespace: string;
  MetricName: string;
  Dimensions?: { Name: string; Value: string }[];
}

/** The aggregated datapoints of one metric: epoch seconds → value, one per period. */
export type Datapoints = Map<number, number>;

/** Answers one metric's datapoints for `[start, end)` at `period` seconds with `stat`. */
export type MetricSource = (
  metric: MetricId,
  stat: string,
  period: number,
  start: number,
  end: number,
) => Datapoints;

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
  const series = new Map<string, Datapoints>();
  for (const q of queries) {
    if (!q.Id) throw new CloudWatchFault('ValidationError', 'Id is required');
    if (q.MetricStat) {
      const { Metric, Period, Stat } = q.MetricStat;
      series.set(q.Id, source(Metric, Stat, Period, start, end));
    }
  }
  for (const q of queries) {
    if (q.Expression !== undefined) series.set(q.Id, evaluate(q.Expression, series));
  }
  const results = queries
    .filter((q) => q.ReturnData !== false)
    .map((q) => {
      const points = [...series.get(q.Id)!].sort((a, b) => b[0] - a[0]).slice(0, max);
      return {
        Id: q.Id,
        Label: q.Label ?? q.MetricStat?.Metric.MetricName ?? q.Id,
        Timestamps: points.map((p) => p[0]),
        Values: points.map((p) => p[1]),
        StatusCode: 'Complete',
      };
    });
  return { MetricDataResults: results, Messages: [] };
}

type Token = { kind: 'num'; value: number } | { kind: 'id'; name: string } | { kind: 'op'; op: string };

function tokens(expr: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|([a-z][A-Za-z0-9_]*)|([-+*/()]))/y;
  let pos = 0;
  while (pos < expr.trimEnd().length) {
    re.lastIndex = pos;
    const m = re.exec(expr);
    if (!m) throw new CloudWatchFault('ValidationError', `unsupported expression "${expr}" at ${pos}`);
    if (m[1]) out.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2]) out.push({ kind: 'id', name: m[2] });
    else out.push({ kind: 'op', op: m[3] });
    pos = re.lastIndex;
  }
  return out;
}

/** Arithmetic over series and numbers, per timestamp present in every series operand. */
function evaluate(expr: string, series: ReadonlyMap<string, Datapoints>): Datapoints {
  const ts = tokens(expr);
  let i = 0;
  type V = number | Datapoints;
  const combine = (a: V, b: V, f: (x: number, y: number) => number): V => {
    if (typeof a === 'number' && typeof b === 'number') return f(a, b);
    const keys = typeof a === 'number' ? [...(b as Datapoints).keys()] : [...a.keys()];
    const out: Datapoints = new Map();
    for (const k of keys) {
      const x = typeof a === 'number' ? a : a.get(k);
      const y = typeof b === 'number' ? b : b.get(k);
      if (x !== undefined && y !== undefined) out.set(k, f(x, y));
    }
    return out;
  };
  const primary = (): V => {
    const t = ts[i++];
    if (!t) throw new CloudWatchFault('ValidationError', `incomplete expression "${expr}"`);
    if (t.kind === 'num') return t.value;
    if (t.kind === 'id') {
      const s = series.get(t.name);
      if (!s)
        throw new CloudWatchFault('ValidationError', `expression "${expr}" names unknown id "${t.name}"`);
      return s;
    }
    if (t.op === '(') {
      const v = sum();
      if (ts[i++]?.kind !== 'op') throw new CloudWatchFault('ValidationError', `unbalanced "(" in "${expr}"`);
      return v;
    }
    if (t.op === '-') return combine(0, primary(), (x, y) => x - y);
    throw new CloudWatchFault('ValidationError', `unexpected "${t.op}" in "${expr}"`);
  };
  const product = (): V => {
    let v = primary();
    for (let t = ts[i]; t?.kind === 'op' && (t.op === '*' || t.op === '/'); t = ts[i]) {
      i++;
      v = combine(v, primary(), t.op === '*' ? (x, y) => x * y : (x, y) => x / y);
    }
    return v;
  };
  const sum = (): V => {
    let v = product();
    for (let t = ts[i]; t?.kind === 'op' && (t.op === '+' || t.op === '-'); t = ts[i]) {
      i++;
      v = combine(v, product(), t.op === '+' ? (x, y) => x + y : (x, y) => x - y);
    }
    return v;
  };
  const v = sum();
  if (i !== ts.length) throw new CloudWatchFault('ValidationError', `unexpected input in "${expr}"`);
  if (typeof v === 'number')
    throw new CloudWatchFault('ValidationError', `expression "${expr}" names no series`);
  return v;
}
