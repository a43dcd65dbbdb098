/**
 * Deletion as kube-apiserver, its garbage collector, the namespace controller and the CRD finalizer
 * do it together, but synchronously (within the deleting request; real clusters take moments):
 *
 * - An object with `metadata.finalizers` gets deletionTimestamp and stays until an update removes
 *   the last finalizer (store.ts); without finalizers it is removed at once.
 * - `propagationPolicy` Background (default): when an owner is removed, objects naming its uid in
 *   `metadata.ownerReferences` are deleted too (recursively), unless they still have another owner
 *   that exists (then only the dangling reference is removed). Orphan: the owner's references are
 *   removed from its dependents first, so they survive. Foreground: the owner gets the
 *   `foregroundDeletion` finalizer, its dependents are deleted (foreground as well), and the owner
 *   goes once no dependent with `blockOwnerDeletion: true` is left.
 * - Deleting a Namespace marks it Terminating (deletionTimestamp, status.phase), deletes everything
 *   in it, and removes it once it is empty; creates in it are refused (store.ts).
 * - Deleting a CustomResourceDefinition marks it Terminating, deletes its objects, and removes it
 *   (dropping its `customresourcecleanup.apiextensions.k8s.io` finalizer) once none is left.
 * Known differences: objects whose owners never existed are not collected; no graceful deletion
 * period (pods vanish at once); dependents across namespaces are ignored as the real GC does.
 */
import { conflict, notFound } from './errors.js';
import { isObject, type KubeObject } from './json.js';
import { CRDS, NAMESPACES, type ResourceType } from './resources.js';
import type { Store } from './store.js';
import type { StoredEntry, StoreHooks } from './writes.js';

/** How dependents are treated when their owner is deleted. */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** What a DELETE request may carry (DeleteOptions body or query). */
export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** The object as last seen, and whether it is gone (false: it waits for finalizers). */
export interface DeleteResult {
  object: KubeObject;
  deleted: boolean;
}

/** Finalizer of owners in foreground deletion. */
const FOREGROUND = 'foregroundDeletion';
/** Finalizer every CRD carries until its objects are gone. */
export const CRD_CLEANUP = 'customresourcecleanup.apiextensions.k8s.io';

interface OwnerRef {
  uid?: string;
  blockOwnerDeletion?: boolean;
}

const ownerRefs = (obj: KubeObject): OwnerRef[] =>
  Array.isArray(obj.metadata.ownerReferences) ? (obj.metadata.ownerReferences as OwnerRef[]) : [];
const where = (e: StoredEntry) => [e.obj.metadata.namespace ?? '', e.obj.metadata.name ?? ''] as const;

/** Deletion semantics over one store; see the module comment. */
export class Lifecycle {
  constructor(private readonly store: Store) {}

  /** Hooks to install on the store: cascades run when an object leaves the store. */
  hooks(): StoreHooks {
    return { afterDelete: (rt, obj) => this.afterDelete(rt, obj) };
  }

  /** DELETE semantics; 404 when absent, 409 when a precondition does not hold. */
  delete(rt: ResourceType, namespace: string, name: string, options: DeleteOptions = {}): DeleteResult {
    const obj = this.store.get(rt, namespace, name);
    if (!obj) throw notFound(rt, name);
    const { uid, resourceVersion } = options.preconditions ?? {};
    if (
      (uid && uid !== obj.metadata.uid) ||
      (resourceVersion && resourceVersion !== obj.metadata.resourceVersion)
    )
      throw conflict(rt, name);
    if (options.dryRun || obj.metadata.deletionTimestamp) return { object: obj, deleted: false };
    const policy = options.propagationPolicy ?? 'Background';
    if (policy === 'Orphan') this.orphan(obj);
    if (rt.kind === NAMESPACES.kind && rt.group === '') return this.terminateNamespace(obj);
    if (rt.group === CRDS.group && rt.kind === CRDS.kind) return this.terminateCrd(obj);
    if (policy === 'Foreground' && this.dependentsOf(obj, rt).length > 0) {
      this.store.markDeleting(rt, namespace, name, [FOREGROUND]);
      for (const d of this.dependentsOf(obj, rt))
        this.delete(d.rt, ...where(d), { propagationPolicy: 'Foreground' });
      this.release(rt, namespace, name);
      return this.result(rt, namespace, name, obj);
    }
    if ((obj.metadata.finalizers as unknown[] | undefined)?.length)
      return { object: this.store.markDeleting(rt, namespace, name), deleted: false };
    return { object: this.store.removeNow(rt, namespace, name), deleted: true };
  }

  private result(rt: ResourceType, namespace: string, name: string, last: KubeObject): DeleteResult {
    const now = this.store.get(rt, namespace, name);
    return now ? { object: now, deleted: false } : { object: last, deleted: true };
  }

  /** Objects naming `owner` in their ownerReferences (same namespace for a namespaced owner). */
  private dependentsOf(owner: KubeObject, rt: ResourceType): StoredEntry[] {
    const uid = owner.metadata.uid;
    return this.store.find(
      (o) =>
        ownerRefs(o).some((r) => r.uid === uid) &&
        (!rt.namespaced || o.metadata.namespace === owner.metadata.namespace),
    );
  }

  private byUid(uid: string | undefined): StoredEntry | undefined {
    return uid ? this.store.find((o) => o.metadata.uid === uid)[0] : undefined;
  }

  /** Removes the references to `uid` from one dependent (an update, as the real GC patches). */
  private dropOwner(d: StoredEntry, uid: string | undefined): void {
    const refs = ownerRefs(d.obj).filter((r) => r.uid !== uid);
    const metadata = { ...d.obj.metadata, ownerReferences: refs.length > 0 ? refs : undefined };
    if (refs.length === 0) delete metadata.ownerReferences;
    this.store.update(d.rt, ...where(d), { ...d.obj, metadata }, 'update');
  }

  private orphan(owner: KubeObject): void {
    for (const d of this.store.find((o) => ownerRefs(o).some((r) => r.uid === owner.metadata.uid)))
      this.dropOwner(d, owner.metadata.uid);
  }

  /** Lets a foreground-deleting owner go once no blocking dependent is left. */
  private release(rt: ResourceType, namespace: string, name: string): void {
    const owner = this.store.get(rt, namespace, name);
    const finalizers = (owner?.metadata.finalizers as string[] | undefined) ?? [];
    if (!owner || !finalizers.includes(FOREGROUND)) return;
    const blocking = this.dependentsOf(owner, rt).filter((d) =>
      ownerRefs(d.obj).some((r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion === true),
    );
    if (blocking.length > 0) return;
    const rest = finalizers.filter((f) => f !== FOREGROUND);
    this.store.update(
      rt,
      namespace,
      name,
      { ...owner, metadata: { ...owner.metadata, finalizers: rest } },
      'update',
    );
  }

  private terminateNamespace(ns: KubeObject): DeleteResult {
    const name = ns.metadata.name ?? '';
    this.store.markDeleting(NAMESPACES, '', name, [], (o) => {
      o.status = { ...(isObject(o.status) ? o.status : {}), phase: 'Terminating' };
    });
    for (const e of this.store.find((o, rt) => rt.namespaced && o.metadata.namespace === name))
      if (this.store.get(e.rt, ...where(e))) this.delete(e.rt, ...where(e));
    this.finalizeNamespace(name);
    return this.result(NAMESPACES, '', name, { ...ns, status: { phase: 'Terminating' } });
  }

  private finalizeNamespace(name: string): void {
    const ns = this.store.get(NAMESPACES, '', name);
    if (!ns?.metadata.deletionTimestamp) return;
    if (this.store.find((o, rt) => rt.namespaced && o.metadata.namespace === name).length > 0) return;
    this.store.removeNow(NAMESPACES, '', name);
  }

  private terminateCrd(crd: KubeObject): DeleteResult {
    const name = crd.metadata.name ?? '';
    this.store.markDeleting(CRDS, '', name, [], (o) => {
      const status = isObject(o.status) ? o.status : {};
      const conditions = Array.isArray(status.conditions) ? (status.conditions as { type?: string }[]) : [];
      o.status = {
        ...status,
        conditions: [
          ...conditions.filter((c) => c.type !== 'Terminating'),
          {
            type: 'Terminating',
            status: 'True',
            reason: 'InstanceDeletionInProgress',
            message: 'CustomResource deletion is in progress',
          },
        ],
      };
    });
    for (const e of this.store.find((_o, rt) => `${rt.plural}.${rt.group}` === name))
      if (this.store.get(e.rt, ...where(e))) this.delete(e.rt, ...where(e));
    this.finalizeCrd(name);
    return this.result(CRDS, '', name, crd);
  }

  private finalizeCrd(name: string): void {
    const crd = this.store.get(CRDS, '', name);
    if (!crd?.metadata.deletionTimestamp) return;
    if (this.store.find((_o, rt) => `${rt.plural}.${rt.group}` === name).length > 0) return;
    const finalizers = ((crd.metadata.finalizers as string[] | undefined) ?? []).filter(
      (f) => f !== CRD_CLEANUP,
    );
    if (finalizers.length === 0) this.store.removeNow(CRDS, '', name);
    else this.store.update(CRDS, '', name, { ...crd, metadata: { ...crd.metadata, finalizers } }, 'update');
  }

  private afterDelete(rt: ResourceType, obj: KubeObject): void {
    for (const d of this.dependentsOf(obj, rt)) {
      if (!this.store.get(d.rt, ...where(d))) continue;
      const others = ownerRefs(d.obj).filter((r) => r.uid !== obj.metadata.uid && this.byUid(r.uid));
      if (others.length > 0) this.dropOwner(d, obj.metadata.uid);
      else this.delete(d.rt, ...where(d));
    }
    for (const ref of ownerRefs(obj)) {
      const owner = this.byUid(ref.uid);
      if (owner?.obj.metadata.deletionTimestamp) this.release(owner.rt, ...where(owner));
    }
    if (rt.namespaced && obj.metadata.namespace) this.finalizeNamespace(obj.metadata.namespace);
    if (rt.group) this.finalizeCrd(`${rt.plural}.${rt.group}`);
  }
}
