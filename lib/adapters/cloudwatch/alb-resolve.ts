/**
 * The `alb` builtins resolved for one canary: the canary Service's (`<apex>-canary`) target group,
 * read from its TargetGroupBinding through the step's cluster handle, and its CloudWatch queries
 * (alb-builtins.ts) as a MetricTemplate of type `cloudwatch` synthesized here, so the step runs
 * them as any CloudWatch template (template-metrics.ts). A missing or ambiguous binding is an
 * error naming the Service: the check fails, it never passes.
 */
import { durationMs } from '../../domain/spec/accessors.js';
import type {
  BuiltinCheck,
  CheckCluster,
  CheckContext,
  CheckDefinition,
  ResolvedCheck,
  WorkloadSide,
} from '../../ports/metrics.js';
import { CheckResolutionError } from '../prometheus/errors.js';
import {
  albCheckQuery,
  TargetGroupArnError,
  targetGroupMetrics,
  type TargetGroupMetrics,
} from './alb-builtins.js';

/** The alb builtin `check` named by `def`, on `side` (the canary by default). */
export async function resolveAlbBuiltin(
  check: BuiltinCheck,
  def: CheckDefinition,
  canary: CheckContext,
  cluster: CheckCluster | undefined,
  signal: AbortSignal,
  side: WorkloadSide = 'canary',
): Promise<ResolvedCheck> {
  const at = `metric "${def.name}"`;
  const { namespace } = canary;
  const service = `${canary.service}-${side}`;
  if (!cluster) {
    throw new CheckResolutionError(
      'BuiltinNotAvailable',
      `${at}: the alb builtins read Service ${service}'s TargetGroupBinding, which needs the cluster (a step has it; a replay does not)`,
    );
  }
  const arns = await cluster.targetGroups(namespace, service, signal);
  if (arns.length !== 1) {
    const why =
      arns.length === 0
        ? `no TargetGroupBinding binds Service ${namespace}/${service} (the AWS Load Balancer Controller creates one per Service behind an alb Ingress)`
        : `Service ${namespace}/${service} is bound to ${arns.length} target groups (${arns.join(', ')}); the builtin reads one, use a MetricTemplate of type cloudwatch`;
    throw new CheckResolutionError(
      'NoTargetGroup',
      `${at}: ${why}; see kubectl get targetgroupbindings -n ${namespace}`,
    );
  }
  const metrics = bindingMetrics(arns[0], `${at}: the TargetGroupBinding of Service ${namespace}/${service}`);
  const intervalSeconds = Math.round((durationMs(def.interval) ?? 60_000) / 1000);
  const query = albCheckQuery(check, metrics.targetGroup, intervalSeconds);
  const template = {
    name: `${canary.name}-${check}`,
    namespace,
    // The ALB's metrics are in the target group's region (its ARN's), not necessarily ours.
    provider: { type: 'cloudwatch' as const, region: metrics.region },
    query,
    label: `builtin ${check} of ${metrics.targetGroup}`,
  };
  return { query, source: 'builtin', builtin: check, template };
}

/** {@link targetGroupMetrics} of a binding's ARN; a malformed one is an error starting with `where`. */
function bindingMetrics(arn: string, where: string): TargetGroupMetrics {
  try {
    return targetGroupMetrics(arn);
  } catch (e) {
    if (!(e instanceof TargetGroupArnError)) throw e;
    throw new CheckResolutionError('InvalidInput', `${where} has spec.targetGroupARN ${e.message}`, {
      cause: e,
    });
  }
}
