/**
 * When a DELETE can remove a canary at once, and when a step must act first (pure). With
 * `revertOnDeletion` the steps revert the target (Flagger's finalizer). Without it, a canary that
 * still sends traffic to the target — mid-release, or mirroring — first gets all traffic back on
 * the primary: nothing would ever move it back once the row is gone.
 */
import type { Canary } from './spec/schema.js';
import type { CanaryStatus } from './status.js';

/** Why a step must run before the row goes, or undefined when it can go at once. */
export function deletionNeedsStep(
  canary: Canary,
  status: Pick<CanaryStatus, 'phase' | 'canaryWeight' | 'mirrored'>,
): 'revert' | 'routeBack' | undefined {
  if (status.phase === 'Terminated') return undefined;
  if (canary.spec.revertOnDeletion === true) return 'revert';
  return status.canaryWeight > 0 || status.mirrored ? 'routeBack' : undefined;
}
