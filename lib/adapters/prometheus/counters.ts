/**
 * The judge's raw-counter queries (judge-queries.ts) behind the {@link CounterQueries} port: a
 * canary's check context turned into the queries' input.
 */
import type { CheckContext, CounterQueries, Side } from '../../ports/metrics.js';
import { judgeBucketQuery, judgeCountQueries, type JudgeQueryInput } from './judge-queries.js';
import type { IstioDurationUnit } from './observers.js';

function input(c: CheckContext, istioDurationUnit: IstioDurationUnit | undefined): JudgeQueryInput {
  return {
    provider: c.provider,
    namespace: c.namespace,
    target: c.target,
    service: c.service,
    ingress: c.ingress,
    route: c.route,
    clusterLabels: c.clusterLabels,
    istioDurationUnit,
  };
}

/** Counter queries for the cluster's Istio latency unit (default milliseconds). */
export function prometheusCounterQueries(istioDurationUnit?: IstioDurationUnit): CounterQueries {
  return {
    counts: (c: CheckContext, side: Side) => judgeCountQueries(input(c, istioDurationUnit), side),
    buckets: (c: CheckContext, side: Side) => judgeBucketQuery(input(c, istioDurationUnit), side),
  };
}
