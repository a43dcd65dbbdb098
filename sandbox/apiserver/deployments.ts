/**
 * Deployment controller simulation. Contract, per Deployment written through the API (create,
 * update, patch, apply — not /status writes and not direct store puts):
 *
 * - When its generation changes (spec change) or a sandbox annotation changes, the same write sets
 *   a "rolling" status: observedGeneration = generation, replicas = spec.replicas (default 1),
 *   updatedReplicas = max(replicas - 1, 0) (so updatedReplicas < replicas when replicas > 0),
 *   readyReplicas/availableReplicas carried over (capped at replicas), condition Progressing True
 *   ReplicaSetUpdated, and Available True/False depending on availability.
 * - `rolloutDelayMs` later (0 = within the same write) it settles: all counts equal spec.replicas,
 *   Progressing True NewReplicaSetAvailable, Available True MinimumReplicasAvailable; fake Pods are
 *   created for the new template (label `pod-template-hash`) and old ones deleted.
 * - `sandbox.flagger.app/never-ready: "true"` — never settles; stays rolling.
 * - `sandbox.flagger.app/progress-deadline-exceeded: "true"` — settles to the rolling counts with
 *   Progressing False ProgressDeadlineExceeded.
 * Zero counts are written explicitly (real servers omit them). Timers are unref'd and cleared by close().
 */
import { createHash, randomBytes } from 'node:crypto';
import { canonical, getPath, isObject, type KubeObject } from './json.js';
import { findResource, type ResourceType } from './resources.js';
import type { Store, StoreHooks, WriteEvent } from './store.js';

/** Annotation: the Deployment never becomes ready. */
export const NEVER_READY = 'sandbox.flagger.app/never-ready';
/** Annotation: the Deployment reports Progressing False / ProgressDeadlineExceeded. */
export const DEADLINE_EXCEEDED = 'sandbox.flagger.app/progress-deadline-exceeded';
/** Annotation on fake Pods naming their Deployment. */
export const POD_OWNER = 'sandbox.flagger.app/deployment';

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

const PODS = findResource('', 'v1', 'pods')!;

function flag(obj: KubeObject | undefined, name: string): boolean {
  return obj?.metadata.annotations?.[name] === 'true';
}

function desiredReplicas(dep: KubeObject): number {
  const replicas = getPath(dep, 'spec.replicas');
  return typeof replicas === 'number' ? replicas : 1;
}

function templateHash(dep: KubeObject): string {
  return createHash('sha256')
    .update(canonical(getPath(dep, 'spec.template') ?? {}))
    .digest('hex')
    .slice(0, 10);
}

function statusOf(obj: KubeObject | undefined): DeploymentStatus {
  return isObject(obj?.status) ? obj.status : {};
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

/** Simulates the Deployment controller for one store; see the module comment for the contract. */
export class DeploymentSimulator {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Writes whose status this simulator set to rolling in beforeCommit (same object in afterCommit). */
  private readonly rolled = new WeakSet<KubeObject>();

  constructor(
    private readonly store: Store,
    private readonly rolloutDelayMs: number,
  ) {}

  /** Hooks to install on the store. */
  hooks(): StoreHooks {
    return {
      beforeCommit: (e) => this.beforeCommit(e),
      afterCommit: (e) => this.afterCommit(e),
      afterDelete: (rt, obj) => this.afterDelete(rt, obj),
    };
  }

  /** Stops all pending rollouts. */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private beforeCommit({ rt, next, prev, cause }: WriteEvent): void {
    if (rt.kind !== 'Deployment' || (cause !== 'create' && cause !== 'update')) return;
    const changed =
      !prev ||
      next.metadata.generation !== prev.metadata.generation ||
      flag(next, NEVER_READY) !== flag(prev, NEVER_READY) ||
      flag(next, DEADLINE_EXCEEDED) !== flag(prev, DEADLINE_EXCEEDED);
    if (!changed) return;
    let status = rolling(next, statusOf(prev));
    if (this.rolloutDelayMs <= 0 && !flag(next, NEVER_READY)) status = settled(next, status);
    next.status = status;
    this.rolled.add(next);
  }

  private afterCommit({ rt, next }: WriteEvent): void {
    if (rt.kind !== 'Deployment' || !this.rolled.has(next)) return;
    const key = `${next.metadata.namespace}/${next.metadata.name}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (flag(next, NEVER_READY)) return;
    if (this.rolloutDelayMs <= 0) {
      this.syncPods(next);
      return;
    }
    const generation = next.metadata.generation;
    const timer = setTimeout(
      () => this.settle(rt, next.metadata.namespace ?? '', next.metadata.name ?? '', generation),
      this.rolloutDelayMs,
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  private settle(rt: ResourceType, namespace: string, name: string, generation: number | undefined): void {
    this.timers.delete(`${namespace}/${name}`);
    const dep = this.store.get(rt, namespace, name);
    if (!dep || dep.metadata.generation !== generation || flag(dep, NEVER_READY)) return;
    this.store.update(
      rt,
      namespace,
      name,
      { metadata: {}, status: settled(dep, statusOf(dep)) },
      'controller',
    );
    this.syncPods(dep);
  }

  private afterDelete(rt: ResourceType, obj: KubeObject): void {
    if (rt.kind !== 'Deployment') return;
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    for (const pod of this.podsOf(obj))
      this.store.remove(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
  }

  private podsOf(dep: KubeObject): KubeObject[] {
    return this.store
      .list(PODS, dep.metadata.namespace)
      .filter((p) => p.metadata.annotations?.[POD_OWNER] === dep.metadata.name);
  }

  /** Makes the fake Pods match a settled Deployment: `replicas` Pods of the current template. */
  private syncPods(dep: KubeObject): void {
    if (flag(dep, DEADLINE_EXCEEDED)) return;
    const namespace = dep.metadata.namespace ?? '';
    const hash = templateHash(dep);
    const pods = this.podsOf(dep);
    const current = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    const stale = [...pods.filter((p) => !current.includes(p)), ...current.slice(desiredReplicas(dep))];
    for (const pod of stale) this.store.remove(PODS, namespace, pod.metadata.name ?? '');
    const template = isObject(getPath(dep, 'spec.template'))
      ? (getPath(dep, 'spec.template') as KubeObject)
      : { metadata: {} };
    for (let i = current.length; i < desiredReplicas(dep); i++) {
      const rs = `${dep.metadata.name}-${hash}`;
      this.store.put(
        PODS,
        {
          metadata: {
            name: `${rs}-${randomBytes(3).toString('hex').slice(0, 5)}`,
            namespace,
            labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash },
            annotations: { [POD_OWNER]: dep.metadata.name ?? '' },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: rs,
                uid: hash,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          spec: template.spec ?? {},
          status: {
            phase: 'Running',
            conditions: [
              { type: 'Ready', status: 'True' },
              { type: 'ContainersReady', status: 'True' },
            ],
          },
        },
        'controller',
      );
    }
  }
}
