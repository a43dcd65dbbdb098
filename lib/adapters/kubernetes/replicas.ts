/**
 * Replica count for scaling the target up (Flagger's `ScaleFromZero`,
 * docs/flagger-compatibility.md#workloads-and-services), pure.
 */

/** What the choice depends on. */
export interface ScaleUpInputs {
  /** The target's `spec.replicas`. */
  targetReplicas?: number;
  /** The primary's `spec.replicas`. */
  primaryReplicas?: number;
  /** Whether the canary has an autoscalerRef. */
  hasAutoscaler: boolean;
  /** The target HPA's `minReplicas`, when there is one. */
  hpaMinReplicas?: number;
}

/**
 * The target's own replicas if > 0; else, without autoscaler, the primary's (if > 0); else the HPA
 * minReplicas if > 1; fallback 1.
 */
export function scaleUpReplicas(i: ScaleUpInputs): number {
  if (i.targetReplicas !== undefined && i.targetReplicas > 0) return i.targetReplicas;
  if (!i.hasAutoscaler && i.primaryReplicas !== undefined && i.primaryReplicas > 0) return i.primaryReplicas;
  if (i.hasAutoscaler && i.hpaMinReplicas !== undefined && i.hpaMinReplicas > 1) return i.hpaMinReplicas;
  return 1;
}
