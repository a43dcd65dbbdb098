/**
 * In-memory object storage with kube-apiserver write semantics: one global resourceVersion counter
 * (bumped by every committed write and every removal), uid and creationTimestamp on create,
 * `generation` starting at 1 and bumped when something other than metadata changes (status excluded
 * for kinds with a status subresource) and when deletion starts, status kept on main-resource writes
 * (and everything but status kept on /status writes) for kinds with a status subresource, optimistic
 * concurrency on metadata.resourceVersion, namespace existence and termination checks.
 *
 * Deletion is two-phase as in Kubernetes: {@link Store.markDeleting} sets deletionTimestamp (the
 * object stays while it has finalizers; no new finalizers may be added), an update that leaves a
 * deleting object without finalizers removes it, and {@link Store.removeNow} removes at once. Who
 * decides between them (propagation, garbage collection) is lifecycle.ts.
 *
 * Every committed change is published to subscribers (ADDED, MODIFIED, DELETED with the new
 * resourceVersion) before afterCommit/afterDelete hooks run, so watchers see a write before the
 * writes it causes. Objects go in and come out as deep copies.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { alreadyExists, badRequest, conflict, forbidden, notFound } from './errors.js';
import { clone, deepEqual, type KubeObject } from './json.js';
import { apiVersionOf, NAMESPACES, storageKeyOf, type ResourceType } from './resources.js';
import {
  checkNewFinalizers,
  now,
  replacement,
  specOf,
  validateName,
  type ChangeEvent,
  type StoredEntry,
  type StoreHooks,
  type StoreSnapshot,
  type WriteCause,
  type WriteEvent,
  type WriteOptions,
} from './writes.js';

/** The object store of one sandbox cluster. */
export class Store {
  private readonly objects = new Map<string, StoredEntry>();
  private readonly applied = new Map<string, KubeObject>();
  private readonly hookList: StoreHooks[] = [];
  private readonly subscribers = new Set<(event: ChangeEvent) => void>();
  private counter = 0;

  constructor(private readonly options: { autoCreateNamespaces?: boolean } = {}) {}

  /** Adds write observers; they run in the order added. */
  use(hooks: StoreHooks): void {
    this.hookList.push(hooks);
  }

  /** Calls `listener` with every committed change; returns the unsubscribe function. */
  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => void this.subscribers.delete(listener);
  }

  private key(rt: ResourceType, namespace: string, name: string): string {
    return `${storageKeyOf(rt)}/${rt.namespaced ? namespace : ''}/${name}`;
  }

  /** The current (latest committed) resourceVersion, as list responses report it. */
  resourceVersion(): string {
    return String(this.counter);
  }

  /** The current resourceVersion as a number. */
  revision(): number {
    return this.counter;
  }

  /** A copy of one object, or undefined. `namespace` is ignored for cluster-scoped kinds. */
  get(rt: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const found = this.objects.get(this.key(rt, namespace, name));
    return found && clone(found.obj);
  }

  /** Copies of all objects of a kind, in one namespace or (undefined) all, sorted by namespace/name. */
  list(rt: ResourceType, namespace?: string): KubeObject[] {
    const prefix = `${storageKeyOf(rt)}/${namespace !== undefined && rt.namespaced ? `${namespace}/` : ''}`;
    return [...this.objects]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, entry]) => clone(entry.obj));
  }

  /** Copies of every stored object matching `predicate`, with its type. */
  find(predicate: (obj: KubeObject, rt: ResourceType) => boolean): StoredEntry[] {
    return [...this.objects.values()]
      .filter((e) => predicate(e.obj, e.rt))
      .map((e) => ({ rt: e.rt, obj: clone(e.obj) }));
  }

  /** POST semantics: 404 for a missing namespace (unless auto-created), 409 AlreadyExists, 422 bad name. */
  create(rt: ResourceType, namespace: string, body: KubeObject, options: WriteOptions = {}): KubeObject {
    const obj = clone(body);
    const meta = obj.metadata;
    meta.name ??= meta.generateName
      ? meta.generateName + randomBytes(3).toString('hex').slice(0, 5)
      : undefined;
    const name = meta.name ?? '';
    validateName(rt, name);
    this.placeInNamespace(rt, namespace, obj);
    if (this.objects.has(this.key(rt, namespace, name))) throw alreadyExists(rt, name);
    if (rt.status) delete obj.status;
    if (rt === NAMESPACES) obj.status = { phase: 'Active' };
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    Object.assign(meta, { uid: randomUUID(), creationTimestamp: now(), generation: 1 });
    return this.commit(rt, obj, undefined, 'create', options);
  }

  private placeInNamespace(rt: ResourceType, namespace: string, obj: KubeObject): void {
    if (!rt.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    obj.metadata.namespace = namespace;
    const ns = this.objects.get(this.key(NAMESPACES, '', namespace));
    if (ns?.obj.metadata.deletionTimestamp) {
      throw forbidden(
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
    if (ns) return;
    if (!this.options.autoCreateNamespaces) throw notFound(NAMESPACES, namespace);
    this.create(NAMESPACES, '', { metadata: { name: namespace } });
  }

  /**
   * PUT semantics for the main resource (cause 'update') or /status ('status', 'controller').
   * 404 when absent, 400 on a name mismatch, 409 Conflict when body.metadata.resourceVersion is set
   * and stale (an absent resourceVersion means an unconditional update). Removes a deleting object
   * (but a Namespace) whose last finalizer the update takes away.
   */
  update(
    rt: ResourceType,
    namespace: string,
    name: string,
    body: KubeObject,
    cause: 'update' | 'status' | 'controller',
    options: WriteOptions = {},
  ): KubeObject {
    const prev = this.get(rt, namespace, name);
    if (!prev) throw notFound(rt, name);
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const rv = body.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== prev.metadata.resourceVersion) throw conflict(rt, name);
    let next: KubeObject;
    if (cause === 'update') {
      next = replacement(rt, prev, body, name);
      checkNewFinalizers(rt, prev, next);
    } else {
      next = { ...prev, status: clone(body.status) };
    }
    const finalized = !(next.metadata.finalizers as unknown[] | undefined)?.length;
    // Namespaces go when they are empty (lifecycle.ts), not when their last finalizer does.
    if (next.metadata.deletionTimestamp && finalized && rt !== NAMESPACES) {
      if (options.dryRun) return clone(next);
      return this.removeNow(rt, namespace, name);
    }
    return this.commit(rt, next, prev, cause, options);
  }

  /** Direct upsert for tests and controllers: keeps the given status, creates namespaces as needed. */
  put(rt: ResourceType, body: KubeObject, cause: 'direct' | 'controller' = 'direct'): KubeObject {
    const obj = clone(body);
    const name = obj.metadata.name ?? '';
    const namespace = rt.namespaced ? (obj.metadata.namespace ?? 'default') : '';
    if (rt.namespaced && !this.objects.has(this.key(NAMESPACES, '', namespace)))
      this.put(NAMESPACES, { metadata: { name: namespace }, status: { phase: 'Active' } });
    const prev = this.get(rt, namespace, name);
    const { uid, creationTimestamp, generation } = prev?.metadata ?? {
      uid: randomUUID(),
      creationTimestamp: now(),
      generation: 1,
    };
    obj.metadata = {
      ...obj.metadata,
      uid,
      creationTimestamp,
      generation,
      ...(rt.namespaced ? { namespace } : {}),
    };
    return this.commit(rt, obj, prev, cause, {});
  }

  /**
   * Starts deletion: sets deletionTimestamp (once; generation bumped then) and deletionGracePeriodSeconds
   * 0, adds `finalizers`, and lets `mutate` adjust the object (e.g. a Terminating phase).
   */
  markDeleting(
    rt: ResourceType,
    namespace: string,
    name: string,
    finalizers: string[] = [],
    mutate?: (obj: KubeObject) => void,
  ): KubeObject {
    const prev = this.get(rt, namespace, name);
    if (!prev) throw notFound(rt, name);
    const next = clone(prev);
    const meta = next.metadata;
    if (!meta.deletionTimestamp) {
      meta.deletionTimestamp = now();
      meta.deletionGracePeriodSeconds = 0;
      meta.generation = (meta.generation ?? 1) + 1;
    }
    const existing = (meta.finalizers as string[] | undefined) ?? [];
    const merged = [...existing, ...finalizers.filter((f) => !existing.includes(f))];
    if (merged.length > 0) meta.finalizers = merged;
    mutate?.(next);
    return this.commit(rt, next, prev, 'controller', {}, false);
  }

  /** Removes one object at once (404 when absent), publishing DELETED and running afterDelete hooks. */
  removeNow(rt: ResourceType, namespace: string, name: string): KubeObject {
    const key = this.key(rt, namespace, name);
    const entry = this.objects.get(key);
    if (!entry) throw notFound(rt, name);
    this.objects.delete(key);
    for (const k of [...this.applied.keys()]) if (k.startsWith(`${key}#`)) this.applied.delete(k);
    this.counter++;
    const obj = clone(entry.obj);
    obj.metadata.resourceVersion = String(this.counter);
    this.publish({
      type: 'DELETED',
      rt: entry.rt,
      object: obj,
      prev: undefined,
      resourceVersion: this.counter,
    });
    for (const h of this.hookList) h.afterDelete?.(entry.rt, clone(obj));
    return obj;
  }

  /** What `manager` last applied (server-side apply) to an object or its status ('/status' suffix). */
  lastApplied(rt: ResourceType, namespace: string, name: string, manager: string): KubeObject | undefined {
    return this.applied.get(`${this.key(rt, namespace, name)}#${manager}`);
  }

  /** Records an applied configuration for the next apply by the same manager. */
  recordApplied(
    rt: ResourceType,
    namespace: string,
    name: string,
    manager: string,
    config: KubeObject,
  ): void {
    this.applied.set(`${this.key(rt, namespace, name)}#${manager}`, clone(config));
  }

  /** A deep copy of the whole state. */
  snapshot(): StoreSnapshot {
    return clone({
      resourceVersion: this.counter,
      objects: [...this.objects.values()],
      applied: Object.fromEntries(this.applied),
    });
  }

  /** Replaces the whole state (no hooks run, nothing is published). */
  restore(snapshot: StoreSnapshot): void {
    this.objects.clear();
    this.applied.clear();
    for (const { rt, obj } of clone(snapshot.objects)) {
      this.objects.set(this.key(rt, obj.metadata.namespace ?? '', obj.metadata.name ?? ''), { rt, obj });
    }
    for (const [k, v] of Object.entries(clone(snapshot.applied))) this.applied.set(k, v);
    this.counter = snapshot.resourceVersion;
  }

  private publish(event: ChangeEvent): void {
    for (const listener of [...this.subscribers]) listener(event);
  }

  private commit(
    rt: ResourceType,
    next: KubeObject,
    prev: KubeObject | undefined,
    cause: WriteCause,
    options: WriteOptions,
    bumpGeneration = true,
  ): KubeObject {
    next.apiVersion = apiVersionOf(rt);
    next.kind = rt.kind;
    if (bumpGeneration && prev && !deepEqual(specOf(rt, prev), specOf(rt, next)))
      next.metadata.generation = (prev.metadata.generation ?? 1) + 1;
    next.metadata.resourceVersion = String(this.counter + 1);
    const event: WriteEvent = { rt, next, prev, cause };
    for (const h of this.hookList) h.beforeCommit?.(event);
    if (options.dryRun) return clone(next);
    this.counter++;
    const key = this.key(rt, next.metadata.namespace ?? '', next.metadata.name ?? '');
    this.objects.set(key, { rt, obj: clone(next) });
    this.publish({
      type: prev ? 'MODIFIED' : 'ADDED',
      rt,
      object: clone(next),
      prev,
      resourceVersion: this.counter,
    });
    for (const h of this.hookList) h.afterCommit?.(event);
    return clone(next);
  }
}
