/**
 * GitOps sourcing (docs/gitops.md), the sweep's second job for a cluster that opted in
 * (`gitops.enabled` on its record): one metadata-only LIST of the cluster's Canary objects; an
 * object whose generation is not the one we registered is read in full and registered through
 * the API's own use case (source `cluster`); an object being deleted deletes its canary
 * (revertOnDeletion honoured: the object keeps our finalizer until the canary row is gone).
 *
 * Two controllers never drive one canary: while a Flagger Deployment runs in the cluster, only
 * objects claimed with the annotation `flagger-serverless.app/claim: "true"` are sourced.
 */
import { invalidStatus, registeredStatus, showsStatus } from '../domain/flagger-status.js';
import { redactText } from '../domain/redaction.js';
import {
  CLAIM_ANNOTATION,
  FINALIZER,
  GENERATION_ANNOTATION,
  type CanaryObjectMeta,
  type CanaryObjects,
} from '../ports/canary-objects.js';
import type { Logger } from '../ports/logger.js';
import { NotFoundError, ValidationError } from './errors.js';
import { deleteCanary, registerCanary, type RegisterDeps } from './register-canary.js';
import { clusterObjectsAccess } from './access.js';

export interface GitOpsDeps {
  register: RegisterDeps;
  /** Whether the cluster's record opted in (`gitops.enabled`). */
  enabled(cluster: string, signal: AbortSignal): Promise<boolean>;
  objects(cluster: string, signal: AbortSignal): Promise<CanaryObjects>;
  logger: Logger;
}

/** What one sync did, by `namespace/name`. */
export interface SyncOutcome {
  /** Canary objects listed. */
  objects: number;
  registered: string[];
  /** Objects whose Canary could not be registered (the reason is on the object). */
  invalid: string[];
  deleted: string[];
  /** Unclaimed objects left alone because Flagger runs in the cluster. */
  refused: string[];
  /** `namespace/name` of the Flagger Deployment found, if any. */
  flagger?: string;
}

/** Undefined when the cluster did not opt in (nothing is listed). */
export async function syncCanaryObjects(
  deps: GitOpsDeps,
  cluster: string,
  signal: AbortSignal,
): Promise<SyncOutcome | undefined> {
  if (!(await deps.enabled(cluster, signal))) return undefined;
  const objects = await deps.objects(cluster, signal);
  const listed = await objects.list(signal);
  const out: SyncOutcome = { objects: listed.length, registered: [], invalid: [], deleted: [], refused: [] };
  // Only asked when there is something to source: a cluster without Canary objects costs one LIST.
  const pending = listed.filter((o) => needsWork(o));
  if (pending.length === 0) return out;
  out.flagger = await objects.flagger(signal);
  const ctx: SyncContext = { deps, objects, cluster, signal, out };
  for (const o of pending) {
    const ref = `${o.namespace}/${o.name}`;
    if (out.flagger && o.annotations[CLAIM_ANNOTATION] !== 'true') {
      out.refused.push(ref);
      continue;
    }
    try {
      if (o.deleting) await removed(ctx, o);
      else await changed(ctx, o);
    } catch (e) {
      signal.throwIfAborted();
      deps.logger.warn('Canary object could not be synced; retried at the next sweep', {
        cluster,
        object: ref,
        error: (e as Error).message,
        reason: 'CanaryObjectSyncFailed',
      });
    }
  }
  if (out.refused.length > 0)
    deps.logger.warn(
      `Flagger runs in cluster "${cluster}" (Deployment ${out.flagger}, label app.kubernetes.io/name=flagger): ` +
        `its Canary objects are not sourced, lest two controllers drive one canary; annotate an object ` +
        `${CLAIM_ANNOTATION}: "true" to source it anyway (docs/gitops.md)`,
      { cluster, objects: out.refused.slice(0, 20), reason: 'ClusterSourcingRefused' },
    );
  return out;
}

/** One sync's inputs and what it did so far. */
interface SyncContext {
  deps: GitOpsDeps;
  objects: CanaryObjects;
  cluster: string;
  signal: AbortSignal;
  out: SyncOutcome;
}

/** A new or changed object, or one being deleted that still holds our finalizer. */
function needsWork(o: CanaryObjectMeta): boolean {
  if (o.deleting) return o.finalizers.includes(FINALIZER);
  return o.annotations[GENERATION_ANNOTATION] !== String(o.generation);
}

async function changed(ctx: SyncContext, o: CanaryObjectMeta): Promise<void> {
  const { deps, objects, cluster, signal, out } = ctx;
  const ref = `${o.namespace}/${o.name}`;
  const full = (await objects.read(o.namespace, o.name, signal)) as Record<string, unknown> | undefined;
  if (!full) return;
  const registered = o.finalizers.includes(FINALIZER);
  const at = new Date(deps.register.now()).toISOString();
  try {
    const access = clusterObjectsAccess(cluster, actorOf(cluster, ref), signal);
    const r = await registerCanary(deps.register, access, cluster, manifestOf(full, o), signal, {
      source: 'cluster',
    });
    const kind = (r.record.manifest as { spec: { targetRef: { kind: string } } }).spec.targetRef.kind;
    await showStatus(ctx, o, full, registeredStatus(r.record.status, at, kind));
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    // Through the redaction rule, as logs and history records are: a message may quote a value.
    const error = redactText(e.message).slice(0, 1000);
    // A registered canary runs on with its last valid spec: its status stays the object's.
    if (!registered) await showStatus(ctx, o, full, invalidStatus(error, at));
    // Marked with this generation: not read again until the object changes.
    await objects.mark(
      o.namespace,
      o.name,
      { generation: o.generation, error, finalizer: registered ? 'add' : 'remove' },
      signal,
    );
    out.invalid.push(ref);
    deps.logger.warn('Canary object refused', {
      cluster,
      object: ref,
      error: e.message,
      reason: 'CanaryObjectInvalid',
    });
    return;
  }
  await objects.mark(o.namespace, o.name, { generation: o.generation, finalizer: 'add' }, signal);
  out.registered.push(ref);
}

/**
 * Writes `wanted` to the object's status unless it shows it already. Conditional on the version
 * read: a step that wrote meanwhile (the registration queued it) wrote a newer status, which stays.
 * Best effort, as the steps' write-back: a failure is logged, the first step writes it again.
 */
async function showStatus(
  ctx: SyncContext,
  o: CanaryObjectMeta,
  full: Record<string, unknown>,
  wanted: Record<string, unknown>,
): Promise<void> {
  if (showsStatus(full.status, wanted)) return;
  const version = (full.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
  try {
    await ctx.objects.writeStatus(o.namespace, o.name, wanted, ctx.signal, version);
  } catch (e) {
    ctx.signal.throwIfAborted();
    ctx.deps.logger.warn('Canary object status not written', {
      cluster: ctx.cluster,
      object: `${o.namespace}/${o.name}`,
      error: (e as Error).message,
      reason: 'CanaryStatusWriteFailed',
    });
  }
}

async function removed(ctx: SyncContext, o: CanaryObjectMeta): Promise<void> {
  const { deps, objects, cluster, signal, out } = ctx;
  const ref = `${o.namespace}/${o.name}`;
  const key = { cluster, namespace: o.namespace, name: o.name };
  let gone: boolean;
  try {
    const access = clusterObjectsAccess(cluster, actorOf(cluster, ref), signal);
    const r = await deleteCanary(deps.register, access, key, signal, { source: 'cluster' });
    gone = r.deleted;
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    gone = true;
  }
  // revertOnDeletion (or traffic still on the canary): the object stays until a step removed the row.
  if (!gone) return;
  await objects.mark(o.namespace, o.name, { generation: o.generation, finalizer: 'remove' }, signal);
  out.deleted.push(ref);
}

/** The Canary as registered: the object's spec under its name, none of the server's metadata. */
function manifestOf(full: Record<string, unknown>, o: CanaryObjectMeta): object {
  const labels = (full.metadata as { labels?: Record<string, string> } | undefined)?.labels;
  return {
    apiVersion: full.apiVersion,
    kind: full.kind,
    metadata: { name: o.name, namespace: o.namespace, ...(labels && { labels }) },
    spec: full.spec,
  };
}

function actorOf(cluster: string, ref: string): string {
  return `Canary object ${ref} in cluster ${cluster}`;
}
