/**
 * The canary-vs-primary judge in a step (docs/analysis.md). Runs only for analyses that compare
 * metrics (`analysis.judge`, `metrics[].compare`); Flagger's static checks run first and keep
 * their meaning. The analysis' first step takes the baseline (the counters' positions before the
 * canary gets traffic); every later step adds its readings to the evidence in the status and lets
 * the step policy (judge/policy.ts) decide: roll back, count a failed check, advance, wait, or hold
 * for a person. A metric whose reading is unavailable this step adds nothing and cannot let the
 * step advance: the step waits (an inconclusive step), so a metrics outage never promotes.
 */
import type { CheckResult } from '../check.js';
import { judgeReadings } from '../judge/evidence.js';
import { judgeConfig, judgeStep, type JudgeConfig, type Judgement } from '../judge/index.js';
import * as spec from '../spec/accessors.js';
import type { JudgeState } from '../status.js';
import { canaryId, liveCanaryWeight, type Ctx } from './context.js';
import type { Decision, NeedDecision } from './decision.js';
import { failedCheck, rollback } from './rollback.js';
import { kubeEvent, need, step } from './step.js';

/** The judge's configuration of this canary; no comparisons means the judge is off. */
function judging(ctx: Ctx): JudgeConfig | undefined {
  const config = judgeConfig(spec.analysis(ctx.canary));
  return config.comparisons.length > 0 ? config : undefined;
}

/** The need for this step's readings, when the judge is on and they are missing. */
export function judgeNeed(ctx: Ctx): NeedDecision | undefined {
  if (judging(ctx) === undefined || ctx.obs.judge !== undefined) return undefined;
  return need({ kind: 'judge' }, 'read the compared metrics of canary and primary');
}

/** The first analysis step: every compared metric starts from this step's reading. */
export function judgeBaseline(ctx: Ctx): NeedDecision | undefined {
  const config = judging(ctx);
  if (config === undefined) return undefined;
  const readings = ctx.obs.judge;
  if (readings === undefined) return judgeNeed(ctx);
  // No evidence yet: every reading this step becomes its metric's baseline.
  const { evidence } = judgeReadings(config.comparisons, {}, readings);
  ctx.judged = { state: { evidence, inconclusiveSteps: 0 }, judgements: [] };
  return undefined;
}

/**
 * After the static checks: the judge's decision, or undefined to go on (ctx.judged then carries
 * the new evidence into the step this one becomes). When a static check failed (`staticFailed`)
 * only a judged rollback decides; otherwise the failed check counts, as in Flagger.
 */
export function judgeChecks(ctx: Ctx, staticFailed = false): Decision | undefined {
  const config = judging(ctx);
  if (config === undefined) return undefined;
  const readings = ctx.obs.judge;
  if (readings === undefined) return judgeNeed(ctx);
  const before = ctx.status.judge ?? { evidence: {}, inconclusiveSteps: 0 };
  const { evidence, judgements, unread } = judgeReadings(config.comparisons, before.evidence, readings);
  const decided = judgeStep({
    judgements,
    atMaxWeight: liveCanaryWeight(ctx) >= spec.maxWeight(ctx.canary),
    inconclusiveSteps: before.inconclusiveSteps,
    // A metric without a reading can hold the step but never let it advance.
    config: unread ? { ...config, advance: 'onPass' } : config,
  });
  const state: JudgeState = {
    evidence,
    inconclusiveSteps: decided.inconclusiveSteps,
    ...(before.held && { held: true as const }),
  };
  ctx.judged = { state, judgements };
  if (staticFailed && !(decided.action === 'rollback' && decided.reason === 'JudgeFailed')) {
    // The failed static check holds this step: the count of inconclusive steps stays.
    ctx.judged = { judgements, state: { ...state, inconclusiveSteps: before.inconclusiveSteps } };
    return undefined;
  }
  switch (decided.action) {
    case 'advance':
      ctx.judged.note = `judge: ${decided.explanation}`;
      return undefined;
    case 'rollback':
      return rollback(ctx, {
        reason: decided.reason === 'JudgeInconclusiveFailed' ? 'JudgeInconclusiveFailed' : 'JudgeFailed',
        alert: `Canary judged against the primary: ${decided.explanation}`,
        event: `Rolling back ${canaryId(ctx)} ${decided.explanation}`,
        explanation: decided.explanation,
        checks: decided.deciding.map(asCheck),
      });
    case 'failedCheck':
      return failedCheck(ctx, asCheck(decided.deciding[0]), 'JudgeFailed');
    case 'wait':
      return step(ctx, { reason: 'JudgeInconclusive', explanation: decided.explanation });
    case 'hold':
      return holdStep(ctx, state, decided.explanation);
  }
}

/** Held for a person: the weight stays, judging goes on, one alert per hold. */
function holdStep(ctx: Ctx, state: JudgeState, explanation: string): Decision {
  const first = state.held !== true;
  ctx.judged = { ...ctx.judged!, state: { ...state, held: true } };
  return step(ctx, {
    reason: 'JudgeHeldForDecision',
    explanation,
    actions: first
      ? [kubeEvent('Warning', 'JudgeHeldForDecision', `Halt ${canaryId(ctx)} advancement: ${explanation}`)]
      : [],
    events: first
      ? [
          {
            type: 'WaitingApproval',
            severity: 'warn',
            message: `The judge could not decide: promote or abort ${canaryId(ctx)}. ${explanation}`,
          },
        ]
      : [],
  });
}

/** A verdict as a check result, for notifications and the failed-check bookkeeping. */
function asCheck(j: Judgement): CheckResult {
  return {
    name: j.metric,
    kind: 'metric',
    verdict: j.verdict === 'pass' ? 'pass' : j.verdict === 'fail' ? 'fail' : 'noData',
    value: j.effect.estimate,
    explanation: j.explanation,
  };
}
