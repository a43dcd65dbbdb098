/**
 * Readiness gates with the Canary's progress deadline measured from `status.waitingSince` — the
 * step at which the wait began — rather than from Deployment conditions only (upstream deadlines
 * were often never reached; docs/flagger-compatibility.md#progress-deadline-and-readiness).
 *
 * While waiting, decide() schedules the next step sooner than the interval (at most
 * {@link READINESS_POLL_MS} later) so a release does not lose a whole interval per wait.
 */
import type { Action } from '../actions.js';
import * as spec from '../spec/accessors.js';
import type { WaitingFor } from '../status.js';
import { primaryId, targetId, type Ctx } from './context.js';
import type { StepDecision } from './decision.js';
import { kubeEvent, step } from './step.js';

/** The verdict of a readiness gate. */
export type ReadinessGate =
  { kind: 'ready' } | { kind: 'wait'; since: number; message: string } | { kind: 'failed'; message: string };

function workloadId(ctx: Ctx, which: WaitingFor): string {
  return which === 'primary' ? primaryId(ctx) : targetId(ctx);
}

/**
 * Judges the readiness of the primary or the canary (target) workload:
 * - ready ⇒ `ready`, and a wait for this workload is cleared from `ctx.status`;
 * - not ready and not retriable ⇒ `failed`;
 * - not ready (or not found) and retriable ⇒ `wait`, unless the wait began more than
 *   `progressDeadlineSeconds` ago ⇒ `failed`.
 */
export function readinessGate(ctx: Ctx, which: WaitingFor): ReadinessGate {
  const r = ctx.obs[which];
  const { now } = ctx.obs;
  if (r?.ready === true) {
    if (ctx.status.waitingFor === which)
      ctx.status = { ...ctx.status, waitingSince: undefined, waitingFor: undefined };
    return { kind: 'ready' };
  }
  const message = r === undefined ? `${workloadId(ctx, which)} not found` : r.message;
  if (r !== undefined && !r.retriable) return { kind: 'failed', message };
  const since =
    ctx.status.waitingFor === which && ctx.status.waitingSince !== undefined ? ctx.status.waitingSince : now;
  const deadlineMs = spec.progressDeadlineSeconds(ctx.canary) * 1000;
  if (now - since >= deadlineMs) {
    return {
      kind: 'failed',
      message: `${workloadId(ctx, which)} not ready for ${Math.round((now - since) / 1000)}s (progress deadline ${deadlineMs / 1000}s): ${message}`,
    };
  }
  return { kind: 'wait', since, message };
}

/** A step that only waits for `which` to become ready (re-run soon). */
export function waitStep(
  ctx: Ctx,
  which: WaitingFor,
  gate: { since: number; message: string },
  opts: { actions?: Action[]; reconcile?: boolean } = {},
): StepDecision {
  const reason = which === 'primary' ? 'WaitingForPrimary' : 'WaitingForCanary';
  const deadline = spec.progressDeadlineSeconds(ctx.canary);
  const waited = Math.round((ctx.obs.now - gate.since) / 1000);
  return step(ctx, {
    status: { waitingSince: gate.since, waitingFor: which },
    actions: [
      ...(opts.actions ?? []),
      kubeEvent('Warning', reason, `Halt advancement ${workloadId(ctx, which)} ${gate.message}`),
    ],
    reason,
    explanation: `waiting for ${workloadId(ctx, which)} (${waited}s of ${deadline}s): ${gate.message}`,
    schedule: 'soon',
    reconcile: opts.reconcile,
  });
}
