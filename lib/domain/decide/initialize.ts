/**
 * Initialization (Flagger's 0.20.4 zero-downtime order): create the Services and the primary, wait
 * until the primary is ready, and only then move the apex Service to the primary and scale the target
 * to zero.
 */
import type { Action } from '../actions.js';
import { canaryId, observedTarget, type Ctx } from './context.js';
import type { StepDecision } from './decision.js';
import { readinessGate, waitStep } from './readiness.js';
import { kubeEvent, step } from './step.js';

const prepare: Action[] = [{ kind: 'bootstrap' }];

/**
 * Steps of phase Initializing. Deliberate difference from Flagger: a primary that misses the
 * progress deadline during initialization does not "roll back" (upstream then scales the target
 * to zero with nothing ready to serve); the phase stays Initializing, the target keeps serving and
 * the wait is reported every step.
 */
export function initializing(ctx: Ctx): StepDecision | undefined {
  if (ctx.status.phase !== 'Initializing') return undefined;
  const gate = readinessGate(ctx, 'primary');
  if (gate.kind === 'ready') return initialized(ctx);
  if (ctx.obs.primary === undefined && ctx.status.waitingFor !== 'primary') {
    return step(ctx, {
      status: { waitingSince: ctx.obs.now, waitingFor: 'primary' },
      actions: prepare,
      reason: 'Initializing',
      explanation: 'new canary: creating the Services and the primary workload',
      schedule: 'soon',
      reconcile: false,
    });
  }
  const since = ctx.status.waitingSince ?? ctx.obs.now;
  return waitStep(ctx, 'primary', { since, message: gate.message }, { actions: prepare, reconcile: false });
}

function initialized(ctx: Ctx): StepDecision {
  const target = observedTarget(ctx);
  return step(ctx, {
    status: {
      phase: 'Initialized',
      canaryWeight: 0,
      primaryWeight: 100,
      failedChecks: 0,
      iterations: 0,
      mirrored: false,
      lastAppliedSpec: target.revision,
      lastPromotedSpec: target.revision,
      trackedConfigs: target.trackedConfigs,
      waitingSince: undefined,
      waitingFor: undefined,
    },
    actions: [
      ...prepare,
      // Only now, with the primary ready, does traffic leave the target.
      { kind: 'pointApexAtPrimary' },
      ...(ctx.routed ? [{ kind: 'reconcileRoutes' as const }] : []),
      { kind: 'scaleTargetToZero' },
      kubeEvent('Normal', 'Initialized', `Initialization done! ${canaryId(ctx)}`),
    ],
    reason: 'Initialized',
    explanation: `primary ready: apex Service moved to the primary, target scaled to zero (revision ${target.revision})`,
    events: [
      {
        type: 'Initialized',
        severity: 'info',
        message: `New ${ctx.canary.spec.targetRef.kind} detected, initialization completed.`,
      },
    ],
    reconcile: false,
  });
}
