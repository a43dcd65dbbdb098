/**
 * The vocabulary of store writes (causes, hooks, change events, snapshots) and the pure rules the
 * store applies to them: name validation, what counts for `generation`, how a PUT body replaces
 * an object, and the ban on new finalizers for objects being deleted.
 */
import { invalid } from './errors.js';
import { clone, type KubeObject } from './json.js';
import type { ResourceType } from './resources.js';

/** Why a write happens; hooks use it (the workload simulators react to create/update only). */
export type WriteCause = 'create' | 'update' | 'status' | 'controller' | 'direct';

/** One write about to commit (beforeCommit) or just committed (afterCommit). */
export interface WriteEvent {
  readonly rt: ResourceType;
  readonly next: KubeObject;
  readonly prev: KubeObject | undefined;
  readonly cause: WriteCause;
}

/** Observers of writes. beforeCommit may mutate `next` or throw, but must not write; the others may write. */
export interface StoreHooks {
  beforeCommit?(event: WriteEvent): void;
  afterCommit?(event: WriteEvent): void;
  /** After an object left the store for good. */
  afterDelete?(rt: ResourceType, obj: KubeObject): void;
}

/** A committed change as watchers see it. `object` carries the change's resourceVersion. */
export interface ChangeEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly rt: ResourceType;
  readonly object: KubeObject;
  readonly prev: KubeObject | undefined;
  readonly resourceVersion: number;
}

/** Options shared by write calls. `dryRun` validates and returns the result without storing it. */
export interface WriteOptions {
  dryRun?: boolean;
}

/** A stored object with the type it was last written as. */
export interface StoredEntry {
  rt: ResourceType;
  obj: KubeObject;
}

/** The store's whole state, as persistence.ts writes it. */
export interface StoreSnapshot {
  resourceVersion: number;
  objects: StoredEntry[];
  applied: Record<string, KubeObject>;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Now as an RFC 3339 timestamp with second precision, as Kubernetes writes them. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Everything that counts for `generation`: all but metadata, apiVersion, kind (and a subresource status). */
export function specOf(rt: ResourceType, obj: KubeObject): unknown {
  const { metadata: _m, status, apiVersion: _a, kind: _k, ...rest } = obj;
  return rt.status ? rest : { ...rest, status };
}

/** 422 unless `name` is a lowercase RFC 1123 subdomain. */
export function validateName(rt: ResourceType, name: string): void {
  if (!name) throw invalid(rt, '', 'metadata.name', 'Required value: name or generateName is required');
  if (!NAME.test(name) || name.length > 253) {
    throw invalid(
      rt,
      name,
      'metadata.name',
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
    );
  }
}

/**
 * The object a PUT of `body` makes of `prev`: system metadata (uid, creationTimestamp, generation,
 * namespace, deletion fields) kept from `prev`, and status too for kinds with a status subresource.
 */
export function replacement(rt: ResourceType, prev: KubeObject, body: KubeObject, name: string): KubeObject {
  const next = clone(body);
  const { uid, creationTimestamp, generation, namespace } = prev.metadata;
  const { deletionTimestamp, deletionGracePeriodSeconds } = prev.metadata;
  Object.assign(next.metadata, {
    name,
    uid,
    creationTimestamp,
    generation,
    ...(namespace ? { namespace } : {}),
  });
  delete next.metadata.deletionTimestamp;
  delete next.metadata.deletionGracePeriodSeconds;
  if (deletionTimestamp) Object.assign(next.metadata, { deletionTimestamp, deletionGracePeriodSeconds });
  if (rt.status) next.status = prev.status;
  if (next.status === undefined) delete next.status;
  return next;
}

/** 422 when an update adds finalizers to an object being deleted. */
export function checkNewFinalizers(rt: ResourceType, prev: KubeObject, next: KubeObject): void {
  if (!prev.metadata.deletionTimestamp) return;
  const before = new Set((prev.metadata.finalizers as string[] | undefined) ?? []);
  const added = ((next.metadata.finalizers as string[] | undefined) ?? []).filter((f) => !before.has(f));
  if (added.length > 0) {
    throw invalid(
      rt,
      prev.metadata.name ?? '',
      'metadata.finalizers',
      `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
    );
  }
}
