/**
 * Flagger's Deployment readiness algorithm (flagger-spec.md §2.5), pure, for the adapter that
 * observes workloads: it turns a Deployment's spec/status into the {@link Readiness} decide() reads.
 * Unlike upstream, the "primary scaled to zero" guard works (upstream compared two pointers, §2.9).
 */
import type { Readiness } from '../observations.js';

/** The fields of a Deployment (or similar) that readiness depends on. */
export interface WorkloadSnapshot {
  name: string;
  generation: number;
  observedGeneration: number;
  /** `spec.replicas` (Kubernetes default 1). */
  replicas: number;
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

/** Readiness per §2.5: first matching rule wins; `retriable` is false past a deadline. */
export function assessReadiness(w: WorkloadSnapshot, o: ReadinessOptions): Readiness {
  const halt = (retriable: boolean, message: string): Readiness => ({ ready: false, retriable, message });
  if (w.generation > w.observedGeneration)
    return halt(true, `${w.name}: observed deployment generation less than desired generation`);
  const available = w.conditions.find((c) => c.type === 'Available');
  const stuck =
    available?.status === 'False' &&
    available.reason === 'MinimumReplicasUnavailable' &&
    available.lastUpdateTime !== undefined &&
    available.lastUpdateTime + o.progressDeadlineSeconds * 1000 < o.now;
  const retriable = !stuck;
  if (w.conditions.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')) {
    return halt(false, `deployment "${w.name}" exceeded its progress deadline`);
  }
  if (o.isPrimary && w.replicas === 0)
    return halt(true, `halt advancement ${w.name} primary deployment is scaled to zero`);
  const prefix = stuck
    ? `${w.name} does not have minimum availability for more than ${o.progressDeadlineSeconds}s:`
    : `${w.name} waiting for rollout to finish:`;
  if (w.updatedReplicas < w.replicas)
    return halt(
      retriable,
      `${prefix} ${w.updatedReplicas} out of ${w.replicas} new replicas have been updated`,
    );
  if (w.statusReplicas > w.updatedReplicas)
    return halt(
      retriable,
      `${prefix} ${w.statusReplicas - w.updatedReplicas} old replicas are pending termination`,
    );
  const needed = Math.floor((w.updatedReplicas * o.readyThresholdPercent) / 100);
  if (w.availableReplicas < needed)
    return halt(
      retriable,
      `${prefix} ${w.availableReplicas} of ${w.updatedReplicas} (readyThreshold ${o.readyThresholdPercent}%) updated replicas are available`,
    );
  return { ready: true };
}
