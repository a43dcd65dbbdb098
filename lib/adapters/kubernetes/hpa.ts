/**
 * The primary HorizontalPodAutoscaler (autoscaling/v2), pure: a copy of the target's HPA whose
 * `scaleTargetRef` is the `-primary` Deployment, with `primaryScalerReplicas` overriding
 * min/max (docs/flagger-compatibility.md#workloads-and-services).
 */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { Canary } from '../../domain/spec/schema.js';
import { targetName } from '../../domain/spec/accessors.js';
import { canonicalJson } from './hashing.js';
import { ownerLabels } from './labels.js';

/** Name of the primary HPA: `<autoscalerRef.name>-primary`. */
export function primaryHpaName(canary: Canary): string | undefined {
  const ref = canary.spec.autoscalerRef;
  return ref ? `${ref.name}-primary` : undefined;
}

/** The desired primary HPA built from the live target HPA. */
export function primaryHpa(canary: Canary, target: V2HorizontalPodAutoscaler): V2HorizontalPodAutoscaler {
  const spec = target.spec!;
  const overrides = canary.spec.autoscalerRef?.primaryScalerReplicas;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: primaryHpaName(canary),
      namespace: canary.metadata.namespace,
      labels: { ...(target.metadata?.labels ?? {}), ...ownerLabels(canary) },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${targetName(canary)}-primary` },
      minReplicas: overrides?.minReplicas ?? spec.minReplicas,
      maxReplicas: overrides?.maxReplicas ?? spec.maxReplicas,
      metrics: spec.metrics,
      behavior: spec.behavior,
    },
  };
}

/**
 * The live primary HPA updated to `desired` (resourceVersion kept for an optimistic write), or
 * `undefined` when its spec already matches.
 */
export function updatedHpa(
  live: V2HorizontalPodAutoscaler,
  desired: V2HorizontalPodAutoscaler,
): V2HorizontalPodAutoscaler | undefined {
  if (canonicalJson(live.spec) === canonicalJson(desired.spec)) return undefined;
  const out = structuredClone(live);
  out.spec = desired.spec;
  return out;
}
