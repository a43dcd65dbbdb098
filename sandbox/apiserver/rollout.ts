/**
 * Workload controller simulation shared by Deployments (deployments.ts) and DaemonSets
 * (daemonsets.ts). Contract, per workload written through the API (create, update, patch, apply —
 * not /status writes and not direct store puts):
 *
 * - When its generation changes (spec change) or one of the kind's sandbox annotations changes, the
 *   same write sets the kind's "rolling" status.
 * - `rolloutDelayMs` later (0 = within the same write) it settles to the kind's settled status, and
 *   fake Pods are made to match: the kind's pod count for the current template, older ones deleted.
 * - `sandbox.flagger.app/never-ready: "true"` — never settles; stays rolling.
 * Timers are unref'd and cleared by close(); deleting a workload deletes its Pods. After a restore
 * from a data file, resume() settles workloads whose rollout was cut short.
 */
import { randomBytes } from 'node:crypto';
import { getPath, isObject, type JsonObject, type KubeObject } from './json.js';
import { findResource, type ResourceType } from './resources.js';
import type { Store } from './store.js';
import type { StoreHooks, WriteEvent } from './writes.js';

/** Annotation: the workload never becomes ready. */
export const NEVER_READY = 'sandbox.flagger.app/never-ready';

const PODS = findResource('', 'v1', 'pods')!;

/** The fake Pods a settled workload runs. */
interface PodPlan {
  count: number;
  /** Label telling Pods of the current template apart (`pod-template-hash`, `controller-revision-hash`). */
  hashLabel: string;
  hash: string;
  /** Pod names are `<prefix>-<5 random hex>`. */
  prefix: string;
  ownerReference: JsonObject;
}

/** The status rules of one workload kind. */
export interface WorkloadKind {
  readonly kind: string;
  /** Annotation on fake Pods naming their workload. */
  readonly podOwner: string;
  /** Annotations (besides never-ready) whose change restarts the rollout. */
  readonly flags: readonly string[];
  rolling(obj: KubeObject, prev: JsonObject): JsonObject;
  settled(obj: KubeObject, current: JsonObject): JsonObject;
  /** True when the stored status is the settled one. */
  isSettled(obj: KubeObject): boolean;
  /** Pods of a settled workload; undefined leaves its Pods alone. */
  pods(obj: KubeObject): PodPlan | undefined;
}

/** True when annotation `name` is "true". */
export function flag(obj: KubeObject | undefined, name: string): boolean {
  return obj?.metadata.annotations?.[name] === 'true';
}

/** The object's status as a plain object ({} when absent). */
export function statusOf(obj: KubeObject | undefined): JsonObject {
  return isObject(obj?.status) ? obj.status : {};
}

/** Simulates the controllers of the given workload kinds for one store. */
export class WorkloadSimulator {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Writes whose status this simulator set to rolling in beforeCommit (same object in afterCommit). */
  private readonly rolled = new WeakSet<KubeObject>();

  constructor(
    private readonly store: Store,
    private readonly rolloutDelayMs: number,
    private readonly kinds: readonly WorkloadKind[],
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

  /** Schedules settling for every stored workload that is not settled (after a restore). */
  resume(rts: readonly ResourceType[]): void {
    for (const rt of rts) {
      const rules = this.rulesFor(rt);
      if (!rules) continue;
      for (const obj of this.store.list(rt))
        if (!flag(obj, NEVER_READY) && !rules.isSettled(obj)) this.schedule(rt, obj);
    }
  }

  private rulesFor(rt: ResourceType): WorkloadKind | undefined {
    return rt.group === 'apps' ? this.kinds.find((k) => k.kind === rt.kind) : undefined;
  }

  private beforeCommit({ rt, next, prev, cause }: WriteEvent): void {
    const rules = this.rulesFor(rt);
    if (!rules || (cause !== 'create' && cause !== 'update')) return;
    const changed =
      !prev ||
      next.metadata.generation !== prev.metadata.generation ||
      [NEVER_READY, ...rules.flags].some((f) => flag(next, f) !== flag(prev, f));
    if (!changed) return;
    let status = rules.rolling(next, statusOf(prev));
    if (this.rolloutDelayMs <= 0 && !flag(next, NEVER_READY)) status = rules.settled(next, status);
    next.status = status;
    this.rolled.add(next);
  }

  private afterCommit({ rt, next }: WriteEvent): void {
    const rules = this.rulesFor(rt);
    if (!rules || !this.rolled.has(next)) return;
    this.cancel(next);
    if (flag(next, NEVER_READY)) return;
    if (this.rolloutDelayMs <= 0) this.syncPods(rules, next);
    else this.schedule(rt, next);
  }

  private cancel(obj: KubeObject): void {
    const key = `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  private schedule(rt: ResourceType, obj: KubeObject): void {
    const key = `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`;
    const generation = obj.metadata.generation;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.settle(rt, obj.metadata.namespace ?? '', obj.metadata.name ?? '', generation);
    }, this.rolloutDelayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  private settle(rt: ResourceType, namespace: string, name: string, generation: number | undefined): void {
    const rules = this.rulesFor(rt);
    const obj = this.store.get(rt, namespace, name);
    if (!rules || !obj || obj.metadata.generation !== generation || flag(obj, NEVER_READY)) return;
    const status = rules.settled(obj, statusOf(obj));
    this.store.update(rt, namespace, name, { metadata: {}, status }, 'controller');
    this.syncPods(rules, obj);
  }

  private afterDelete(rt: ResourceType, obj: KubeObject): void {
    const rules = this.rulesFor(rt);
    if (!rules) return;
    this.cancel(obj);
    for (const pod of this.podsOf(rules, obj)) this.removePod(pod);
  }

  private removePod(pod: KubeObject): void {
    const [namespace, name] = [pod.metadata.namespace ?? '', pod.metadata.name ?? ''];
    if (this.store.get(PODS, namespace, name)) this.store.removeNow(PODS, namespace, name);
  }

  private podsOf(rules: WorkloadKind, obj: KubeObject): KubeObject[] {
    return this.store
      .list(PODS, obj.metadata.namespace)
      .filter((p) => p.metadata.annotations?.[rules.podOwner] === obj.metadata.name);
  }

  /** Makes the fake Pods match a settled workload. */
  private syncPods(rules: WorkloadKind, obj: KubeObject): void {
    const plan = rules.pods(obj);
    if (!plan) return;
    const namespace = obj.metadata.namespace ?? '';
    const pods = this.podsOf(rules, obj);
    const current = pods.filter((p) => p.metadata.labels?.[plan.hashLabel] === plan.hash);
    const stale = [...pods.filter((p) => !current.includes(p)), ...current.slice(plan.count)];
    for (const pod of stale) this.removePod(pod);
    const template = getPath(obj, 'spec.template');
    const { metadata = {}, spec = {} } = (isObject(template) ? template : {}) as {
      metadata?: { labels?: Record<string, string> };
      spec?: unknown;
    };
    for (let i = current.length; i < plan.count; i++) {
      this.store.put(
        PODS,
        {
          metadata: {
            name: `${plan.prefix}-${randomBytes(3).toString('hex').slice(0, 5)}`,
            namespace,
            labels: { ...(metadata.labels ?? {}), [plan.hashLabel]: plan.hash },
            annotations: { [rules.podOwner]: obj.metadata.name ?? '' },
            ownerReferences: [plan.ownerReference],
          },
          spec,
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
