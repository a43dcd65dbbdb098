/**
 * Flagger's status fields of a canary, as the status subresource of its Canary object carries them
 * (docs/gitops.md): what `kubectl get canaries` shows (STATUS, WEIGHT, LASTTRANSITIONTIME) and
 * what `kubectl wait --for=condition=promoted` reads. Our own fields (judge evidence, pending
 * commands, …) stay in the store.
 */
import { canonicalJson } from './canonical.js';
import { promotedCondition, type CanaryStatus } from './status.js';

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

/**
 * What the object shows from the moment its canary is registered, before the first step: as
 * Flagger writes at once, the phase (`Initializing`) with the `Promoted` condition for it, stamped
 * `at`. A status that already carries a condition (an adopted or updated canary) is shown as is.
 */
export function registeredStatus(s: CanaryStatus, at: string, targetKind: string): Record<string, unknown> {
  if (s.conditions.length > 0) return flaggerStatus(s);
  return flaggerStatus({
    ...s,
    lastTransitionTime: s.lastTransitionTime ?? at,
    conditions: [promotedCondition(s.phase, undefined, at, targetKind)],
  });
}

/**
 * What an object whose Canary could not be registered shows: phase `Failed`, and the `Promoted`
 * condition False with why (`message`, the validation errors) — `kubectl get canaries` says
 * Failed and `kubectl describe` the field paths.
 */
export function invalidStatus(message: string, at: string): Record<string, unknown> {
  return {
    phase: 'Failed',
    canaryWeight: 0,
    failedChecks: 0,
    iterations: 0,
    lastTransitionTime: at,
    conditions: [
      {
        type: 'Promoted',
        status: 'False',
        reason: 'Failed',
        message,
        lastTransitionTime: at,
        lastUpdateTime: at,
      },
    ],
  };
}

/**
 * Whether the object's live status already shows every field of `wanted`, timestamps aside (the
 * status written at registration is stamped with the time of the sweep): then nothing is written.
 */
export function showsStatus(live: unknown, wanted: Record<string, unknown>): boolean {
  const shown = (live ?? {}) as Record<string, unknown>;
  return Object.keys(wanted).every(
    (k) =>
      k === 'lastTransitionTime' || canonicalJson(untimed(shown[k])) === canonicalJson(untimed(wanted[k])),
  );
}

/** A value with the conditions' timestamps left out. */
function untimed(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  return v.map((c: unknown) =>
    typeof c === 'object' && c !== null
      ? { ...c, lastTransitionTime: undefined, lastUpdateTime: undefined }
      : c,
  );
}
