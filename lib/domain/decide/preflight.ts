/**
 * What happens before any analysis: deletion (Terminating/Terminated), `spec.suspend`, the operator's
 * pause/resume, and a missing target (docs/flagger-compatibility.md#deletion-and-revertondeletion).
 */
import * as spec from '../spec/accessors.js';
import {
  canaryId,
  liveCanaryWeight,
  liveMirrored,
  routesTo,
  takeCommand,
  targetId,
  type Ctx,
} from './context.js';
import type { StepDecision } from './decision.js';
import { readinessGate, waitStep } from './readiness.js';
import { kubeEvent, step } from './step.js';

/** The first stage: returns a step when nothing else may run this time. */
export function preflight(ctx: Ctx): StepDecision | undefined {
  return terminating(ctx) ?? suspended(ctx) ?? paused(ctx) ?? targetMissing(ctx);
}

function terminating(ctx: Ctx): StepDecision | undefined {
  const { phase } = ctx.status;
  if (phase === 'Terminated') {
    ctx.commandUsed = true;
    return step(ctx, {
      reason: 'Terminated',
      explanation: 'canary deleted; nothing to do',
      schedule: 'never',
      reconcile: false,
    });
  }
  if (phase === 'Terminating') return revert(ctx);
  if (!takeCommand(ctx, 'delete')) return undefined;
  if (ctx.canary.spec.revertOnDeletion !== true) {
    // Traffic still on the canary goes back to the primary: no step follows a deleted canary.
    const back = liveCanaryWeight(ctx) > 0 || liveMirrored(ctx);
    return step(ctx, {
      status: { phase: 'Terminated', canaryWeight: 0, mirrored: false },
      actions: back
        ? [...routesTo(ctx, 0), ...(ctx.routed ? [] : [{ kind: 'pointApexAtPrimary' as const }])]
        : [],
      reason: 'Terminated',
      explanation: back
        ? 'canary deleted without revertOnDeletion: all traffic routed back to the primary, the target is left as it is'
        : 'canary deleted without revertOnDeletion: generated objects are garbage-collected, the target is left as it is',
      schedule: 'never',
      reconcile: false,
    });
  }
  return step(ctx, {
    status: { phase: 'Terminating', waitingSince: ctx.obs.now, waitingFor: 'canary' },
    // Scale the target back up first; traffic moves to it only once it is ready (next steps).
    actions: [{ kind: 'scaleTargetUp', replicas: 'primary' }],
    reason: 'Terminating',
    explanation: `canary deleted with revertOnDeletion: scaling ${targetId(ctx)} back up before reverting traffic`,
    schedule: 'soon',
    reconcile: false,
  });
}

/** Terminating: wait for the target, then point the apex at it and restore the routing objects. */
function revert(ctx: Ctx): StepDecision {
  ctx.commandUsed = true;
  const gate = readinessGate(ctx, 'canary');
  if (gate.kind !== 'ready') {
    // Never switch traffic to a target that is not ready, even past the deadline: keep waiting.
    const since = ctx.status.waitingSince ?? ctx.obs.now;
    return waitStep(ctx, 'canary', { since, message: gate.message }, { reconcile: false });
  }
  return step(ctx, {
    status: { phase: 'Terminated', waitingSince: undefined, waitingFor: undefined },
    actions: [
      { kind: 'pointApexAtTarget' },
      ...(ctx.routed ? [{ kind: 'finalizeRoutes' as const }] : []),
      kubeEvent('Normal', 'Terminated', `Canary ${canaryId(ctx)} deleted, ${targetId(ctx)} restored`),
    ],
    reason: 'Terminated',
    explanation: `${targetId(ctx)} is ready: apex Service and routing restored`,
    schedule: 'never',
    reconcile: false,
  });
}

function suspended(ctx: Ctx): StepDecision | undefined {
  if (!spec.suspended(ctx.canary)) return undefined;
  // A suspended canary takes no step at all; a pending command waits for it.
  ctx.commandUsed = true;
  return step(ctx, {
    status: { pendingCommand: ctx.command },
    actions: [kubeEvent('Normal', 'Suspended', 'skipping canary run as object is suspended')],
    reason: 'Suspended',
    explanation: 'spec.suspend is true: no analysis step',
    reconcile: false,
  });
}

function paused(ctx: Ctx): StepDecision | undefined {
  if (takeCommand(ctx, 'pause')) {
    return step(ctx, {
      status: { paused: true },
      reason: 'Paused',
      explanation: `paused by ${ctx.command?.by ?? 'an operator'}`,
      reconcile: false,
    });
  }
  const resume = takeCommand(ctx, 'resume');
  if (resume) ctx.status = { ...ctx.status, paused: false };
  if (resume && ctx.obs.actionOnly)
    return step(ctx, {
      reason: 'Resumed',
      explanation: `resumed by ${resume.by ?? 'an operator'}: the analysis goes on at its next step`,
      reconcile: false,
    });
  // An abort is honoured even while paused (it also ends the pause).
  if (ctx.status.paused === true && ctx.command?.kind === 'abort')
    ctx.status = { ...ctx.status, paused: false };
  if (ctx.status.paused !== true) return undefined;
  return step(ctx, {
    reason: 'Paused',
    explanation: 'paused by an operator: no analysis step until resume',
    reconcile: false,
  });
}

function targetMissing(ctx: Ctx): StepDecision | undefined {
  if (ctx.obs.target !== undefined) return undefined;
  const kind = ctx.canary.spec.targetRef.kind;
  return step(ctx, {
    actions: [kubeEvent('Warning', 'TargetNotFound', `${kind} ${targetId(ctx)} not found, retrying`)],
    reason: 'TargetNotFound',
    explanation: `${kind} ${targetId(ctx)} not found`,
    reconcile: false,
  });
}
