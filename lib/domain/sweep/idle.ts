/**
 * Which canaries are idle (pure): nothing is released and nothing waits for a person — Flagger's
 * steady phases, where a step only looks for a new revision. Idle canaries are not stepped every
 * interval: the per-cluster sweep watches what they saw and asks for a step when it changed, and a
 * full step still runs every reconcile period (docs/state-machine.md, "Scheduling").
 */
import type { Phase } from '../phase.js';
import { intervalSeconds } from '../spec/accessors.js';
import type { Canary } from '../spec/schema.js';
import type { CanaryStatus } from '../status.js';

const IDLE_PHASES: ReadonlySet<Phase> = new Set(['Initialized', 'Succeeded', 'Failed']);

/**
 * Idle: a steady phase, no operator command waiting for a step, and not paused. A paused canary
 * keeps its interval: its steps look at nothing, so what they saw must not silence the sweep once
 * it is resumed.
 */
export function isIdle(status: CanaryStatus): boolean {
  return IDLE_PHASES.has(status.phase) && status.pendingCommand === undefined && status.paused !== true;
}

/**
 * How long after a step an idle canary's next full step runs: the reconcile period, and never
 * sooner than one analysis interval (an idle canary is never stepped more often than before).
 */
export function reconcileDelayMs(canary: Canary, reconcileMs: number): number {
  return Math.max(intervalSeconds(canary) * 1000, reconcileMs);
}
