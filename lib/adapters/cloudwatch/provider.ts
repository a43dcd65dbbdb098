/**
 * A MetricsProvider over Amazon CloudWatch GetMetricData (the `cloudwatch` MetricTemplate
 * provider, and the builtin checks of the `alb` routing provider). It calls AWS with the step
 * function's role (or the cluster's assumed role): `cloudwatch:GetMetricData` is the only action.
 *
 * As Flagger does: the window is ten check intervals back from now (query.ts), at most 20
 * datapoints, and the value
 * is the newest datapoint of the first returned series. No series, or a series without
 * datapoints, is "no data" (Flagger's ErrNoValuesFound), never a value: a check with no data
 * fails, so nothing is promoted on missing metrics. AWS errors (throttling after the SDK's
 * retries, access denied) are `error` answers naming the region and the AWS error code; they
 * carry no credentials (the SDK's errors hold none, and only name and message are kept).
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { MetricsProvider, QueryResult } from '../../ports/metrics.js';
import { CloudWatchQueryError, MAX_DATAPOINTS, parseQueries, windowSeconds } from './query.js';

/** How a provider reaches CloudWatch. */
export interface CloudWatchOptions {
  /** The client of one region (credentials and endpoint already set). */
  client: Pick<CloudWatchClient, 'send'>;
  region: string;
  /** Names the source in answers (`template test/alb-errors`, `builtin alb`). */
  label: string;
  /** The clock (epoch ms): the window ends now. */
  now: () => number;
  /** The check's interval: the window is ten of them (query.ts); default 60 s. */
  intervalSeconds?: number;
}

const NO_RANGE = 'CloudWatch templates answer the present only (no range queries)';
const NO_VECTOR = 'CloudWatch templates yield one number (no vector queries)';

/** A provider answering Flagger-format CloudWatch queries. */
export function cloudWatchProvider(options: CloudWatchOptions): MetricsProvider {
  const where = `${options.label}: CloudWatch ${options.region}`;
  return {
    query: (q, signal) => runQuery(options, where, q, signal),
    queryRange: () => Promise.resolve({ kind: 'error', message: `${where}: ${NO_RANGE}` }),
    queryVector: () => Promise.resolve({ kind: 'error', message: `${where}: ${NO_VECTOR}` }),
    async isOnline(signal) {
      // Flagger: an empty query is a 400 when the role may call GetMetricData, a 403 when not.
      try {
        await getMetricData(options, [], 60, signal);
        return true;
      } catch (e) {
        if (signal.aborted) throw e;
        return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 400;
      }
    },
  };
}

async function runQuery(
  options: CloudWatchOptions,
  where: string,
  text: string,
  signal: AbortSignal,
): Promise<QueryResult> {
  let queries: MetricDataQuery[];
  try {
    queries = parseQueries(text);
  } catch (e) {
    if (!(e instanceof CloudWatchQueryError)) throw e;
    return { kind: 'error', message: `${where}: ${e.message}` };
  }
  let results: MetricDataResult[];
  try {
    results = await getMetricData(options, queries, windowSeconds(queries, options.intervalSeconds), signal);
  } catch (e) {
    if (signal.aborted) throw e;
    return { kind: 'error', message: `${where}: GetMetricData failed: ${awsError(e)}` };
  }
  return firstValue(where, results);
}

/** The newest datapoint of the first series (Flagger's `MetricDataResults[0].Values[0]`). */
function firstValue(where: string, results: readonly MetricDataResult[]): QueryResult {
  const first = results[0];
  if (!first) return { kind: 'noData', message: `${where}: GetMetricData returned no series` };
  if (first.StatusCode === 'InternalError' || first.StatusCode === 'Forbidden') {
    const why = (first.Messages ?? []).map((m) => `${m.Code}: ${m.Value}`).join('; ');
    return {
      kind: 'error',
      message: `${where}: series "${first.Id}" ${first.StatusCode}${why ? ` (${why})` : ''}`,
    };
  }
  const values = first.Values ?? [];
  const times = first.Timestamps ?? [];
  if (values.length === 0) {
    return { kind: 'noData', message: `${where}: series "${first.Id}" has no datapoints in the window` };
  }
  // Newest first by default (ScanBy TimestampDescending); read the timestamps rather than trust it.
  let newest = 0;
  for (let i = 1; i < values.length; i++) {
    if ((times[i]?.getTime() ?? 0) > (times[newest]?.getTime() ?? 0)) newest = i;
  }
  return { kind: 'value', value: values[newest] };
}

async function getMetricData(
  options: CloudWatchOptions,
  queries: MetricDataQuery[],
  window: number,
  signal: AbortSignal,
): Promise<MetricDataResult[]> {
  const end = Math.floor(options.now() / 1000);
  const results: MetricDataResult[] = [];
  let token: string | undefined;
  do {
    const out = await options.client.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: new Date((end - window) * 1000),
        EndTime: new Date(end * 1000),
        MaxDatapoints: MAX_DATAPOINTS,
        NextToken: token,
      }),
      { abortSignal: signal },
    );
    mergeResults(results, out.MetricDataResults ?? []);
    token = out.NextToken;
  } while (token);
  return results;
}

/** Pages of one GetMetricData call: a series continued on the next page keeps its place. */
function mergeResults(into: MetricDataResult[], page: readonly MetricDataResult[]): void {
  for (const r of page) {
    const seen = into.find((x) => x.Id === r.Id);
    if (!seen) into.push({ ...r, Values: [...(r.Values ?? [])], Timestamps: [...(r.Timestamps ?? [])] });
    else {
      seen.Values!.push(...(r.Values ?? []));
      seen.Timestamps!.push(...(r.Timestamps ?? []));
    }
  }
}

/** `Code: message` of an AWS error; only name and message, never the request (no credentials). */
function awsError(e: unknown): string {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  return `${err.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${err.message ?? String(e)}`;
}
