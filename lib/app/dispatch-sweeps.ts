/**
 * Dispatch's second job, once a minute: one sweep per cluster that has idle canaries (lib/app/
 * sweep.ts). A registered cluster costs one small index read here; only clusters with idle
 * canaries get a message and an invocation.
 */
import type { SweepQueue } from '../ports/queue.js';
import type { IdleCanaries } from '../ports/store.js';

export interface SweepDispatchDeps {
  /** The registered clusters, by name. */
  clusters: { names(signal: AbortSignal): Promise<string[]> };
  idle: Pick<IdleCanaries, 'any'>;
  sweeps: SweepQueue;
  now: () => number;
}

export async function dispatchSweeps(
  deps: SweepDispatchDeps,
  signal: AbortSignal,
): Promise<{ sweeps: number }> {
  const names = await deps.clusters.names(signal);
  const busy = await Promise.all(names.map((n) => deps.idle.any(n, signal)));
  const at = deps.now();
  const clusters = names.filter((_, i) => busy[i]);
  await deps.sweeps.send(
    clusters.map((cluster) => ({ cluster, at })),
    signal,
  );
  return { sweeps: clusters.length };
}
