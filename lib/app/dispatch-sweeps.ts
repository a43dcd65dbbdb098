/**
 * Dispatch's second job, once a minute: one sweep per cluster that has idle canaries (lib/app/
 * sweep.ts) or sources Canary objects (`gitops.enabled`, docs/gitops.md). A registered cluster
 * costs one small index read here (none when it sources Canary objects: it is swept anyway); only
 * those clusters get a message and an invocation.
 */
import type { ClusterRegistration } from './clusters.js';
import type { SweepQueue } from '../ports/queue.js';
import type { Documents, IdleCanaries } from '../ports/store.js';

export interface SweepDispatchDeps {
  /** The registered clusters (one Query of their partition). */
  clusters: Pick<Documents<Pick<ClusterRegistration, 'gitops'>>, 'list'>;
  idle: Pick<IdleCanaries, 'any'>;
  sweeps: SweepQueue;
  now: () => number;
}

export async function dispatchSweeps(
  deps: SweepDispatchDeps,
  signal: AbortSignal,
): Promise<{ sweeps: number }> {
  const registered = await deps.clusters.list(signal);
  const names = registered.map((c) => c.name);
  const busy = await Promise.all(
    registered.map((c) =>
      c.doc.gitops?.enabled === true ? Promise.resolve(true) : deps.idle.any(c.name, signal),
    ),
  );
  const at = deps.now();
  const clusters = names.filter((_, i) => busy[i]);
  await deps.sweeps.send(
    clusters.map((cluster) => ({ cluster, at })),
    signal,
  );
  return { sweeps: clusters.length };
}
