/**
 * The advance of one step once the checks passed, per strategy (Flagger's `runCanary`, `runAB`,
 * `runBlueGreen`; docs/flagger-compatibility.md#weights-and-iterations).
 */
import * as spec from '../spec/accessors.js';
import { nextCanaryWeight } from '../weights.js';
import { canaryId, liveCanaryWeight, liveMirrored, routesTo, type Ctx } from './context.js';
import type { Decision } from './decision.js';
import { clearNotified, closedGateStep, confirmGate } from './gates.js';
import { promoteStep } from './promotion.js';
import { kubeEvent, step } from './step.js';

/** Advances the release by one step of its strategy. */
export function advance(ctx: Ctx): Decision {
  switch (ctx.strategy) {
    case 'canary':
      return canaryStep(ctx);
    case 'ab-testing':
      return abStep(ctx);
    case 'blue-green':
      return blueGreenStep(ctx);
  }
}

/**
 * Weighted canary: below maxWeight, mirror first when asked (one step), else increase the weight
 * (clamped, behind confirm-traffic-increase); at maxWeight, promote behind confirm-promotion.
 */
function canaryStep(ctx: Ctx): Decision {
  const weight = liveCanaryWeight(ctx);
  const max = spec.maxWeight(ctx.canary);
  if (weight >= max)
    return promotionGate(ctx, () =>
      promoteStep(ctx, 'PromotionStarted', `canary weight ${weight} reached ${max}: promoting`),
    );
  if (spec.mirror(ctx.canary) && ctx.routed && weight === 0 && !liveMirrored(ctx)) return mirrorStep(ctx);
  const gate = confirmGate(ctx, 'confirm-traffic-increase');
  if (gate.state === 'need') return gate.decision;
  if (gate.state === 'closed')
    return closedGateStep(ctx, 'confirm-traffic-increase', gate, { reason: 'TrafficIncreaseNotApproved' });
  const next = nextCanaryWeight(weight, {
    stepWeight: spec.stepWeight(ctx.canary),
    stepWeights: spec.stepWeights(ctx.canary),
    maxWeight: max,
  });
  return step(ctx, {
    status: {
      phase: 'Progressing',
      canaryWeight: next,
      primaryWeight: 100 - next,
      mirrored: false,
      notified: clearNotified(ctx, 'confirm-traffic-increase'),
    },
    actions: [
      ...routesTo(ctx, next),
      kubeEvent('Normal', 'CanaryWeightIncreased', `Advance ${canaryId(ctx)} canary weight ${next}`),
    ],
    reason: 'CanaryWeightIncreased',
    explanation: `checks passed: canary weight ${weight} → ${next} (max ${max})`,
    events: [{ type: 'WeightChanged', severity: 'info', message: `Canary weight ${next}%` }],
  });
}

/** Mirroring on for one step before the first weight step (no weight change, so no gate). */
function mirrorStep(ctx: Ctx): Decision {
  return step(ctx, {
    status: { phase: 'Progressing', mirrored: true, canaryWeight: 0, primaryWeight: 100 },
    actions: [
      ...routesTo(ctx, 0, true),
      kubeEvent('Normal', 'MirroringStarted', `Starting traffic mirroring for ${canaryId(ctx)}`),
    ],
    reason: 'MirroringStarted',
    explanation: 'traffic mirrored to the canary before the first weight step',
  });
}

/** A/B: matched traffic to the canary for `iterations` steps, then promote. */
function abStep(ctx: Ctx): Decision {
  const total = spec.iterations(ctx.canary);
  const done = ctx.status.iterations;
  if (done < total) return iterationStep(ctx, routesTo(ctx, 100), false);
  return promotionGate(ctx, () =>
    promoteStep(ctx, 'PromotionStarted', `${total} iterations passed: promoting`),
  );
}

/**
 * Blue/green: `iterations` steps against the canary Service (optionally mirroring), then — behind
 * confirm-promotion — all traffic to the canary for one step, then promote. Without routing
 * (kubernetes provider) promotion follows the gate directly.
 */
function blueGreenStep(ctx: Ctx): Decision {
  const total = spec.iterations(ctx.canary);
  const done = ctx.status.iterations;
  if (done < total) {
    const mirror = spec.mirror(ctx.canary) && ctx.routed;
    return iterationStep(ctx, mirror && !liveMirrored(ctx) ? routesTo(ctx, 0, true) : [], mirror);
  }
  if (done > total)
    return promoteStep(ctx, 'PromotionStarted', 'checks passed with all traffic on the canary: promoting');
  if (!ctx.routed)
    return promotionGate(ctx, () =>
      promoteStep(ctx, 'PromotionStarted', `${total} iterations passed: promoting`),
    );
  return promotionGate(ctx, () =>
    step(ctx, {
      status: {
        phase: 'Progressing',
        iterations: done + 1,
        canaryWeight: 100,
        primaryWeight: 0,
        mirrored: false,
        notified: {},
      },
      actions: [
        ...routesTo(ctx, 100),
        kubeEvent(
          'Normal',
          'TrafficRoutedToCanary',
          liveMirrored(ctx)
            ? 'Stop traffic mirroring and route all traffic to canary'
            : 'Routing all traffic to canary',
        ),
      ],
      reason: 'TrafficRoutedToCanary',
      explanation: `${total} iterations passed: all traffic to the canary before promotion`,
      events: [{ type: 'WeightChanged', severity: 'info', message: 'Canary weight 100%' }],
    }),
  );
}

function iterationStep(ctx: Ctx, routes: ReturnType<typeof routesTo>, mirrored: boolean): Decision {
  const total = spec.iterations(ctx.canary);
  const next = ctx.status.iterations + 1;
  return step(ctx, {
    status: { phase: 'Progressing', iterations: next, ...(mirrored && { mirrored: true }) },
    actions: [
      ...routes,
      kubeEvent('Normal', 'IterationAdvanced', `Advance ${canaryId(ctx)} canary iteration ${next}/${total}`),
    ],
    reason: 'IterationAdvanced',
    explanation: `checks passed: iteration ${next}/${total}`,
  });
}

/**
 * The confirm-promotion gate: closed ⇒ WaitingPromotion (the analysis keeps running every step and
 * can still roll back; the gate is re-polled every step); open ⇒ `onOpen`.
 */
function promotionGate(ctx: Ctx, onOpen: () => Decision): Decision {
  const gate = confirmGate(ctx, 'confirm-promotion');
  if (gate.state === 'need') return gate.decision;
  if (gate.state === 'closed')
    return closedGateStep(ctx, 'confirm-promotion', gate, {
      reason: 'WaitingPromotion',
      phase: 'WaitingPromotion',
    });
  return onOpen();
}
