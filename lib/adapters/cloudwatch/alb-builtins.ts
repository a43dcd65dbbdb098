/**
 * The builtin checks of the `alb` routing provider as CloudWatch GetMetricData queries
 * (docs/analysis.md, "The ALB's checks per target group"). Pure: same input, same text.
 *
 * The AWS Load Balancer Controller registers each Service behind the Ingress in a target group;
 * CloudWatch reports `AWS/ApplicationELB` metrics per target group with the dimensions
 * `TargetGroup` (the resource part of the target group ARN) and `LoadBalancer`. The
 * `LoadBalancer` value is not needed: a `SEARCH` over the schema
 * `{AWS/ApplicationELB,LoadBalancer,TargetGroup}` filtered by `TargetGroup` finds it, so the step
 * needs `cloudwatch:GetMetricData` only. A target group belongs to one ALB; should a search find
 * several series, counts are summed (`SUM`) and the latency is the worst one (`MAX`).
 *
 * - success rate: `100 * (1 - FILL(errors, 0) / requests)` over `RequestCount` and
 *   `HTTPCode_Target_5XX_Count` (`Sum`); the ALB publishes no 5XX datapoint in a minute without
 *   errors, hence FILL. A minute without requests has no datapoint: no data, a failed check.
 * - duration: `TargetResponseTime` (seconds) at `p99`, times 1000: milliseconds.
 */
import type { BuiltinCheck } from '../../ports/metrics.js';

/** CloudWatch's ALB metrics have one-minute resolution: the shortest period worth asking for. */
const ALB_RESOLUTION_SECONDS = 60;

/**
 * A target group ARN: `arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>`.
 * Names are letters, digits and hyphens (at most 32), ids hexadecimal: nothing that could close a
 * quoted SEARCH term.
 */
const TARGET_GROUP_ARN =
  /^arn:aws(?:-[a-z]+)*:elasticloadbalancing:([a-z0-9-]+):\d{12}:(targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16})$/;

/** A `spec.targetGroupARN` that is not a target group ARN. */
export class TargetGroupArnError extends Error {
  override readonly name: string = 'TargetGroupArnError';
}

/** Where a target group's metrics are: its region and its `TargetGroup` dimension value. */
export interface TargetGroupMetrics {
  region: string;
  /** `targetgroup/<name>/<id>`. */
  targetGroup: string;
}

/** The region and `TargetGroup` dimension of an ARN; throws {@link TargetGroupArnError}. */
export function targetGroupMetrics(arn: string): TargetGroupMetrics {
  const m = TARGET_GROUP_ARN.exec(arn);
  if (!m) {
    throw new TargetGroupArnError(
      `"${arn}" is not a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)`,
    );
  }
  return { region: m[1], targetGroup: m[2] };
}

/** The period of a check: its interval rounded up to whole minutes (at least one). */
export function albPeriodSeconds(intervalSeconds: number): number {
  const minutes = Math.max(1, Math.ceil(intervalSeconds / ALB_RESOLUTION_SECONDS));
  return minutes * ALB_RESOLUTION_SECONDS;
}

/** `SEARCH` of one ALB metric of one target group, at `stat` per `period`. */
function search(metric: string, targetGroup: string, stat: string, period: number): string {
  const terms = `{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName="${metric}" TargetGroup="${targetGroup}"`;
  return `SEARCH('${terms}', '${stat}', ${period})`;
}

/** One expression query; only the last one of a check is returned. */
const expression = (id: string, text: string, period: number, returnData: boolean) => ({
  Id: id,
  Expression: text,
  Period: period,
  ReturnData: returnData,
});

/**
 * The MetricDataQueries (JSON) of `check` for the target group `targetGroup`, with periods of
 * {@link albPeriodSeconds}(`intervalSeconds`). The first returned series is the check's value:
 * a percentage for `request-success-rate`, milliseconds for `request-duration`.
 */
export function albCheckQuery(check: BuiltinCheck, targetGroup: string, intervalSeconds: number): string {
  const p = albPeriodSeconds(intervalSeconds);
  const queries =
    check === 'request-success-rate'
      ? [
          expression('requests', `SUM(${search('RequestCount', targetGroup, 'Sum', p)})`, p, false),
          expression(
            'errors',
            `SUM(${search('HTTPCode_Target_5XX_Count', targetGroup, 'Sum', p)})`,
            p,
            false,
          ),
          expression('rate', '100 * (1 - FILL(errors, 0) / requests)', p, true),
        ]
      : [
          expression('p99', `MAX(${search('TargetResponseTime', targetGroup, 'p99', p)})`, p, false),
          expression('ms', 'p99 * 1000', p, true),
        ];
  return JSON.stringify(queries);
}
