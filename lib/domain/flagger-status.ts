/**
 * Flagger's status fields of a canary, as the status subresource of its Canary object carries them
 * (docs/gitops.md): what `kubectl get canaries` shows (STATUS, WEIGHT, LASTTRANSITIONTIME) and
 * what `kubectl wait --for=condition=promoted` reads. Our own fields (judge evidence, pending
 * commands, …) stay in the store.
 */
import { canonicalJson } from './canonical.js';
import type { CanaryStatus } from './status.js';

export function flaggerStatus(s: CanaryStatus): Record<string, unknown> {
  return {
    phase: s.phase,
    canaryWeight: s.canaryWeight,
    failedChecks: s.failedChecks,
    iterations: s.iterations,
    ...(s.lastAppliedSpec !== undefined && { lastAppliedSpec: s.lastAppliedSpec }),
    ...(s.lastPromotedSpec !== undefined && { lastPromotedSpec: s.lastPromotedSpec }),
    ...(s.lastTransitionTime !== undefined && { lastTransitionTime: s.lastTransitionTime }),
    ...(s.trackedConfigs !== undefined && { trackedConfigs: s.trackedConfigs }),
    conditions: s.conditions,
  };
}

/** Whether the Canary object's status must be written: its Flagger fields changed. */
export function flaggerStatusChanged(before: CanaryStatus, after: CanaryStatus): boolean {
  return canonicalJson(flaggerStatus(before)) !== canonicalJson(flaggerStatus(after));
}
