/**
 * Effects as data (STYLE.md habit 3): decide() returns an ordered list of actions; one executor
 * maps each to port calls, **in list order**, stopping at the first failure (the next step
 * re-observes and converges, so every action must be idempotent).
 *
 * Ordering contract (decide() always emits actions in this order; the executor must keep it):
 * 1. `bootstrap` — the objects the rest relies on.
 * 2. `pointApexAtPrimary` only once the primary is ready (decide() checks that), and
 *    `reconcileRoutes` after it: during initialization traffic leaves the target only now.
 * 3. `setRoutes` that move traffic **away** from the target always come before
 *    `scaleTargetToZero` (zero-downtime: no request reaches a pod being removed); `scaleTargetUp`
 *    comes before any `setRoutes` that sends traffic to the canary (the canary is only routed to
 *    after a readiness check on a later step). A target HPA needs no pausing: Kubernetes' HPA
 *    does not act on a Deployment at 0 replicas, and scaling up hands the target back to it
 *    (Flagger pauses only KEDA ScaledObjects, which are not managed here).
 * 4. `promote` (copy the target's template and configs to the primary) comes after the checks that
 *    justified it and never in the same step as scaling the target down, except for skipAnalysis
 *    (Flagger semantics: routes 100/0 first, then promote, then scale down).
 * 5. `recordEvent` / `runHooks` are notifications: run them after the effects they describe; a
 *    failure to notify must not stop the list (log and continue).
 */
import type { Phase } from './phase.js';
import type { Reason } from './reasons.js';

/** Kubernetes Event type. */
export type EventKind = 'Normal' | 'Warning';

/** One effect for the executor. */
export type Action =
  /**
   * Create what is missing and correct drift: the `<apex>-canary` and `<apex>-primary` ClusterIP
   * Services, the primary workload with `-primary` copies of tracked configs (created if absent,
   * never updated here: `promote` creates or updates the copies of an existing primary), the
   * primary autoscaler (`primaryScalerReplicas` applied). Never touches the apex Service.
   */
  | { kind: 'bootstrap' }
  /** Create/update the apex Service with its selector on the primary pods. */
  | { kind: 'pointApexAtPrimary' }
  /** revertOnDeletion: point the apex Service back at the target pods. */
  | { kind: 'pointApexAtTarget' }
  /** Create/adopt the routing objects; existing weights are preserved (use `setRoutes` to change them). */
  | { kind: 'reconcileRoutes' }
  /** Write route weights (`primary + canary = 100`); `mirror` copies traffic to the canary, responses dropped. */
  | { kind: 'setRoutes'; primary: number; canary: number; mirror: boolean; mirrorWeight?: number }
  /** revertOnDeletion: restore the routing objects we adopted (original spec) or remove ours. */
  | { kind: 'finalizeRoutes' }
  /**
   * Scale the target up: `canary` uses Flagger's ScaleFromZero rules
   * (docs/flagger-compatibility.md#workloads-and-services: own replicas, else primary's when no
   * autoscaler, else autoscaler minimum, else 1); `primary` copies the primary's count.
   */
  | { kind: 'scaleTargetUp'; replicas: 'canary' | 'primary' }
  | { kind: 'scaleTargetToZero' }
  /**
   * Copy the target's pod template (and tracked configs) to the primary
   * (docs/flagger-compatibility.md#promotion).
   */
  | { kind: 'promote' }
  /**
   * Fire-and-forget hooks: `post-rollout` with the final phase, or `event` with the text of the
   * preceding `recordEvent`. Failures are recorded, never change the analysis.
   */
  | {
      kind: 'runHooks';
      type: 'post-rollout' | 'event';
      phase: Phase;
      eventMessage?: string;
      eventType?: EventKind;
    }
  /** A Kubernetes Event on the Canary (Flagger's wording; its reason field is always `Synced` upstream). */
  | { kind: 'recordEvent'; type: EventKind; reason: Reason; message: string };
