/**
 * A Deployment as the one readiness rule sees it (lib/domain/decide/workload.ts): the adapter maps,
 * the domain decides. No rule lives here.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import {
  assessReadiness,
  type ReadinessOptions,
  type WorkloadSnapshot,
} from '../../domain/decide/workload.js';
import type { Readiness } from '../../ports/workloads.js';

/** The fields of `d` readiness depends on. */
function deploymentSnapshot(d: V1Deployment): WorkloadSnapshot {
  const s = d.status ?? {};
  return {
    name: d.metadata?.name ?? '',
    generation: d.metadata?.generation ?? 0,
    observedGeneration: s.observedGeneration ?? 0,
    replicas: d.spec?.replicas,
    updatedReplicas: s.updatedReplicas ?? 0,
    statusReplicas: s.replicas ?? 0,
    availableReplicas: s.availableReplicas ?? 0,
    conditions: (s.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      lastUpdateTime: c.lastUpdateTime === undefined ? undefined : new Date(c.lastUpdateTime).getTime(),
    })),
  };
}

/** Readiness of `d` as data, by the domain's rule; never throws. */
export function deploymentReadiness(d: V1Deployment, o: ReadinessOptions): Readiness {
  return assessReadiness(deploymentSnapshot(d), o);
}
