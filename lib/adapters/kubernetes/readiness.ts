/**
 * A Deployment or a DaemonSet as the one readiness rule sees it (lib/domain/decide/workload.ts):
 * the adapter maps, the domain decides. No rule lives here.
 */
import type { V1DaemonSet, V1Deployment } from '@kubernetes/client-node';
import {
  assessReadiness,
  type ReadinessOptions,
  type WorkloadSnapshot,
} from '../../domain/decide/workload.js';
import type { Readiness } from '../../ports/workloads.js';
import type { TargetKind } from '../../domain/spec/catalog.js';
import type { Workload } from './resources.js';

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

/**
 * The fields of `d` readiness depends on, as Flagger's isDaemonSetReady reads them: every scheduled
 * pod updated (updatedNumberScheduled vs desiredNumberScheduled), then numberAvailable against the
 * ready threshold. A DaemonSet has no conditions: its deadline is the Canary's (decide/readiness.ts).
 */
function daemonSetSnapshot(d: V1DaemonSet): WorkloadSnapshot {
  const s = d.status;
  const updated = s?.updatedNumberScheduled ?? 0;
  return {
    kind: 'DaemonSet',
    name: d.metadata?.name ?? '',
    generation: d.metadata?.generation ?? 0,
    observedGeneration: s?.observedGeneration ?? 0,
    replicas: s?.desiredNumberScheduled ?? 0,
    updatedReplicas: updated,
    statusReplicas: updated,
    availableReplicas: s?.numberAvailable ?? 0,
    conditions: [],
  };
}

/** Readiness of `w`, a workload of `kind`, as data, by the domain's rule; never throws. */
export function workloadReadiness(kind: TargetKind, w: Workload, o: ReadinessOptions): Readiness {
  return assessReadiness(
    kind === 'DaemonSet' ? daemonSetSnapshot(w as V1DaemonSet) : deploymentSnapshot(w),
    o,
  );
}
