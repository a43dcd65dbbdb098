/**
 * In-memory object storage with kube-apiserver write semantics: one global resourceVersion counter
 * (bumped by every committed write), uid and creationTimestamp on create, `generation` starting at 1
 * and bumped only when something other than metadata and status changes, status kept on main-resource
 * writes (and everything but status kept on /status writes) for kinds with a status subresource,
 * optimistic concurrency on metadata.resourceVersion, and namespace existence checks.
 * Objects go in and come out as deep copies; callers never hold references to stored objects.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { alreadyExists, badRequest, conflict, invalid, notFound } from './errors.js';
import { clone, deepEqual, type KubeObject } from './json.js';
import { apiVersionOf, NAMESPACES, storageKeyOf, type ResourceType } from './resources.js';

/** Why a write happens; hooks use it (the deployment simulator reacts to create/update only). */
export type WriteCause = 'create' | 'update' | 'status' | 'controller' | 'direct';

/** One write about to commit (beforeCommit) or just committed (afterCommit). */
export interface WriteEvent {
  readonly rt: ResourceType;
  readonly next: KubeObject;
  readonly prev: KubeObject | undefined;
  readonly cause: WriteCause;
}

/** Observers of writes. beforeCommit may mutate `next` but must not write; afterCommit may write. */
export interface StoreHooks {
  beforeCommit?(event: WriteEvent): void;
  afterCommit?(event: WriteEvent): void;
  afterDelete?(rt: ResourceType, obj: KubeObject): void;
}

/** Options shared by write calls. `dryRun` validates and returns the result without storing it. */
export interface WriteOptions {
  dryRun?: boolean;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Everything that counts for `generation`: the object without metadata, status, apiVersion, kind. */
function specOf(obj: KubeObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** The object store of one sandbox cluster. */
export class Store {
  private readonly objects = new Map<string, KubeObject>();
  private readonly applied = new Map<string, KubeObject>();
  private counter = 0;
  /** Write observers; set once by the sandbox that owns the store. */
  hooks: StoreHooks = {};

  constructor(private readonly options: { autoCreateNamespaces?: boolean } = {}) {}

  private key(rt: ResourceType, namespace: string, name: string): string {
    return `${storageKeyOf(rt)}/${rt.namespaced ? namespace : ''}/${name}`;
  }

  /** The current (latest committed) resourceVersion, as list responses report it. */
  resourceVersion(): string {
    return String(this.counter);
  }

  /** A copy of one object, or undefined. `namespace` is ignored for cluster-scoped kinds. */
  get(rt: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const found = this.objects.get(this.key(rt, namespace, name));
    return found && clone(found);
  }

  /** Copies of all objects of a kind, in one namespace or (undefined) all, sorted by namespace/name. */
  list(rt: ResourceType, namespace?: string): KubeObject[] {
    const prefix = `${storageKeyOf(rt)}/${namespace !== undefined && rt.namespaced ? `${namespace}/` : ''}`;
    return [...this.objects]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, obj]) => clone(obj));
  }

  /** POST semantics: 404 for a missing namespace (unless auto-created), 409 AlreadyExists, 422 bad name. */
  create(rt: ResourceType, namespace: string, body: KubeObject, options: WriteOptions = {}): KubeObject {
    const obj = clone(body);
    const meta = obj.metadata;
    meta.name ??= meta.generateName
      ? meta.generateName + randomBytes(3).toString('hex').slice(0, 5)
      : undefined;
    const name = meta.name ?? '';
    if (!name) throw invalid(rt, '', 'metadata.name', 'Required value: name or generateName is required');
    if (!NAME.test(name) || name.length > 253) {
      throw invalid(
        rt,
        name,
        'metadata.name',
        `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      );
    }
    this.placeInNamespace(rt, namespace, obj);
    if (this.objects.has(this.key(rt, namespace, name))) throw alreadyExists(rt, name);
    if (rt.status) delete obj.status;
    if (rt === NAMESPACES) obj.status = { phase: 'Active' };
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
    if (this.objects.has(this.key(NAMESPACES, '', namespace))) return;
    if (!this.options.autoCreateNamespaces) throw notFound(NAMESPACES, namespace);
    this.create(NAMESPACES, '', { metadata: { name: namespace } });
  }

  /**
   * PUT semantics for the main resource (cause 'update') or /status ('status', 'controller').
   * 404 when absent, 400 on a name mismatch, 409 Conflict when body.metadata.resourceVersion is set
   * and stale (an absent resourceVersion means an unconditional update).
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
      next = clone(body);
      const { uid, creationTimestamp, generation, namespace: ns } = prev.metadata;
      Object.assign(next.metadata, {
        name,
        uid,
        creationTimestamp,
        generation,
        ...(ns ? { namespace: ns } : {}),
      });
      if (rt.status) next.status = prev.status;
      if (next.status === undefined) delete next.status;
    } else {
      next = { ...prev, status: clone(body.status) };
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

  /** Deletes one object (404 when absent); deleting a namespace deletes everything in it. */
  remove(rt: ResourceType, namespace: string, name: string): KubeObject {
    const key = this.key(rt, namespace, name);
    const obj = this.objects.get(key);
    if (!obj) throw notFound(rt, name);
    this.objects.delete(key);
    for (const k of [...this.applied.keys()]) if (k.startsWith(`${key}#`)) this.applied.delete(k);
    this.counter++;
    if (rt === NAMESPACES) {
      for (const [k, o] of [...this.objects]) if (o.metadata.namespace === name) this.objects.delete(k);
    }
    this.hooks.afterDelete?.(rt, clone(obj));
    return clone(obj);
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

  private commit(
    rt: ResourceType,
    next: KubeObject,
    prev: KubeObject | undefined,
    cause: WriteCause,
    options: WriteOptions,
  ): KubeObject {
    next.apiVersion = apiVersionOf(rt);
    next.kind = rt.kind;
    if (prev && !deepEqual(specOf(prev), specOf(next)))
      next.metadata.generation = (prev.metadata.generation ?? 1) + 1;
    next.metadata.resourceVersion = String(this.counter + 1);
    const event: WriteEvent = { rt, next, prev, cause };
    this.hooks.beforeCommit?.(event);
    if (options.dryRun) return clone(next);
    this.counter++;
    const key = this.key(rt, next.metadata.namespace ?? '', next.metadata.name ?? '');
    this.objects.set(key, clone(next));
    this.hooks.afterCommit?.(event);
    return clone(next);
  }
}
