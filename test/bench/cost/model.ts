/**
 * The cost model of docs/cost.md, computed from the request counts `npm run bench` measures
 * (requests.ts) and the list prices below. Pure: counts and prices in, dollars out.
 */
import type { Cost, ReleaseCosts, SweepCost } from './requests.js';

/** AWS list prices, us-east-1, on-demand (DynamoDB's halved in November 2024), in dollars. */
export const PRICES = {
  /** DynamoDB on-demand, per write request unit (1 KB of the larger of old and new item). */
  wru: 0.625 / 1e6,
  /** DynamoDB on-demand, per read request unit (4 KB strongly consistent; Query: per 4 KB read). */
  rru: 0.125 / 1e6,
  /** Lambda, per request. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda arm64, per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** SQS standard, per request (send, receive and delete are one each). */
  sqsRequest: 0.4 / 1e6,
  /** CloudWatch Logs, per GB ingested. */
  logsGb: 0.5,
} as const;

/** What the model assumes beyond the counts (docs/cost.md says why). */
export const ASSUMPTIONS = {
  /** The functions' memory (serverless.yml `memorySize`). */
  memoryGb: 0.5,
  /** Billed duration of one step and of one sweep in AWS (API server and DynamoDB round trips). */
  stepSeconds: 0.4,
  sweepSeconds: 0.3,
  dispatchSeconds: 0.2,
  /** Log bytes per invocation: Lambda's START/END/REPORT lines and ours. */
  logBytes: 600,
  /** SQS requests per message: send, receive, delete. */
  sqsPerMessage: 3,
  minutesPerMonth: 30 * 24 * 60,
  /** The reference fleet (issue 15): one cluster, 100 canaries in 10 namespaces, 1-minute interval. */
  canaries: 100,
  namespaces: 10,
  reconcileMinutes: 10,
} as const;

/** Dollars of DynamoDB for `cost`'s calls, writes billed on `bytes` (the row or the history record). */
export function dynamoDollars(cost: Cost, bytes: { row: number; history: number }): number {
  const kb = (n: number) => Math.max(1, Math.ceil(n / 1024));
  const d = cost.dynamodb;
  const writes =
    (d.UpdateItem ?? 0) * kb(bytes.row) + (d.PutItem ?? 0) * kb(bytes.history) + (d.DeleteItem ?? 0);
  // GetItem of the row: strongly consistent, per started 4 KB; a Query reads at least one unit.
  const reads = (d.GetItem ?? 0) * Math.ceil(bytes.row / 4096) + (d.Query ?? 0);
  return writes * PRICES.wru + reads * PRICES.rru;
}

/** Lambda (one invocation of `seconds`), its SQS message and its log lines. */
export function invocationDollars(seconds: number, viaQueue = true): number {
  const a = ASSUMPTIONS;
  return (
    PRICES.lambdaRequest +
    a.memoryGb * seconds * PRICES.lambdaGbSecond +
    (viaQueue ? a.sqsPerMessage * PRICES.sqsRequest : 0) +
    (a.logBytes / 2 ** 30) * PRICES.logsGb
  );
}

export interface CostModel {
  /** The sweep's and dispatch's share of one idle canary, per month (one sweep per cluster-minute). */
  sweepShareMonth: number;
  /** One idle canary's full reconcile steps, per month, at `reconcileMinutes`. */
  reconcileMonth: (reconcileMinutes: number) => number;
  /** One idle canary for a month at the default reconcile period: both of the above. */
  idleCanaryMonth: number;
  /** One release, from the step that sees the new revision to Succeeded. */
  release: number;
  /** The whole reference fleet idle for a month (what a cluster costs with nothing releasing). */
  idleClusterMonth: number;
  /** Kubernetes requests per idle canary-minute: sweep LISTs shared plus the reconcile step. */
  idleRequestsPerCanaryMinute: number;
}

/**
 * `release` measured with C configs; `sweep` one quiet minute of `sweep.canaries` idle canaries in
 * one namespace: its LISTs are per namespace (they do not grow with the canaries), its DynamoDB
 * calls, the sweep invocation and dispatch are per cluster.
 */
export function costModel(release: ReleaseCosts, sweep: SweepCost): CostModel {
  const a = ASSUMPTIONS;
  const perClusterMinute =
    dynamoDollars(sweep.minute, release.bytes) +
    invocationDollars(a.sweepSeconds) +
    invocationDollars(a.dispatchSeconds, false);
  const sweepShareMonth = (perClusterMinute * a.minutesPerMonth) / a.canaries;
  const reconcileStep = dynamoDollars(release.reconcile, release.bytes) + invocationDollars(a.stepSeconds);
  const reconcileMonth = (minutes: number) => (reconcileStep * a.minutesPerMonth) / minutes;
  const idleCanaryMonth = sweepShareMonth + reconcileMonth(a.reconcileMinutes);
  return {
    sweepShareMonth,
    reconcileMonth,
    idleCanaryMonth,
    release:
      dynamoDollars(release.release, release.bytes) +
      invocationDollars(a.stepSeconds) * release.release.steps,
    idleClusterMonth: idleCanaryMonth * a.canaries,
    idleRequestsPerCanaryMinute:
      (sweep.minute.kubernetes * a.namespaces) / a.canaries +
      release.reconcile.kubernetes / a.reconcileMinutes,
  };
}

/**
 * A cluster's quiet minute (test/bench/cost/gitops.ts) for a month: its DynamoDB calls, the sweep
 * invocations and messages it ran and dispatch's invocation. Kubernetes requests are free (the API
 * server is the cluster's own).
 */
export function quietMonth(minute: Cost & { sweeps: number }, bytes: ReleaseCosts['bytes']): number {
  const a = ASSUMPTIONS;
  const perMinute =
    dynamoDollars(minute, bytes) +
    minute.sweeps * invocationDollars(a.sweepSeconds) +
    invocationDollars(a.dispatchSeconds, false);
  return perMinute * a.minutesPerMonth;
}
