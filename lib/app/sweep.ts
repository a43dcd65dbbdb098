/**
 * The sweep of one cluster (docs/architecture.md, "Idle canaries: the sweep"): read what its idle
 * canaries last saw (one index Query), list the collections those records refer to — one
 * metadata-only LIST per collection and namespace, however many canaries share it — and queue a
 * step for exactly the canaries whose objects changed. An idle canary that nothing changed for
 * costs no write, no message and no invocation; its periodic full step is scheduled by its own
 * last step (nextRunAt, lib/domain/sweep/idle.ts), not here.
 */
import { changes, type Change } from '../domain/sweep/compare.js';
import { collectionsOf } from '../domain/sweep/seen.js';
import type { Inventory } from '../ports/inventory.js';
import type { Logger } from '../ports/logger.js';
import type { WorkQueue } from '../ports/queue.js';
import { keyString, type CanaryKey, type IdleCanaries } from '../ports/store.js';
import { syncCanaryObjects, type GitOpsDeps, type SyncOutcome } from './sync-canary-objects.js';
import {
  syncTemplateObjects,
  type TemplateSyncDeps,
  type TemplateSyncOutcome,
} from './sync-template-objects.js';

export interface SweepDeps {
  idle: IdleCanaries;
  inventory: Inventory;
  queue: WorkQueue;
  logger: Logger;
  now: () => number;
  /** GitOps sourcing (lib/app/sync-canary-objects.ts), for clusters that opt in. */
  gitops?: GitOpsDeps;
  /** GitOps sourcing of MetricTemplates and AlertProviders (lib/app/sync-template-objects.ts). */
  templates?: TemplateSyncDeps;
}

/** What one sweep did. */
export interface SweepOutcome {
  /** Idle canaries compared. */
  canaries: number;
  /** LIST requests made (collections listed). */
  lists: number;
  /** Canaries a step was queued for. */
  stepped: CanaryKey[];
  /** Collections that could not be listed (their canaries were stepped). */
  failed: string[];
  /** What GitOps sourcing did (absent: the cluster did not opt in). */
  gitops?: SyncOutcome;
  /** What sourcing MetricTemplates and AlertProviders did (absent: the cluster did not opt in). */
  templates?: TemplateSyncOutcome;
}

/**
 * The idle canaries' sweep, then (when the cluster opted in) its MetricTemplates and
 * AlertProviders — before its Canary objects, so a Canary applied with its template finds it —
 * and its Canary objects.
 */
export async function sweepCluster(
  deps: SweepDeps,
  cluster: string,
  signal: AbortSignal,
): Promise<SweepOutcome> {
  const idle = await sweepIdle(deps, cluster, signal);
  const templates = deps.templates && (await syncTemplateObjects(deps.templates, cluster, signal));
  const gitops = deps.gitops && (await syncCanaryObjects(deps.gitops, cluster, signal));
  return { ...idle, ...(templates && { templates }), ...(gitops && { gitops }) };
}

async function sweepIdle(deps: SweepDeps, cluster: string, signal: AbortSignal): Promise<SweepOutcome> {
  const idle = await deps.idle.list(cluster, signal);
  if (idle.length === 0) return { canaries: 0, lists: 0, stepped: [], failed: [] };
  const collections = collectionsOf(idle.map((c) => c.seen.objects));
  const listing = await deps.inventory.stamps(cluster, collections, signal);
  const now = deps.now();
  const changed = idle
    .map((c) => ({ canary: c, found: changes(c.seen.objects, listing) }))
    .filter((x) => x.found.length > 0);
  for (const { canary, found } of changed) {
    deps.logger.info('idle canary saw a change: step queued', {
      canary: keyString(canary.key),
      changes: found.slice(0, 5).map(describe),
      reason: 'SweepChangeFound',
    });
  }
  const failed = [...listing.failed].map(([collection, why]) => `${collection}: ${why}`);
  if (failed.length > 0)
    deps.logger.warn('sweep could not list: the canaries watching these collections are stepped instead', {
      cluster,
      collections: failed,
      reason: 'SweepListFailed',
    });
  await deps.queue.send(
    changed.map(({ canary }) => ({ key: canary.key, dueAt: now, seenAt: canary.seen.at })),
    now,
    signal,
  );
  return {
    canaries: idle.length,
    lists: collections.length,
    stepped: changed.map((x) => x.canary.key),
    failed,
  };
}

function describe(c: Change): string {
  return `${c.ref}: ${c.was} → ${c.now}`;
}
