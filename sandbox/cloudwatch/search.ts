/**
 * CloudWatch's `SEARCH`, the subset the sandbox answers: a schema `{Namespace,Dim1,Dim2}` (metrics
 * of that namespace with exactly those dimensions) followed by `Key="value"` terms, each an exact
 * match of `MetricName` or of a dimension (`Key=value` without quotes too). Free text, operators
 * (`AND`, `OR`, `NOT`) and partial matches are a ValidationError naming the term.
 */
import { CloudWatchFault, type MetricId } from './get-metric-data.js';
import type { MathContext, Series } from './metric-math.js';

interface Search {
  namespace: string;
  dimensions: string[];
  terms: [string, string][];
}

const SCHEMA = /^\s*\{([^}]*)\}/;
const TERM = /\s*([A-Za-z][A-Za-z0-9_]*)=(?:"((?:[^"\\]|\\.)*)"|([^\s"()]+))/y;

function parseSearch(text: string): Search {
  const schema = SCHEMA.exec(text);
  if (!schema) throw new CloudWatchFault('ValidationError', `SEARCH "${text}" needs a {Namespace,…} schema`);
  const [namespace = '', ...dimensions] = schema[1].split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
  const terms: [string, string][] = [];
  let pos = schema[0].length;
  while (pos < text.trimEnd().length) {
    TERM.lastIndex = pos;
    const m = TERM.exec(text);
    if (!m) {
      throw new CloudWatchFault(
        'ValidationError',
        `SEARCH "${text}": unsupported term at ${pos} (the sandbox matches Key="value" terms only)`,
      );
    }
    terms.push([m[1], m[2] !== undefined ? (JSON.parse(`"${m[2]}"`) as string) : m[3]]);
    pos = TERM.lastIndex;
  }
  return { namespace, dimensions, terms };
}

function matches(metric: MetricId, s: Search): boolean {
  const dims = metric.Dimensions ?? [];
  if (metric.Namespace !== s.namespace || dims.length !== s.dimensions.length) return false;
  if (!s.dimensions.every((d) => dims.some((x) => x.Name === d))) return false;
  return s.terms.every(([key, value]) =>
    key === 'MetricName'
      ? metric.MetricName === value
      : dims.some((d) => d.Name === key && d.Value === value),
  );
}

/** The series of every metric of `ctx.source` that `text` matches, at `stat` per `period`. */
export function searchSeries(text: string, stat: string, period: number, ctx: MathContext): Series[] {
  const s = parseSearch(text);
  return (ctx.source.list?.() ?? [])
    .filter((m) => matches(m, s))
    .map((m) => ({ points: ctx.source(m, stat, period, ctx.start, ctx.end), period }));
}
