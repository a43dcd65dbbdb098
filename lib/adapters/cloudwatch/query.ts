/**
 * Flagger's CloudWatch query (`fluxcd/flagger` pkg/metrics/providers/cloudwatch.go): a JSON array
 * of GetMetricData `MetricDataQueries`, each with an `Id` and either an `Expression` or a
 * `MetricStat` (`Metric{Namespace, MetricName, Dimensions}`, `Period`, `Stat`, `Unit`), and
 * `ReturnData`. The value of a check is the newest datapoint of the first returned series.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';

/** Flagger looks back ten metric intervals (`cloudWatchStartDeltaMultiplierOnMetricInterval`). */
const WINDOW_INTERVALS = 10;
/** Periods a window holds at least, so that one complete period is always in it. */
const MIN_WINDOW_PERIODS = 2;
/** The interval of a check that names none (Flagger's default). */
const DEFAULT_INTERVAL_SECONDS = 60;
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
 * The look-back window in seconds, as Flagger's: ten times the check's interval (default 60 s).
 * A query whose period is longer than that would find at most one period, maybe none complete:
 * the window then holds two of its longest period (a `Period` of an expression counts, as does a
 * MetricStat's).
 */
export function windowSeconds(
  queries: readonly MetricDataQuery[],
  intervalSeconds = DEFAULT_INTERVAL_SECONDS,
): number {
  const periods = queries.map((q) => q.MetricStat?.Period ?? q.Period ?? 0);
  return Math.max(WINDOW_INTERVALS * intervalSeconds, MIN_WINDOW_PERIODS * Math.max(...periods));
}
