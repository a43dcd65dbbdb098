/**
 * The active phases — Progressing, WaitingPromotion, Promoting, Finalising — in Flagger's newest tick
 * order (docs/flagger-compatibility.md#analysis-and-the-state-machine), with two deliberate changes:
 * - an operator abort and the rollback hooks are honoured **before** the readiness gates, so a
 *   stuck canary can always be rolled back (upstream #1268);
 * - the canary's readiness is not checked in Promoting/Finalising: the primary then carries the
 *   release, and a flapping canary must not block traffic from moving back to it.
 */
import * as spec from '../spec/accessors.js';
import { canaryId, observedTarget, routesTo, takeCommand, targetId, type Ctx } from './context.js';
import type { Decision, StepDecision } from './decision.js';
import { isNeed, rollbackHook } from './gates.js';
import { runChecks } from './checks.js';
import { promoteStep, promotion, promotionFailed, skipAnalysisStep } from './promotion.js';
import { readinessGate, waitStep } from './readiness.js';
import { configsChanged } from './revision.js';
import { rollback, thresholdCause } from './rollback.js';
import { kubeEvent, step } from './step.js';
import { advance } from './strategies.js';

/** One step of an active phase. */
export function analysis(ctx: Ctx): Decision {
  return (
    abortOrRollbackHook(ctx) ??
    primaryGate(ctx) ??
    revisionChanged(ctx) ??
    promotion(ctx) ??
    canaryGate(ctx) ??
    skipOrPromoteNow(ctx) ??
    thresholdReached(ctx) ??
    runChecks(ctx) ??
    advance(ctx)
  );
}

function analysing(ctx: Ctx): boolean {
  return ctx.status.phase === 'Progressing' || ctx.status.phase === 'WaitingPromotion';
}

function abortOrRollbackHook(ctx: Ctx): Decision | undefined {
  if (!analysing(ctx)) return undefined;
  const abort = takeCommand(ctx, 'abort');
  if (abort) {
    const who = abort.by ?? 'an operator';
    const why = abort.message ? `: ${abort.message}` : '';
    return rollback(ctx, {
      reason: 'Aborted',
      alert: `Canary aborted by ${who}${why}`,
      event: `Rolling back ${canaryId(ctx)} aborted by ${who}${why}`,
      explanation: `aborted by ${who}${why}`,
    });
  }
  const hook = rollbackHook(ctx);
  if (isNeed(hook)) return hook;
  if (!hook.triggered) return undefined;
  return rollback(ctx, {
    reason: 'RollbackHookTriggered',
    alert: 'Rolling back manual webhook invoked',
    event: `Rolling back ${canaryId(ctx)} manual webhook invoked`,
    explanation: `rollback hook ${hook.hook} answered OK: ${hook.explanation}`,
  });
}

/** Primary readiness (not checked with skipAnalysis); failure in promotion keeps the canary. */
function primaryGate(ctx: Ctx): StepDecision | undefined {
  if (spec.skipAnalysis(ctx.canary)) return undefined;
  const gate = readinessGate(ctx, 'primary');
  if (gate.kind === 'ready') return undefined;
  if (gate.kind === 'wait') return waitStep(ctx, 'primary', gate);
  if (!analysing(ctx)) return promotionFailed(ctx, gate.message);
  return deadlineRollback(ctx, gate.message);
}

/** Canary readiness during the analysis; non-retriable or past the deadline ⇒ rollback. */
function canaryGate(ctx: Ctx): StepDecision | undefined {
  const gate = readinessGate(ctx, 'canary');
  if (gate.kind === 'ready') return undefined;
  if (gate.kind === 'wait') return waitStep(ctx, 'canary', gate);
  return deadlineRollback(ctx, gate.message);
}

function deadlineRollback(ctx: Ctx, message: string): StepDecision {
  return rollback(ctx, {
    reason: 'ProgressDeadlineExceeded',
    alert: `Progress deadline exceeded ${message}`,
    event: `Rolling back ${canaryId(ctx)} progress deadline exceeded ${message}`,
    explanation: `progress deadline exceeded: ${message}`,
  });
}

/** A new revision during the analysis restarts it: traffic back to primary, counters reset. */
function revisionChanged(ctx: Ctx): StepDecision | undefined {
  if (!analysing(ctx)) return undefined;
  const target = observedTarget(ctx);
  if (
    target.revision === ctx.status.lastAppliedSpec &&
    !configsChanged(ctx.status.trackedConfigs, target.trackedConfigs)
  )
    return undefined;
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
      notified: {},
    },
    actions: [
      ...routesTo(ctx, 0),
      kubeEvent(
        'Normal',
        'RevisionChangedRestarting',
        `New revision detected! Restarting analysis for ${targetId(ctx)}`,
      ),
    ],
    reason: 'RevisionChangedRestarting',
    explanation: `revision changed during the analysis (${ctx.status.lastAppliedSpec ?? 'none'} → ${target.revision}): restarting`,
    events: [
      {
        type: 'ReleaseStarted',
        severity: 'info',
        message: 'New revision detected, restarting canary analysis.',
      },
    ],
  });
}

function skipOrPromoteNow(ctx: Ctx): StepDecision | undefined {
  if (spec.skipAnalysis(ctx.canary)) return skipAnalysisStep(ctx);
  const cmd = takeCommand(ctx, 'promote');
  if (!cmd) return undefined;
  return promoteStep(
    ctx,
    'PromotedByOperator',
    `promotion requested by ${cmd.by ?? 'an operator'}: skipping the rest of the analysis`,
  );
}

/** A status that already holds `failedChecks ≥ threshold` (e.g. the threshold was lowered) rolls back. */
function thresholdReached(ctx: Ctx): StepDecision | undefined {
  const { failedChecks } = ctx.status;
  if (failedChecks < spec.threshold(ctx.canary)) return undefined;
  return rollback(ctx, thresholdCause(ctx, failedChecks));
}
