/**
 * The stamp a step may record for one object, from what its own requests saw (pure; the
 * Kubernetes adapter feeds it every answer of the step, lib/adapters/kubernetes/object-ledger.ts).
 *
 * The rule: the first answer sets the stamp; our own writes move it; an answer that shows a change
 * we did not make freezes it at what we saw before. A frozen stamp differs from the live object,
 * so the next sweep asks for a step, which then sees the change: a change made by someone else
 * during a step is never recorded as seen. Generations tell our writes from others': a write of
 * ours moves a generation by at most one, so a larger jump means someone else wrote in between
 * (a new image set while the step scaled the target, say). Resource versions cannot tell; for
 * kinds without generations (Services, ConfigMaps) a change made between our read and our write
 * is recorded, and found again by the periodic full reconcile.
 */
import { ABSENT } from './seen.js';

/** What one request of the step did to one object. */
export type Touch =
  /** A GET answered with the object (stamp from its metadata). */
  | { kind: 'read'; stamp: string }
  /** A GET answered 404. */
  | { kind: 'missing' }
  /** Our create, update or patch answered with the object. */
  | { kind: 'wrote'; stamp: string }
  /** Our delete. */
  | { kind: 'deleted' };

/** Where one object stands after the touches so far. */
export interface Trail {
  stamp: string;
  /** False once an answer showed a change that was not ours: the stamp no longer moves. */
  trusted: boolean;
}

/** The trail after one more touch. */
export function follow(trail: Trail | undefined, touch: Touch): Trail {
  const now = touch.kind === 'read' || touch.kind === 'wrote' ? touch.stamp : ABSENT;
  if (trail === undefined) return { stamp: now, trusted: true };
  if (!trail.trusted) return trail;
  switch (touch.kind) {
    case 'read':
    case 'missing':
      return now === trail.stamp ? trail : { stamp: trail.stamp, trusted: false };
    case 'deleted':
      return { stamp: ABSENT, trusted: true };
    case 'wrote':
      return ours(trail.stamp, now) ? { stamp: now, trusted: true } : { stamp: trail.stamp, trusted: false };
  }
}

/** Whether a write that left `after` can be ours alone, starting from `before`. */
function ours(before: string, after: string): boolean {
  const from = generation(before);
  const to = generation(after);
  if (from === undefined || to === undefined) return true;
  return to === from || to === from + 1;
}

function generation(stamp: string): number | undefined {
  return /^g\d+$/.test(stamp) ? Number(stamp.slice(1)) : undefined;
}
