/** Rollback (docs/flagger-compatibility.md#rollback) and the failed-check bookkeeping that leads to it. */
import type { CheckResult } from '../check.js';
import type { Reason } from '../reasons.js';
import * as spec from '../spec/accessors.js';
import type { CanaryStatus } from '../status.js';
import { canaryId, routesTo, type Ctx } from './context.js';
import type { StepDecision } from './decision.js';
import { kubeEvent, step } from './step.js';

/** Why a rollback happens. */
export interface RollbackCause {
  reason: Reason;
  /** Alert text (Flagger's where there is one): "Failed checks threshold reached 5". */
  alert: string;
  /** Kubernetes event text: "Rolling back podinfo.test failed checks threshold reached 5". */
  event: string;
  explanation: string;
  checks?: CheckResult[];
  /** Extra status changes (e.g. the new failedChecks, or the rejected revision from Waiting). */
  status?: Partial<CanaryStatus>;
}

/**
 * Rolls back: all traffic to the primary, then the target's autoscaler paused and the target
 * scaled to zero (in that order: zero-downtime), then post-rollout hooks with phase Failed.
 * `lastAppliedSpec` keeps the failed revision, so it is not retried until the target changes or an
 * operator sends `retry`.
 */
export function rollback(ctx: Ctx, cause: RollbackCause): StepDecision {
  return step(ctx, {
    status: {
      phase: 'Failed',
      canaryWeight: 0,
      primaryWeight: 100,
      iterations: 0,
      mirrored: false,
      waitingSince: undefined,
      waitingFor: undefined,
      notified: {},
      ...cause.status,
    },
    actions: [
      kubeEvent('Warning', cause.reason, cause.event),
      ...routesTo(ctx, 0),
      kubeEvent('Warning', cause.reason, `Canary failed! Scaling down ${canaryId(ctx)}`),
      { kind: 'scaleTargetToZero' },
      { kind: 'runHooks', type: 'post-rollout', phase: 'Failed' },
    ],
    reason: cause.reason,
    explanation: cause.explanation,
    events: [
      {
        type: 'RolledBack',
        severity: cause.reason === 'RollbackHookTriggered' || cause.reason === 'Aborted' ? 'warn' : 'error',
        message: cause.alert,
        checks: cause.checks,
      },
    ],
  });
}

/**
 * Counts one failed check. Deliberate difference from Flagger: when the count reaches the
 * threshold the rollback happens **in this step**, not on the next one (upstream checks the
 * threshold before running the checks, so it rolls back one interval late).
 */
export function failedCheck(ctx: Ctx, check: CheckResult, reason: Reason): StepDecision {
  const failedChecks = ctx.status.failedChecks + 1;
  const threshold = spec.threshold(ctx.canary);
  if (failedChecks >= threshold) {
    return rollback(ctx, thresholdCause(ctx, failedChecks, check));
  }
  return step(ctx, {
    status: { failedChecks },
    actions: [kubeEvent('Warning', reason, `Halt ${canaryId(ctx)} advancement ${check.explanation}`)],
    reason,
    explanation: `${check.explanation} (failed checks ${failedChecks}/${threshold})`,
    events: [{ type: 'CheckFailed', severity: 'warn', message: check.explanation, checks: [check] }],
  });
}

/** The rollback cause for a reached failed-checks threshold. */
export function thresholdCause(ctx: Ctx, failedChecks: number, check?: CheckResult): RollbackCause {
  const threshold = spec.threshold(ctx.canary);
  const last = check ? `; last: ${check.explanation}` : '';
  return {
    reason: 'RollbackThresholdReached',
    alert: `Failed checks threshold reached ${failedChecks}`,
    event: `Rolling back ${canaryId(ctx)} failed checks threshold reached ${failedChecks}`,
    explanation: `failed checks ${failedChecks}/${threshold} reached the threshold${last}`,
    checks: check ? [check] : undefined,
    status: { failedChecks },
  };
}
