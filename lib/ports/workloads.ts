/**
 * The workloads of one canary in its cluster, as the controller sees them
 * (docs/flagger-compatibility.md#workloads-and-services): the `-primary` copy of the target Deployment
 * or DaemonSet (`targetRef.kind`) and its configs, the ClusterIP Services, the primary autoscaler, readiness, scaling and Kubernetes
 * Events.
 *
 * Every method takes an AbortSignal and fails with the typed errors of the Kubernetes adapter
 * (NotFoundError, ConflictError, ForbiddenError, UnavailableError, InvalidError).
 *
 * Zero-downtime initialization (Flagger 0.20.4) is an ordering the caller follows:
 *
 * 1. `Workloads.bootstrap` — `-canary`/`-primary` Services, `-primary` configs, Deployment, HPA;
 *    the apex Service is not touched, so clients keep reaching the target pods.
 * 2. `Workloads.readiness(canary, 'primary', now)` until `{ ready: true }` (retriable ⇒ end the
 *    tick and come back; non-retriable ⇒ roll back).
 * 3. `Workloads.pointApex(canary, 'primary')` — only now does the apex Service select the primary pods.
 * 4. `Scaler.scaleToZero` — only after step 3, the target stops serving.
 */
import type { Readiness, TargetRevision } from '../domain/observations.js';
import type { Canary } from '../domain/spec/schema.js';

/** Which pods the apex Service selects. */
export type ApexTarget = 'primary' | 'target';

/** Which workload (Deployment or DaemonSet) a readiness check is about. */
export type WorkloadRole = 'primary' | 'canary';

export type { Readiness, TargetRevision } from '../domain/observations.js';

/** The primary side of a canary: creation, readiness, change detection and promotion. */
export interface Workloads {
  /**
   * Creates what is missing (idempotent): `-canary` and `-primary` Services, the `-primary`
   * Deployment with `-primary` copies of its tracked configs (an existing primary's copies are
   * `promote`'s), and, with an autoscalerRef, the `-primary` HPA.
   * Never touches the apex Service: call {@link Workloads.pointApex} after the primary is ready.
   */
  bootstrap(canary: Canary, signal: AbortSignal): Promise<void>;
  /**
   * Points the apex Service at the primary pods (creating it if absent, otherwise correcting its
   * selector and ports): call only after `readiness(…, 'primary')` is ready, then scale the target
   * to zero. Or, for revertOnDeletion, back at the target's pods (no-op when it is absent).
   */
  pointApex(canary: Canary, at: ApexTarget, signal: AbortSignal): Promise<void>;
  /** Readiness of the primary or the target (canary) workload at `now`, as data. */
  readiness(canary: Canary, role: WorkloadRole, now: Date, signal: AbortSignal): Promise<Readiness>;
  /**
   * The target's current revision hash and tracked config checksums; with `configs: false` the
   * configs are not read and `trackedConfigs` is absent.
   */
  revision(canary: Canary, signal: AbortSignal, opts?: { configs?: boolean }): Promise<TargetRevision>;
  /**
   * Copies the target's pod template (with `-primary` config references and selector label) and
   * its tracked configs to the primary, and re-syncs the primary HPA; replicas are copied only
   * when there is no autoscalerRef. No write when the primary already runs this template.
   */
  promote(canary: Canary, signal: AbortSignal): Promise<void>;
}

/**
 * Scaling of the target (canary) workload. A DaemonSet has no replicas: Flagger's scale-to-zero
 * node selector on its pod template stands for zero.
 */
export interface Scaler {
  /** Scales the target to zero. During initialization only after `pointApex('primary')`. */
  scaleToZero(canary: Canary, signal: AbortSignal): Promise<void>;
  /**
   * Scales the target up and returns the count. `canary`, for a new release (Flagger's `ScaleFromZero`): its
   * own replicas if > 0, else the primary's (without autoscaler), else the HPA's minReplicas if
   * > 1, else 1. `primary`, to hand traffic back on revertOnDeletion: the primary's replicas
   * (Flagger's Finalize), else as `canary` when there is no primary.
   */
  scaleUp(canary: Canary, like: 'canary' | 'primary', signal: AbortSignal): Promise<number>;
}

/** One step outcome to record on the target workload. */
export interface RecordedEvent {
  type: 'Normal' | 'Warning';
  /** An UpperCamelCase reason code (lib/domain/reasons.ts). */
  reason: string;
  message: string;
}

/**
 * Kubernetes Events on the target workload, so `kubectl describe deployment <target>` tells the
 * release's story. Repeats of the same type, reason and message are counted, not duplicated.
 */
export interface EventRecorder {
  record(canary: Canary, event: RecordedEvent, now: Date, signal: AbortSignal): Promise<void>;
}
