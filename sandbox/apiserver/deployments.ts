/**
 * Deployment status rules for the workload simulator (rollout.ts holds the shared contract):
 *
 * - Rolling (same write as the spec change): observedGeneration = generation, replicas =
 *   spec.replicas (default 1), updatedReplicas = max(replicas - 1, 0) (so updatedReplicas < replicas
 *   when replicas > 0), readyReplicas/availableReplicas carried over (capped at replicas), condition
 *   Progressing True ReplicaSetUpdated, and Available True/False depending on availability.
 * - Settled: all counts equal spec.replicas, Progressing True NewReplicaSetAvailable, Available True
 *   MinimumReplicasAvailable; fake Pods `<name>-<template hash>-<5 hex>` with label
 *   `pod-template-hash`, annotated with {@link POD_OWNER}.
 * - `sandbox.flagger.app/never-ready: "true"` — never settles; stays rolling.
 * - `sandbox.flagger.app/progress-deadline-exceeded: "true"` — settles to the rolling counts with
 *   Progressing False ProgressDeadlineExceeded (Pods left alone).
 * Zero counts are written explicitly (real servers omit them).
 */
import { createHash } from 'node:crypto';
import { canonical, getPath, type KubeObject } from './json.js';
import { flag, NEVER_READY, statusOf, type WorkloadKind } from './rollout.js';

export { NEVER_READY };
/** Annotation: the Deployment reports Progressing False / ProgressDeadlineExceeded. */
export const DEADLINE_EXCEEDED = 'sandbox.flagger.app/progress-deadline-exceeded';
/** Annotation on fake Pods naming their Deployment. */
const POD_OWNER = 'sandbox.flagger.app/deployment';

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
}

function desiredReplicas(dep: KubeObject): number {
  const replicas = getPath(dep, 'spec.replicas');
  return typeof replicas === 'number' ? replicas : 1;
}

/** First 10 hex digits of the SHA-256 of the canonical pod template. */
export function templateHash(dep: KubeObject): string {
  return createHash('sha256')
    .update(canonical(getPath(dep, 'spec.template') ?? {}))
    .digest('hex')
    .slice(0, 10);
}

/** A condition, keeping lastTransitionTime when its status did not change. */
function condition(
  prev: DeploymentStatus,
  type: string,
  ok: boolean,
  reason: string,
  message: string,
): Condition {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const before = prev.conditions?.find((c) => c.type === type);
  const status = ok ? 'True' : 'False';
  const lastTransitionTime =
    before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : now;
  return { type, status, lastUpdateTime: now, lastTransitionTime, reason, message };
}

function available(prev: DeploymentStatus, desired: number, availableCount: number): Condition {
  const ok = availableCount >= desired - Math.floor(desired / 4);
  return ok
    ? condition(prev, 'Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
    : condition(
        prev,
        'Available',
        false,
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
      );
}

function rolling(dep: KubeObject, prev: DeploymentStatus): DeploymentStatus {
  const desired = desiredReplicas(dep);
  const ready = Math.min(prev.readyReplicas ?? 0, desired);
  const rs = `${dep.metadata.name}-${templateHash(dep)}`;
  return {
    observedGeneration: dep.metadata.generation,
    replicas: desired,
    updatedReplicas: Math.max(desired - 1, 0),
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: desired - ready,
    conditions: [
      available(prev, desired, ready),
      condition(prev, 'Progressing', true, 'ReplicaSetUpdated', `ReplicaSet "${rs}" is progressing.`),
    ],
  };
}

function settled(dep: KubeObject, current: DeploymentStatus): DeploymentStatus {
  const rs = `${dep.metadata.name}-${templateHash(dep)}`;
  if (flag(dep, DEADLINE_EXCEEDED)) {
    const progressing = condition(
      current,
      'Progressing',
      false,
      'ProgressDeadlineExceeded',
      `ReplicaSet "${rs}" has timed out progressing.`,
    );
    return {
      ...current,
      conditions: [...(current.conditions ?? []).filter((c) => c.type !== 'Progressing'), progressing],
    };
  }
  const n = desiredReplicas(dep);
  return {
    observedGeneration: dep.metadata.generation,
    replicas: n,
    updatedReplicas: n,
    readyReplicas: n,
    availableReplicas: n,
    conditions: [
      available(current, n, n),
      condition(
        current,
        'Progressing',
        true,
        'NewReplicaSetAvailable',
        `ReplicaSet "${rs}" has successfully progressed.`,
      ),
    ],
  };
}

/** The Deployment rules of the workload simulator. */
export const DEPLOYMENTS: WorkloadKind = {
  kind: 'Deployment',
  podOwner: POD_OWNER,
  flags: [DEADLINE_EXCEEDED],
  rolling: (dep, prev) => ({ ...rolling(dep, prev) }),
  settled: (dep, current) => ({ ...settled(dep, current) }),
  isSettled: (dep) => {
    const s = statusOf(dep) as DeploymentStatus;
    const n = desiredReplicas(dep);
    return (
      flag(dep, DEADLINE_EXCEEDED) ||
      (s.observedGeneration === dep.metadata.generation &&
        s.updatedReplicas === n &&
        s.readyReplicas === n &&
        s.availableReplicas === n)
    );
  },
  pods: (dep) => {
    if (flag(dep, DEADLINE_EXCEEDED)) return undefined;
    const hash = templateHash(dep);
    return {
      count: desiredReplicas(dep),
      hashLabel: 'pod-template-hash',
      hash,
      prefix: `${dep.metadata.name}-${hash}`,
      ownerReference: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: `${dep.metadata.name}-${hash}`,
        uid: hash,
        controller: true,
        blockOwnerDeletion: true,
      },
    };
  },
};
