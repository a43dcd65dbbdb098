/**
 * The subset of CloudWatch metric math the sandbox evaluates, per timestamp:
 *
 * - arithmetic `+ - * /` and parentheses over numbers, other queries' ids and function results;
 *   a timestamp missing from a series operand is dropped (CloudWatch aligns series that way);
 * - `SEARCH('{Namespace,Dim,...} MetricName="x" Dim="v"', 'Stat', period)` (search.ts): an
 *   array of series, one per matching metric;
 * - `SUM`, `MAX`, `MIN`, `AVG` of an array: one series, per timestamp over the series that have
 *   it (an empty array gives an empty series); of one series: the scalar over its datapoints;
 * - `FILL(series, value)`: every period of the window without a datapoint gets `value`.
 *
 * Any other function, or free text, is a ValidationError naming it, never a silent zero.
 */
import { CloudWatchFault, type Datapoints, type MetricSource } from './get-metric-data.js';
import { searchSeries } from './search.js';

/** One series: its datapoints and the period they are at. */
export interface Series {
  points: Datapoints;
  period: number;
}

/** What an expression or a part of it yields. */
export type MathValue = number | Series | Series[];

/** Where an expression is evaluated: the other queries' values, the source and the window. */
export interface MathContext {
  /** The value of another query's id (evaluated on demand), or undefined when there is none. */
  value: (id: string) => MathValue | undefined;
  source: MetricSource;
  start: number;
  end: number;
  /** The period of the expression's query (its `Period`), for FILL of a series that has none. */
  period: number;
}

type Token =
  | { kind: 'num'; value: number }
  | { kind: 'id'; name: string }
  | { kind: 'fn'; name: string }
  | { kind: 'str'; value: string }
  | { kind: 'op'; op: string };

const fault = (message: string) => new CloudWatchFault('ValidationError', message);

function tokens(expr: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|([a-z][A-Za-z0-9_]*)|([A-Z][A-Z0-9_]*)\s*(?=\()|'([^']*)'|([-+*/(),]))/y;
  let pos = 0;
  while (pos < expr.trimEnd().length) {
    re.lastIndex = pos;
    const m = re.exec(expr);
    if (!m) throw fault(`unsupported expression "${expr}" at ${pos}`);
    if (m[1]) out.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2]) out.push({ kind: 'id', name: m[2] });
    else if (m[3]) out.push({ kind: 'fn', name: m[3] });
    else if (m[4] !== undefined) out.push({ kind: 'str', value: m[4] });
    else out.push({ kind: 'op', op: m[5] });
    pos = re.lastIndex;
  }
  return out;
}

/** Applies `f` per timestamp; series arrays are mapped element by element with a number. */
function combine(a: MathValue, b: MathValue, f: (x: number, y: number) => number, expr: string): MathValue {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  if (Array.isArray(a) && typeof b === 'number') return a.map((s) => combine(s, b, f, expr) as Series);
  if (Array.isArray(b) && typeof a === 'number') return b.map((s) => combine(a, s, f, expr) as Series);
  if (Array.isArray(a) || Array.isArray(b))
    throw fault(`"${expr}" combines an array of series with a series`);
  const keys = typeof a === 'number' ? [...(b as Series).points.keys()] : [...a.points.keys()];
  const period = typeof a === 'number' ? (b as Series).period : a.period;
  const points: Datapoints = new Map();
  for (const k of keys) {
    const x = typeof a === 'number' ? a : a.points.get(k);
    const y = typeof b === 'number' ? b : b.points.get(k);
    if (x !== undefined && y !== undefined) points.set(k, f(x, y));
  }
  return { points, period };
}

const REDUCERS: Readonly<Record<string, (xs: number[]) => number>> = {
  SUM: (xs) => xs.reduce((s, x) => s + x, 0),
  MAX: (xs) => Math.max(...xs),
  MIN: (xs) => Math.min(...xs),
  AVG: (xs) => xs.reduce((s, x) => s + x, 0) / xs.length,
};

/** SUM/MAX/MIN/AVG: per timestamp over an array, or the scalar of one series. */
function reduce(name: string, v: MathValue, ctx: MathContext, expr: string): MathValue {
  const r = REDUCERS[name];
  if (typeof v === 'number') throw fault(`${name} in "${expr}" needs a series or an array of series`);
  if (!Array.isArray(v)) return v.points.size === 0 ? NaN : r([...v.points.values()]);
  const points: Datapoints = new Map();
  const at = new Map<number, number[]>();
  for (const s of v) for (const [t, x] of s.points) at.set(t, [...(at.get(t) ?? []), x]);
  for (const [t, xs] of at) points.set(t, r(xs));
  return { points, period: v[0]?.period ?? ctx.period };
}

/** FILL: the missing periods of the window get `value`. */
function fill(v: MathValue, value: MathValue, ctx: MathContext, expr: string): MathValue {
  if (typeof value !== 'number') throw fault(`FILL in "${expr}" supports a number as its value`);
  if (typeof v === 'number') throw fault(`FILL in "${expr}" needs a series`);
  if (Array.isArray(v)) return v.map((s) => fill(s, value, ctx, expr) as Series);
  const points: Datapoints = new Map(v.points);
  for (let t = Math.ceil(ctx.start / v.period) * v.period; t + v.period <= ctx.end; t += v.period) {
    if (!points.has(t)) points.set(t, value);
  }
  return { points, period: v.period };
}

/** Evaluates `expr` in `ctx`; throws {@link CloudWatchFault} (ValidationError) naming what it cannot. */
export function evaluateMath(expr: string, ctx: MathContext): MathValue {
  const ts = tokens(expr);
  let i = 0;
  const expect = (op: string) => {
    const t = ts[i++];
    if (t?.kind !== 'op' || t.op !== op) throw fault(`expected "${op}" in "${expr}"`);
  };
  const call = (name: string): MathValue => {
    expect('(');
    const args: (MathValue | string)[] = [];
    if (!(ts[i]?.kind === 'op' && (ts[i] as { op: string }).op === ')')) {
      for (;;) {
        const t = ts[i];
        if (t?.kind === 'str') {
          i++;
          args.push(t.value);
        } else args.push(sum());
        if (ts[i]?.kind === 'op' && (ts[i] as { op: string }).op === ',') i++;
        else break;
      }
    }
    expect(')');
    if (name === 'SEARCH') {
      const [query, stat, period] = args;
      if (typeof query !== 'string' || typeof stat !== 'string' || typeof period !== 'number')
        throw fault(`SEARCH in "${expr}" takes a search expression, a statistic and a period`);
      return searchSeries(query, stat, period, ctx);
    }
    const values = args.map((a) => {
      if (typeof a === 'string') throw fault(`${name} in "${expr}" takes no string`);
      return a;
    });
    if (name in REDUCERS && values.length === 1) return reduce(name, values[0], ctx, expr);
    if (name === 'FILL' && values.length === 2) return fill(values[0], values[1], ctx, expr);
    throw fault(`unsupported function ${name} (with ${values.length} arguments) in "${expr}"`);
  };
  const primary = (): MathValue => {
    const t = ts[i++];
    if (!t) throw fault(`incomplete expression "${expr}"`);
    if (t.kind === 'num') return t.value;
    if (t.kind === 'fn') return call(t.name);
    if (t.kind === 'id') {
      const v = ctx.value(t.name);
      if (v === undefined) throw fault(`expression "${expr}" names unknown id "${t.name}"`);
      return v;
    }
    if (t.kind === 'op' && t.op === '(') {
      const v = sum();
      expect(')');
      return v;
    }
    if (t.kind === 'op' && t.op === '-') return combine(0, primary(), (x, y) => x - y, expr);
    throw fault(
      `unexpected ${t.kind === 'str' ? `'${t.value}'` : `"${t.kind === 'op' ? t.op : ''}"`} in "${expr}"`,
    );
  };
  const product = (): MathValue => {
    let v = primary();
    for (let t = ts[i]; t?.kind === 'op' && (t.op === '*' || t.op === '/'); t = ts[i]) {
      i++;
      v = combine(v, primary(), t.op === '*' ? (x, y) => x * y : (x, y) => x / y, expr);
    }
    return v;
  };
  const sum = (): MathValue => {
    let v = product();
    for (let t = ts[i]; t?.kind === 'op' && (t.op === '+' || t.op === '-'); t = ts[i]) {
      i++;
      v = combine(v, product(), t.op === '+' ? (x, y) => x + y : (x, y) => x - y, expr);
    }
    return v;
  };
  const v = sum();
  if (i !== ts.length) throw fault(`unexpected input in "${expr}"`);
  return v;
}
