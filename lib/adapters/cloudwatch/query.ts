/**
 * Flagger's CloudWatch query (`fluxcd/flagger` pkg/metrics/providers/cloudwatch.go): a JSON array
 * of GetMetricData `MetricDataQueries`, each with an `Id` and either an `Expression` or a
 * `MetricStat` (`Metric{Namespace, MetricName, Dimensions}`, `Period`, `Stat`, `Unit`), and
 * `ReturnData`. The value of a check is the newest datapoint of the first returned series.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';

/** Flagger looks back ten metric intervals (`cloudWatchStartDeltaMultiplierOnMetricInterval`). */
const WINDOW_PERIODS = 10;
/** CloudWatch's finest period for standard-resolution metrics, and the default of an expression. */
const DEFAULT_PERIOD_SECONDS = 60;
/** Flagger's MaxDatapoints. */
export const MAX_DATAPOINTS = 20;

/** A query text that is not a MetricDataQueries array; the message says what is wrong. */
export class CloudWatchQueryError extends Error {
  override readonly name: string = 'CloudWatchQueryError';
}

/** Parses a rendered query; throws {@link CloudWatchQueryError} naming the first problem. */
export function parseQueries(text: string): MetricDataQuery[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CloudWatchQueryError(`query is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new CloudWatchQueryError('query must be a non-empty JSON array of MetricDataQueries');
  }
  parsed.forEach((q: unknown, i) => {
    const where = `query[${i}]`;
    if (typeof q !== 'object' || q === null || Array.isArray(q)) {
      throw new CloudWatchQueryError(`${where} must be an object`);
    }
    const o = q as Record<string, unknown>;
    if (typeof o.Id !== 'string' || o.Id === '') throw new CloudWatchQueryError(`${where}.Id is required`);
    if ((o.Expression === undefined) === (o.MetricStat === undefined)) {
      throw new CloudWatchQueryError(`${where} needs exactly one of Expression and MetricStat`);
    }
  });
  return parsed as MetricDataQuery[];
}

/**
 * The look-back window in seconds: ten times the longest period of the queries. Flagger takes ten
 * times the check's interval; a template's periods are what its query is about, and the two are
 * the same in Flagger's examples (`interval: 1m`, `Period: 60`).
 */
export function windowSeconds(queries: readonly MetricDataQuery[]): number {
  const periods = queries.map((q) => q.MetricStat?.Period ?? q.Period ?? DEFAULT_PERIOD_SECONDS);
  return WINDOW_PERIODS * Math.max(DEFAULT_PERIOD_SECONDS, ...periods);
}
