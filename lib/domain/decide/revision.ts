/**
 * Steady phases (Initialized, Succeeded, Failed) and Waiting: new-revision detection
 * (docs/flagger-compatibility.md#change-detection) and the start of a release behind the
 * confirm-rollout gate.
 */
import type { CanaryStatus } from '../status.js';
import type { TargetRevision } from '../observations.js';
import { canaryId, observedTarget, takeCommand, targetId, type Ctx } from './context.js';
import type { Decision, StepDecision } from './decision.js';
import { closedGateStep, confirmGate, isNeed, rollbackHook } from './gates.js';
import { rollback } from './rollback.js';
import { kubeEvent, step } from './step.js';

/** Whether the tracked configs differ from the snapshot (no snapshot but configs, count, checksums). */
export function configsChanged(
  snapshot: Readonly<Record<string, string>> | undefined,
  now: Readonly<Record<string, string>>,
): boolean {
  const keys = Object.keys(now);
  if (snapshot === undefined) return keys.length > 0;
  if (Object.keys(snapshot).length !== keys.length) return true;
  return keys.some((k) => snapshot[k] !== now[k]);
}

/**
 * How the target relates to the status: `new` (a release is due), `same` (nothing changed), or
 * `promoted` — the target is back at the primary's revision (e.g. `kubectl rollout undo` after a
 * failure), which is not a release (`lastPromotedSpec`, as newest Flagger).
 */
function revisionState(status: CanaryStatus, target: Required<TargetRevision>): 'new' | 'same' | 'promoted' {
  if (status.lastAppliedSpec === undefined) return 'new';
  if (configsChanged(status.trackedConfigs, target.trackedConfigs)) return 'new';
  if (target.revision === status.lastAppliedSpec) return 'same';
  if (target.revision === status.lastPromotedSpec) return 'promoted';
  return 'new';
}

const steadyPhases = new Set(['Initialized', 'Succeeded', 'Failed', 'Waiting']);

/** Steps of the steady phases and of Waiting; undefined for the other phases. */
export function steady(ctx: Ctx): Decision | undefined {
  if (!steadyPhases.has(ctx.status.phase)) return undefined;
  const target = observedTarget(ctx);
  if (ctx.status.phase === 'Waiting') return waiting(ctx);
  const retry = ctx.status.phase === 'Failed' ? takeCommand(ctx, 'retry') : undefined;
  const state = revisionState(ctx.status, target);
  if (retry) return startRelease(ctx, 'RetryRequested', `retry requested by ${retry.by ?? 'an operator'}`);
  if (state === 'new') return startRelease(ctx, 'NewRevisionDetected', `new revision ${target.revision}`);
  if (state === 'promoted') {
    // Remember it, so that re-applying the failed revision later is a new release again.
    return step(ctx, {
      status: { lastAppliedSpec: target.revision, trackedConfigs: target.trackedConfigs },
      reason: 'NoNewRevision',
      explanation: `target is back at the promoted revision ${target.revision} (manual rollback): not a release`,
    });
  }
  return step(ctx, {
    reason: 'NoNewRevision',
    explanation: `no new revision (${target.revision}, phase ${ctx.status.phase})`,
  });
}

/** Waiting for confirm-rollout: an abort or a rollback hook rejects the revision (→ Failed). */
function waiting(ctx: Ctx): Decision {
  const target = observedTarget(ctx);
  const rejected = { lastAppliedSpec: target.revision, trackedConfigs: target.trackedConfigs };
  const abort = takeCommand(ctx, 'abort');
  if (abort) {
    const who = abort.by ?? 'an operator';
    return rollback(ctx, {
      reason: 'Aborted',
      alert: `Canary aborted by ${who}`,
      event: `Rolling back ${canaryId(ctx)} aborted by ${who}`,
      explanation: `release of ${target.revision} aborted by ${who} while waiting for approval`,
      status: rejected,
    });
  }
  const hook = rollbackHook(ctx);
  if (isNeed(hook)) return hook;
  if (hook.triggered) {
    return rollback(ctx, {
      reason: 'RollbackHookTriggered',
      alert: 'Rolling back manual webhook invoked',
      event: `Rolling back ${canaryId(ctx)} manual webhook invoked`,
      explanation: `rollback hook ${hook.hook} answered OK while waiting for approval`,
      status: rejected,
    });
  }
  return startRelease(ctx, 'NewRevisionDetected', `revision ${target.revision}`);
}

/**
 * Starts a release behind the confirm-rollout gate: closed ⇒ phase Waiting (re-polled every step,
 * no failed check); open ⇒ snapshot the revision, reset the counters, scale the target up, phase
 * Progressing. The canary receives traffic only after a readiness check on a later step.
 */
function startRelease(ctx: Ctx, reason: 'NewRevisionDetected' | 'RetryRequested', why: string): Decision {
  const gate = confirmGate(ctx, 'confirm-rollout');
  if (gate.state === 'need') return gate.decision;
  if (gate.state === 'closed')
    return closedGateStep(ctx, 'confirm-rollout', gate, { reason: 'WaitingForApproval', phase: 'Waiting' });
  return progressing(ctx, reason, why);
}

function progressing(ctx: Ctx, reason: 'NewRevisionDetected' | 'RetryRequested', why: string): StepDecision {
  const target = observedTarget(ctx);
  return step(ctx, {
    status: {
      phase: 'Progressing',
      canaryWeight: 0,
      primaryWeight: 100,
      failedChecks: 0,
      iterations: 0,
      mirrored: false,
      lastAppliedSpec: target.revision,
      trackedConfigs: target.trackedConfigs,
      waitingSince: undefined,
      waitingFor: undefined,
      notified: {},
    },
    actions: [
      { kind: 'scaleTargetUp', replicas: 'canary' },
      kubeEvent('Normal', reason, `New revision detected! Scaling up ${targetId(ctx)}`),
    ],
    reason,
    explanation: `${why}: scaling up ${targetId(ctx)}, analysis starts`,
    events: [
      {
        type: 'ReleaseStarted',
        severity: 'info',
        message: 'New revision detected, progressing canary analysis.',
      },
    ],
  });
}
