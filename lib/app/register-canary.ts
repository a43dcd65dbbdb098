/**
 * Register, update and delete canaries (the API's `POST /canaries` and `DELETE`). A manifest is
 * validated, the caller must hold `register` in its cluster and namespace, its cluster must be
 * registered; the target Deployment need not exist yet.
 */
import { canonicalJson } from '../domain/canonical.js';
import * as spec from '../domain/spec/accessors.js';
import { formatErrors, parseCanary } from '../domain/spec/parse.js';
import { routingFindings } from '../domain/spec/validate.js';
import { deletionNeedsStep } from '../domain/deletion.js';
import type { Canary } from '../domain/spec/schema.js';
import { initialStatus, type CanaryStatus } from '../domain/status.js';
import type { ClusterRegistration } from './clusters.js';
import type { WorkQueue } from '../ports/queue.js';
import type { CanaryKey, CanaryRecord, CanaryStore, Documents, History } from '../ports/store.js';
import { ConflictError } from '../ports/store.js';
import type { Access } from './access.js';
import { NotFoundError, StateConflictError, ValidationError } from './errors.js';

export interface RegisterDeps {
  store: CanaryStore<CanaryStatus>;
  history: History;
  clusters: Documents<ClusterRegistration>;
  queue: WorkQueue;
  now: () => number;
  newId: () => string;
  /** The deployment's default provider (DEFAULT_PROVIDER), after the cluster record's. */
  defaultProvider: spec.Provider;
}

export interface RegisterResult {
  created: boolean;
  /** The stored manifest was already this one: nothing written, no step queued. */
  unchanged: boolean;
  record: CanaryRecord<CanaryStatus>;
  warnings: string[];
}

/**
 * Where a registration or deletion comes from: the API (default) or a Canary object in the cluster
 * (the sweep, docs/gitops.md). The rule for a canary defined both ways: the cluster's object wins.
 * It adopts an API-registered canary of the same cluster, namespace and name, and the API refuses
 * (409) to overwrite or delete a canary its Canary object defines — the object would put it back.
 */
export interface SourceOption {
  source?: 'api' | 'cluster';
}

/** Creates (201) or updates like `kubectl apply` (200) the canary described by `manifest`. */
export async function registerCanary(
  deps: RegisterDeps,
  access: Access,
  cluster: string,
  manifest: string | object,
  signal: AbortSignal,
  opts: SourceOption = {},
): Promise<RegisterResult> {
  const parsed = parseCanary(manifest);
  if (!parsed.ok) throw new ValidationError(`invalid Canary:\n${formatErrors(parsed.errors)}`, parsed.errors);
  const canary = parsed.canary;
  await access.require('register', { cluster, namespace: canary.metadata.namespace });
  const actor = access.actor;
  const record = await deps.clusters.get(cluster, signal);
  if (!record)
    throw new ValidationError(`cluster "${cluster}" is not registered`, [
      { path: 'query.cluster', message: `expected a registered cluster (GET /clusters), got "${cluster}"` },
    ]);
  checkProvider(canary, record.defaultProvider ?? deps.defaultProvider);
  const key = { cluster, namespace: canary.metadata.namespace, name: canary.metadata.name };
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = deps.now();
    const existing = await deps.store.get(key, signal);
    refuseClusterSourced(existing, opts, 'overwrite');
    const fromCluster = opts.source === 'cluster';
    const adopted = fromCluster && existing !== undefined && existing.source !== 'cluster';
    if (existing && !adopted && sameManifest(existing.manifest, canary)) {
      return { created: false, unchanged: true, record: existing, warnings: parsed.warnings };
    }
    const source = fromCluster ? { source: 'cluster' as const } : {};
    const next: CanaryRecord<CanaryStatus> = existing
      ? {
          ...existing,
          ...source,
          manifest: canary,
          nextRunAt: Math.min(existing.nextRunAt ?? now, now),
          updatedAt: now,
        }
      : {
          key,
          manifest: canary,
          status: initialStatus(),
          version: 0,
          nextRunAt: now,
          createdAt: now,
          updatedAt: now,
          ...source,
        };
    try {
      const saved = await deps.store.save(next, existing?.version ?? 0, signal);
      await deps.history.append(
        {
          key,
          at: now,
          id: deps.newId(),
          kind: 'registration',
          actor,
          phase: saved.status.phase,
          reason: existing ? 'CanaryUpdated' : 'CanaryRegistered',
          explanation: `${existing ? 'updated' : 'registered'} by ${actor}${adopted ? ' (adopted by its Canary object in the cluster: the object now defines it)' : ''}`,
        },
        signal,
      );
      await deps.queue.send([{ key, dueAt: now }], now, signal);
      return { created: !existing, unchanged: false, record: saved, warnings: parsed.warnings };
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
  }
  throw new ConflictError(
    `canary ${cluster}/${key.namespace}/${key.name} is changing concurrently; try again`,
  );
}

/** The API may not change what a Canary object in the cluster defines (see {@link SourceOption}). */
function refuseClusterSourced(
  existing: CanaryRecord<CanaryStatus> | undefined,
  opts: SourceOption,
  what: 'overwrite' | 'delete',
): void {
  if (existing?.source !== 'cluster' || opts.source === 'cluster') return;
  const { cluster, namespace, name } = existing.key;
  throw new StateConflictError(
    `canary ${cluster}/${namespace}/${name} is defined by its Canary object in cluster "${cluster}" ` +
      `(GitOps sourcing, docs/gitops.md): the API may not ${what} it; ` +
      `change or delete the object (kubectl -n ${namespace} ${what === 'delete' ? 'delete' : 'edit'} canary ${name}, or in Git) instead`,
  );
}

function sameManifest(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * The provider that will route the canary: its own, else the cluster's default, else the
 * deployment's (DEFAULT_PROVIDER). A canary that provider cannot route is refused now, with the
 * field path, rather than failing every step later.
 */
function checkProvider(canary: Canary, fallback: spec.Provider): void {
  let provider: spec.Provider;
  try {
    provider = spec.provider(canary, fallback);
  } catch (e) {
    throw new ValidationError((e as Error).message, [
      { path: 'spec.provider', message: (e as Error).message },
    ]);
  }
  if (canary.spec.provider !== undefined) return;
  const { errors } = routingFindings(canary, provider);
  if (errors.length === 0) return;
  const fields = errors.map((e) => ({
    path: e.path.join('.'),
    message: `${e.message} (spec.provider is unset: the default provider "${provider}" routes this canary)`,
  }));
  throw new ValidationError(
    `invalid Canary:\n${fields.map((f) => `${f.path}: ${f.message}`).join('\n')}`,
    fields,
  );
}

export type DeleteResult =
  | { deleted: true }
  /** The row stays until an action step has done `first` (lib/domain/deletion.ts); `why` says so. */
  | { deleted: false; first: 'revert' | 'routeBack'; why: string };

/**
 * Deletes a canary. With `revertOnDeletion` the row stays until the steps have reverted the
 * target (phase Terminating → Terminated), as Flagger's finalizer does; without it, a canary that
 * still has traffic on the target stays until an action step has routed it all to the primary
 * (lib/domain/deletion.ts).
 */
export async function deleteCanary(
  deps: RegisterDeps,
  access: Access,
  key: CanaryKey,
  signal: AbortSignal,
  opts: SourceOption = {},
): Promise<DeleteResult> {
  await access.require('register', key);
  const actor = access.actor;
  const existing = await deps.store.get(key, signal);
  if (!existing) throw new NotFoundError(`canary ${key.cluster}/${key.namespace}/${key.name} not found`);
  refuseClusterSourced(existing, opts, 'delete');
  const canary = existing.manifest as Canary;
  const now = deps.now();
  const record = (reason: string, explanation: string) =>
    deps.history.append(
      {
        key,
        at: now,
        id: deps.newId(),
        kind: 'operator',
        actor,
        phase: existing.status.phase,
        reason,
        explanation,
      },
      signal,
    );
  const first = deletionNeedsStep(canary, existing.status);
  if (first && existing.status.pendingCommand?.kind === 'delete') {
    // Asked before (a repeated DELETE, or the sweep seeing the object still being deleted).
    return { deleted: false, first, why: 'deletion already requested: waiting for its step' };
  }
  if (first) {
    const status = { ...existing.status, pendingCommand: { kind: 'delete' as const, by: actor } };
    await deps.store.save({ ...existing, status, updatedAt: now }, existing.version, signal);
    const why =
      first === 'revert'
        ? 'revertOnDeletion: the target is reverted first (Terminating → Terminated), then the record goes'
        : `traffic on the canary (${existing.status.canaryWeight}%) is routed back to the primary first, then the record goes`;
    await record('OperatorDelete', `${actor} requested delete: ${why}`);
    await deps.queue.send([{ key, dueAt: now, action: true }], now, signal);
    return { deleted: false, first, why };
  }
  await deps.store.delete(key, signal);
  // The history outlives the row: it says who deleted the canary.
  await record('CanaryDeleted', `deleted by ${actor}`);
  return { deleted: true };
}
