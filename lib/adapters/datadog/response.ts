/**
 * Reads an answer of Datadog's `GET /api/v1/query` (MetricsQueryResponse) into a
 * {@link QueryResult}, as Flagger does: the first point of the first series is the value; no
 * series or no points is no data. A `null` point is no data too (Flagger's Go decoding reads it
 * as 0, which would pass a `max` threshold on a metric that did not report). Pure, so every shape
 * is unit-tested; the caller masks the keys in the text before it gets here.
 */
import type { QueryResult } from '../../ports/metrics.js';

/** How much of an unexpected body a message quotes. */
const QUOTE_CHARS = 200;

/**
 * Parses the HTTP status, body text and rate-limit reset (`X-RateLimit-Reset`, seconds) of a
 * query; `where` names the server in messages.
 */
export function parseDatadogQuery(
  status: number,
  text: string,
  where: string,
  rateLimitReset?: string | null,
): QueryResult {
  const body = parseJson(text);
  if (status !== 200) return { kind: 'error', message: httpError(status, body, text, where, rateLimitReset) };
  if (!isRecord(body)) return { kind: 'error', message: `${where}: malformed answer: ${quote(text)}` };
  if (body.status === 'error') {
    return { kind: 'error', message: `${where}: query failed: ${errorText(body) ?? quote(text)}` };
  }
  if (!Array.isArray(body.series)) return { kind: 'error', message: `${where}: answer has no series list` };
  const first: unknown = body.series[0];
  if (first === undefined) return { kind: 'noData', message: `${where}: no values found (no series)` };
  const points = isRecord(first) ? first.pointlist : undefined;
  if (!Array.isArray(points)) return { kind: 'error', message: `${where}: malformed series (no pointlist)` };
  const point: unknown = points[0];
  if (point === undefined) return { kind: 'noData', message: `${where}: no values found (empty pointlist)` };
  if (!Array.isArray(point) || point.length < 2) {
    return { kind: 'error', message: `${where}: malformed point ${quote(JSON.stringify(point))}` };
  }
  const value: unknown = point[1];
  if (value === null) return { kind: 'noData', message: `${where}: no values found (null point)` };
  if (typeof value !== 'number') return { kind: 'error', message: `${where}: point value is not a number` };
  return { kind: 'value', value };
}

/** The message of a non-200 answer: Datadog's `errors` list, with advice for keys and rate limits. */
function httpError(
  status: number,
  body: unknown,
  text: string,
  where: string,
  reset: string | null | undefined,
): string {
  const said = errorText(body) ?? quote(text);
  switch (status) {
    case 401:
    case 403:
      return `${where} refused the keys (HTTP ${status}: ${said}); check datadog_api_key and datadog_application_key in the template's secret`;
    case 429:
      return `${where} rate-limited the query (HTTP 429: ${said})${reset ? `; the limit resets in ${reset}s` : ''}`;
    default:
      return `${where} answered HTTP ${status}: ${said}`;
  }
}

/** Datadog's `errors: string[]` or `error: string`, joined; undefined when there is none. */
function errorText(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  if (Array.isArray(body.errors) && body.errors.length > 0) return quote(body.errors.map(String).join('; '));
  return typeof body.error === 'string' && body.error ? quote(body.error) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function quote(text: string): string {
  const t = text.trim();
  return t.length > QUOTE_CHARS ? `${t.slice(0, QUOTE_CHARS)}…` : t || '(empty body)';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
