/**
 * Promotion (docs/flagger-compatibility.md#promotion): copy the target to the primary
 * (→ Promoting), move traffic back to the primary once it is ready, at once or by
 * `stepWeightPromotion` (→ Finalising), then scale the target down (→ Succeeded).
 */
import type { Reason } from '../reasons.js';
import * as spec from '../spec/accessors.js';
import { nextPrimaryWeight } from '../weights.js';
import { canaryId, livePrimaryWeight, primaryId, routesTo, targetId, type Ctx } from './context.js';
import type { StepDecision } from './decision.js';
import { kubeEvent, step } from './step.js';

/**
 * Copies the target's template to the primary and enters Promoting, keeping the stamps of the
 * configs it copies for the promotion's last step (lib/domain/reads.ts).
 */
export function promoteStep(
  ctx: Ctx,
  reason: 'PromotionStarted' | 'PromotedByOperator',
  explanation: string,
): StepDecision {
  return step(ctx, {
    status: { phase: 'Promoting', notified: {}, configStamps: ctx.obs.configStamps },
    actions: [
      { kind: 'promote' },
      kubeEvent('Normal', reason, `Copying ${targetId(ctx)} template spec to ${primaryId(ctx)}`),
    ],
    reason,
    explanation,
    events: [
      {
        type: 'PromotionStarted',
        severity: 'info',
        message: 'Canary analysis completed, starting primary rolling update.',
      },
    ],
  });
}

/** Steps of Promoting and Finalising; the primary readiness gate has already passed. */
export function promotion(ctx: Ctx): StepDecision | undefined {
  if (ctx.status.phase === 'Finalising') return finalising(ctx);
  if (ctx.status.phase !== 'Promoting') return undefined;
  if (!ctx.routed) {
    return step(ctx, {
      status: { phase: 'Finalising' },
      reason: 'Finalising',
      explanation: 'primary rolled out; no routing to shift (kubernetes provider)',
    });
  }
  const primary = nextPrimaryWeight(livePrimaryWeight(ctx), spec.stepWeightPromotion(ctx.canary));
  const done = primary === 100;
  return step(ctx, {
    status: {
      phase: done ? 'Finalising' : 'Promoting',
      canaryWeight: 100 - primary,
      primaryWeight: primary,
      mirrored: false,
    },
    actions: [
      ...routesTo(ctx, 100 - primary),
      kubeEvent(
        'Normal',
        done ? 'Finalising' : 'PrimaryWeightIncreased',
        done ? 'Routing all traffic to primary' : `Advance ${canaryId(ctx)} primary weight ${primary}`,
      ),
    ],
    reason: done ? 'Finalising' : 'PrimaryWeightIncreased',
    explanation: done
      ? 'primary rolled out: all traffic back on the primary'
      : `primary rolled out: primary weight ${primary}`,
    events: [{ type: 'WeightChanged', severity: 'info', message: `Primary weight ${primary}%` }],
  });
}

function finalising(ctx: Ctx): StepDecision {
  return succeed(ctx, {
    reason: 'Promoted',
    alert: 'Canary analysis completed successfully, promotion finished.',
    event: `Promotion completed! Scaling down ${targetId(ctx)}`,
    explanation: `promotion of ${ctx.status.lastAppliedSpec ?? 'the target'} finished: target scaled down`,
    promote: false,
  });
}

/** skipAnalysis: routes to primary, promote, scale the target down, Succeeded — in one step. */
export function skipAnalysisStep(ctx: Ctx): StepDecision {
  return succeed(ctx, {
    reason: 'AnalysisSkipped',
    alert: 'Canary analysis was skipped, promotion finished.',
    event: `Promotion completed! Canary analysis was skipped for ${targetId(ctx)}`,
    explanation: 'skipAnalysis: promoted without analysis',
    promote: true,
  });
}

interface Success {
  reason: Reason;
  alert: string;
  event: string;
  explanation: string;
  promote: boolean;
}

/** Ends a release successfully: traffic on primary before the target is scaled to zero. */
function succeed(ctx: Ctx, s: Success): StepDecision {
  return step(ctx, {
    status: {
      phase: 'Succeeded',
      canaryWeight: 0,
      primaryWeight: 100,
      iterations: 0,
      mirrored: false,
      lastPromotedSpec: ctx.status.lastAppliedSpec,
      notified: {},
      waitingSince: undefined,
      waitingFor: undefined,
    },
    actions: [
      ...routesTo(ctx, 0),
      ...(s.promote ? [{ kind: 'promote' as const }] : []),
      { kind: 'scaleTargetToZero' },
      kubeEvent('Normal', s.reason, s.event),
      { kind: 'runHooks', type: 'post-rollout', phase: 'Succeeded' },
    ],
    reason: s.reason,
    explanation: s.explanation,
    events: [{ type: 'Promoted', severity: 'info', message: s.alert }],
  });
}

/**
 * The primary failed (non-retriable or past the deadline) while Promoting/Finalising: keep the
 * canary serving all traffic and stop (Flagger #1931, fixing the outage of #1898).
 */
export function promotionFailed(ctx: Ctx, message: string): StepDecision {
  return step(ctx, {
    status: {
      phase: 'Failed',
      canaryWeight: ctx.routed ? 100 : 0,
      primaryWeight: ctx.routed ? 0 : 100,
      mirrored: false,
      waitingSince: undefined,
      waitingFor: undefined,
    },
    actions: [
      ...routesTo(ctx, 100),
      kubeEvent(
        'Warning',
        'PrimaryNotReadyDuringPromotion',
        `Promotion of ${canaryId(ctx)} failed, primary not ready: ${message}`,
      ),
      { kind: 'runHooks', type: 'post-rollout', phase: 'Failed' },
    ],
    reason: 'PrimaryNotReadyDuringPromotion',
    explanation: `primary not ready during promotion, canary keeps the traffic: ${message}`,
    events: [
      {
        type: 'PromotionFailed',
        severity: 'error',
        message: `Promotion failed, primary not ready: ${message}`,
      },
    ],
  });
}
