/**
 * Deployment readiness (Flagger spec §2.5, `isDeploymentReady`), pure. The first matching rule
 * wins; `retriable` is false when stuck: the Deployment's own `ProgressDeadlineExceeded`, or the
 * `Available=False/MinimumReplicasUnavailable` condition older than the Canary's
 * `progressDeadlineSeconds`.
 */
import type { V1Deployment, V1DeploymentCondition } from '@kubernetes/client-node';
import type { Readiness } from '../../ports/workloads.js';

/** Inputs besides the Deployment. */
export interface ReadinessOptions {
  /** Percent of updated replicas that must be available (`primaryReadyThreshold` / `canaryReadyThreshold`). */
  thresholdPercent: number;
  /** The Canary's `progressDeadlineSeconds`. */
  deadlineSeconds: number;
  now: Date;
}

const WAITING = 'waiting for rollout to finish';

/** Readiness of `d` as data; never throws. */
export function deploymentReadiness(d: V1Deployment, o: ReadinessOptions): Readiness {
  const status = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return {
      ready: false,
      retriable: true,
      message: `${WAITING}: observed deployment generation less than desired generation`,
    };
  }
  const progressing = condition(d, 'Progressing');
  const retriable = progressing === undefined || !stuckUnavailable(d, o);
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      ready: false,
      retriable: false,
      message: `deployment "${d.metadata?.name}" exceeded its progress deadline`,
    };
  }
  const waiting = waitingMessage(d, o.thresholdPercent);
  if (waiting === undefined) return { ready: true };
  const message = retriable
    ? `${WAITING}: ${waiting}`
    : `deployment does not have minimum availability for more than ${o.deadlineSeconds}s (${waiting})`;
  return { ready: false, retriable, message };
}

function waitingMessage(d: V1Deployment, thresholdPercent: number): string | undefined {
  const want = d.spec?.replicas;
  const s = d.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const needed = Math.floor((updated * thresholdPercent) / 100);
  if (want !== undefined && updated < want) return `${updated} out of ${want} new replicas have been updated`;
  if ((s.replicas ?? 0) > updated)
    return `${(s.replicas ?? 0) - updated} old replicas are pending termination`;
  if ((s.availableReplicas ?? 0) < needed) {
    return `${s.availableReplicas ?? 0} of ${needed} (readyThreshold ${thresholdPercent}%) updated replicas are available`;
  }
  return undefined;
}

function stuckUnavailable(d: V1Deployment, o: ReadinessOptions): boolean {
  const available = condition(d, 'Available');
  if (available?.status !== 'False' || available.reason !== 'MinimumReplicasUnavailable') return false;
  if (available.lastUpdateTime === undefined) return false;
  const since = new Date(available.lastUpdateTime).getTime();
  return since + o.deadlineSeconds * 1000 < o.now.getTime();
}

function condition(d: V1Deployment, type: string): V1DeploymentCondition | undefined {
  return d.status?.conditions?.find((c) => c.type === type);
}
