/**
 * Dispatch: find the canaries whose next step is due within the window (Query on the sharded due
 * index, never Scan) and queue one message per step, delayed to its second. Steps that come due
 * later are found by the next dispatch, or queued by the step before them (see advance-canary).
 */
import type { WorkQueue } from '../ports/queue.js';
import type { CanaryStore } from '../ports/store.js';

export interface DispatchDeps {
  store: CanaryStore;
  queue: WorkQueue;
  now: () => number;
}

export async function dispatchDue(
  deps: DispatchDeps,
  windowMs: number,
  signal: AbortSignal,
): Promise<{ queued: number }> {
  const now = deps.now();
  const due = await deps.store.listDue(now + windowMs, signal);
  await deps.queue.send(
    due.map((d) => ({ key: d.key, dueAt: Math.max(d.nextRunAt, now) })),
    now,
    signal,
  );
  return { queued: due.length };
}
