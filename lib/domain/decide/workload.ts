/**
 * The one readiness rule (Flagger's `isDeploymentReady`,
 * docs/flagger-compatibility.md#progress-deadline-and-readiness), pure: the adapters map a Deployment
 * (or a DaemonSet) onto a {@link WorkloadSnapshot} and production calls this — there is no other copy.
 * The first matching rule wins; `retriable` is false when stuck: the workload's own
 * `ProgressDeadlineExceeded`, or `Available=False/MinimumReplicasUnavailable` older than the Canary's
 * `progressDeadlineSeconds` while a rollout is in progress. Unlike upstream, the "primary scaled to
 * zero" guard works (upstream compares two pointers).
 */
import type { Readiness } from '../observations.js';
import type { TargetKind } from '../spec/catalog.js';

/**
 * The fields of a workload that readiness depends on. A DaemonSet maps its scheduled counts onto
 * replicas: desiredNumberScheduled → replicas, updatedNumberScheduled → updated (and status)
 * replicas, numberAvailable → available; it has no conditions.
 */
export interface WorkloadSnapshot {
  /** Named in messages; default Deployment. */
  kind?: TargetKind;
  name: string;
  generation: number;
  observedGeneration: number;
  /** Desired replicas (`spec.replicas`); undefined when the API left it unset. */
  replicas?: number;
  updatedReplicas: number;
  /** `status.replicas`. */
  statusReplicas: number;
  availableReplicas: number;
  conditions: readonly { type: string; status: string; reason?: string; lastUpdateTime?: number }[];
}

export interface ReadinessOptions {
  /** primaryReadyThreshold / canaryReadyThreshold, percent of updated replicas that must be available. */
  readyThresholdPercent: number;
  /** The Canary's progressDeadlineSeconds. */
  progressDeadlineSeconds: number;
  now: number;
  /** The primary must not be scaled to zero (it would serve nothing). */
  isPrimary: boolean;
}

const WAITING = 'waiting for rollout to finish';

/** Readiness as data; never throws. */
export function assessReadiness(w: WorkloadSnapshot, o: ReadinessOptions): Readiness {
  const kind = (w.kind ?? 'Deployment').toLowerCase();
  if (w.generation > w.observedGeneration)
    return {
      ready: false,
      retriable: true,
      message: `${WAITING}: observed ${kind} generation less than desired generation`,
    };
  const progressing = w.conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return {
      ready: false,
      retriable: false,
      message: `${kind} "${w.name}" exceeded its progress deadline`,
    };
  if (o.isPrimary && w.replicas === 0)
    return {
      ready: false,
      retriable: true,
      message: `halt advancement ${w.name}: primary ${kind} is scaled to zero`,
    };
  const waiting = waitingFor(w, o.readyThresholdPercent);
  if (waiting === undefined) return { ready: true };
  const retriable = progressing === undefined || !stuckUnavailable(w, o);
  const message = retriable
    ? `${WAITING}: ${waiting}`
    : `${kind} does not have minimum availability for more than ${o.progressDeadlineSeconds}s (${waiting})`;
  return { ready: false, retriable, message };
}

function waitingFor(w: WorkloadSnapshot, thresholdPercent: number): string | undefined {
  const needed = Math.floor((w.updatedReplicas * thresholdPercent) / 100);
  if (w.replicas !== undefined && w.updatedReplicas < w.replicas)
    return `${w.updatedReplicas} out of ${w.replicas} new replicas have been updated`;
  if (w.statusReplicas > w.updatedReplicas)
    return `${w.statusReplicas - w.updatedReplicas} old replicas are pending termination`;
  if (w.availableReplicas < needed)
    return `${w.availableReplicas} of ${needed} (readyThreshold ${thresholdPercent}%) updated replicas are available`;
  return undefined;
}

function stuckUnavailable(w: WorkloadSnapshot, o: ReadinessOptions): boolean {
  const available = w.conditions.find((c) => c.type === 'Available');
  if (available?.status !== 'False' || available.reason !== 'MinimumReplicasUnavailable') return false;
  if (available.lastUpdateTime === undefined) return false;
  return available.lastUpdateTime + o.progressDeadlineSeconds * 1000 < o.now;
}
