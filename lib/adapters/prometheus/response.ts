/**
 * Reads a `/api/v1/query` answer into a {@link QueryResult} (one number) or a {@link VectorResult}
 * (every series). Pure, so every shape is unit-tested.
 *
 * Rules (docs/flagger-compatibility.md#no-data-and-errors): one-series vector or scalar → value; empty
 * vector, NaN and ±Inf → noData; several series → error (upstream silently keeps the last one, which
 * hides a query that does not aggregate); matrix/string → error; HTTP error → error carrying
 * Prometheus's own `error` text.
 */
import type {
  QueryResult,
  RangeResult,
  RangeSeries,
  VectorResult,
  VectorSample,
} from '../../ports/metrics.js';

const NO_DATA = 'no values found';

/** Parses the HTTP status and body text of an instant query; `where` names the server in messages. */
export function parseQueryResponse(status: number, bodyText: string, where: string): QueryResult {
  const data = parseEnvelope(status, bodyText, where);
  if (data.kind === 'error') return data;
  const { resultType, result } = data;
  switch (resultType) {
    case 'vector':
      return fromVector(result, where);
    case 'scalar':
      return fromSample(result, where);
    case 'matrix':
      return {
        kind: 'error',
        message: `${where}: query returned a range vector (matrix); a check needs an instant value`,
      };
    default:
      return {
        kind: 'error',
        message: `${where}: query returned a ${String(resultType)} result; a check needs a number`,
      };
  }
}

/**
 * Parses an instant query's answer into every series it holds ({@link VectorResult}): an empty
 * vector is a vector without samples, a scalar one sample without labels; values keep
 * Prometheus' `NaN` and `±Inf` (the caller judges them); matrix/string results and HTTP errors are
 * errors, as in {@link parseQueryResponse}.
 */
export function parseVectorResponse(status: number, bodyText: string, where: string): VectorResult {
  const data = parseEnvelope(status, bodyText, where);
  if (data.kind === 'error') return data;
  const { resultType, result } = data;
  if (resultType === 'scalar') {
    const value = sampleValue(result);
    return value === undefined
      ? { kind: 'error', message: `${where}: malformed sample in result` }
      : { kind: 'vector', samples: [{ labels: {}, value }] };
  }
  if (resultType !== 'vector') {
    return {
      kind: 'error',
      message: `${where}: query returned a ${String(resultType)} result; expected an instant vector`,
    };
  }
  if (!Array.isArray(result)) return { kind: 'error', message: `${where}: malformed vector result` };
  const samples: VectorSample[] = [];
  for (const series of result as unknown[]) {
    const labels = isRecord(series) ? stringLabels(series.metric) : undefined;
    const value = isRecord(series) ? sampleValue(series.value) : undefined;
    if (labels === undefined || value === undefined) {
      return { kind: 'error', message: `${where}: malformed series in vector result` };
    }
    samples.push({ labels, value });
  }
  return { kind: 'vector', samples };
}

/** A series' labels (`metric`, absent after aggregation without `by`), or undefined when malformed. */
function stringLabels(metric: unknown): Record<string, string> | undefined {
  if (metric === undefined) return {};
  if (!isRecord(metric)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metric)) {
    if (typeof v !== 'string') return undefined;
    out[k] = v;
  }
  return out;
}

/** The number of a `[unixSeconds, "value"]` sample (`NaN`, `+Inf`, `-Inf` included), or undefined. */
function sampleValue(sample: unknown): number | undefined {
  if (!Array.isArray(sample) || sample.length !== 2 || typeof sample[1] !== 'string') return undefined;
  const text = sample[1].trim();
  if (/^[+-]?Inf$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  return text === '' || Number.isNaN(value) ? undefined : value;
}

/** The `data` of a successful answer, or the error an HTTP failure or unexpected body makes. */
function parseEnvelope(
  status: number,
  bodyText: string,
  where: string,
): { kind: 'data'; resultType: unknown; result: unknown } | { kind: 'error'; message: string } {
  const body = parseJson(bodyText);
  if (status < 200 || status >= 300) {
    return {
      kind: 'error',
      message: `${where} query failed: HTTP ${status}${describeError(body, bodyText)}`,
    };
  }
  if (!isRecord(body) || body.status !== 'success' || !isRecord(body.data)) {
    return {
      kind: 'error',
      message: `${where} query failed: unexpected response${describeError(body, bodyText)}`,
    };
  }
  return { kind: 'data', resultType: body.data.resultType, result: body.data.result };
}

function fromVector(result: unknown, where: string): QueryResult {
  if (!Array.isArray(result)) {
    return { kind: 'error', message: `${where}: malformed vector result` };
  }
  if (result.length === 0) {
    return { kind: 'noData', message: `${NO_DATA} (empty result)` };
  }
  if (result.length > 1) {
    return {
      kind: 'error',
      message: `${where}: query returned ${result.length} series; a check needs exactly one (aggregate with sum/avg)`,
    };
  }
  const series: unknown = result[0];
  return fromSample(isRecord(series) ? series.value : undefined, where);
}

/** A sample is `[unixSeconds, "value"]`; Prometheus writes NaN and ±Inf as `NaN`, `+Inf`, `-Inf`. */
function fromSample(sample: unknown, where: string): QueryResult {
  if (!Array.isArray(sample) || sample.length !== 2 || typeof sample[1] !== 'string') {
    return { kind: 'error', message: `${where}: malformed sample in result` };
  }
  const text = sample[1].trim();
  if (/^[+-]?Inf$/.test(text)) {
    return { kind: 'noData', message: `${NO_DATA} (value is ${text})` };
  }
  if (text === 'NaN') {
    return { kind: 'noData', message: `${NO_DATA} (value is NaN)` };
  }
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) {
    return { kind: 'error', message: `${where}: sample value "${text}" is not a number` };
  }
  return { kind: 'value', value };
}

/**
 * Parses the HTTP status and body text of a `/api/v1/query_range` answer: a matrix becomes series
 * of labels and `[epoch ms, value]` points (NaN and ±Inf kept as numbers); an empty matrix is no
 * series; HTTP errors and other shapes are errors, as for {@link parseQueryResponse}.
 */
export function parseRangeResponse(status: number, bodyText: string, where: string): RangeResult {
  const body = parseJson(bodyText);
  if (status < 200 || status >= 300) {
    return {
      kind: 'error',
      message: `${where} range query failed: HTTP ${status}${describeError(body, bodyText)}`,
    };
  }
  if (!isRecord(body) || body.status !== 'success' || !isRecord(body.data)) {
    return {
      kind: 'error',
      message: `${where} range query failed: unexpected response${describeError(body, bodyText)}`,
    };
  }
  const { resultType, result } = body.data;
  if (resultType !== 'matrix' || !Array.isArray(result)) {
    return { kind: 'error', message: `${where}: range query returned a ${String(resultType)} result` };
  }
  const series: RangeSeries[] = [];
  for (const item of result as unknown[]) {
    const s = rangeSeries(item);
    if (!s) return { kind: 'error', message: `${where}: malformed series in matrix result` };
    series.push(s);
  }
  return { kind: 'series', series };
}

function rangeSeries(item: unknown): RangeSeries | undefined {
  if (!isRecord(item) || !isRecord(item.metric) || !Array.isArray(item.values)) return undefined;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(item.metric)) labels[k] = String(v);
  const points: [number, number][] = [];
  for (const p of item.values as unknown[]) {
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'string')
      return undefined;
    const text = p[1].trim();
    const value = /^[+-]?Inf$/.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
    if (text === '' || (Number.isNaN(value) && text !== 'NaN')) return undefined;
    points.push([Math.round(p[0] * 1000), value]);
  }
  return { labels, points };
}

function describeError(body: unknown, bodyText: string): string {
  if (isRecord(body) && typeof body.error === 'string') {
    const type = typeof body.errorType === 'string' ? `${body.errorType}: ` : '';
    return ` ${type}${body.error}`;
  }
  const text = bodyText.trim().replace(/\s+/g, ' ');
  return text ? ` ${text.slice(0, 200)}` : '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
