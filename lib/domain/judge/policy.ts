/**
 * What one analysis step does with the judge's verdicts — the piece decide() calls once the
 * judge is wired in (after the static checks, in place of "every metric passed"). Pure.
 *
 * - any metric **fails** → roll back now (`failFast`, the default: the verdict already accounts for
 *   every look, so waiting for `threshold` failed checks only adds exposure), or count one
 *   failed check (`failFast: false`, Flagger's threshold semantics);
 * - every metric **passes** → advance (step the weight up, or promote at maxWeight);
 * - otherwise **inconclusive**: below maxWeight with `advance: unlessFail` the weight still steps
 *   up (more canary traffic is what the verdict needs; the fail test keeps watching every step).
 *   Otherwise the step holds the weight and counts no failure; after `inconclusive.maxSteps` such
 *   steps the configured outcome applies: `hold` for a person (keep the weight, keep judging, alert
 *   once), `fail` (roll back), or `proceed` (advance without evidence).
 */
import type { JudgeConfig } from './spec.js';
import type { Judgement } from './types.js';

/** Reason codes the lead should add to domain/reasons.ts for these outcomes. */
export type JudgeReason =
  | 'JudgeFailed'
  | 'JudgePassed'
  | 'JudgeInconclusive'
  | 'JudgeInconclusiveAdvance'
  | 'JudgeHeldForDecision'
  | 'JudgeInconclusiveFailed'
  | 'JudgeInconclusiveProceed';

/** The step's action. */
export type JudgeAction =
  /** Roll back now. */
  | 'rollback'
  /** Count one failed check (Flagger's threshold applies). */
  | 'failedCheck'
  /** Step the weight up, or promote at maxWeight. */
  | 'advance'
  /** Keep the weight; no failure counted; judge again next step. */
  | 'wait'
  /** Keep the weight and wait for a person (promote or abort); keep judging. */
  | 'hold';

/** What the step should do, and the counter to persist in the status. */
export interface JudgeStep {
  action: JudgeAction;
  reason: JudgeReason;
  /** Inconclusive steps that held the weight so far in this analysis (persist it). */
  inconclusiveSteps: number;
  /** The verdicts that decided the step (failed ones, or the inconclusive ones). */
  deciding: Judgement[];
  /** One line a person can read. */
  explanation: string;
}

/** Inputs of one step. */
export interface JudgeStepInput {
  judgements: readonly Judgement[];
  /** The canary is at maxWeight: the next advance is the promotion. */
  atMaxWeight: boolean;
  /** The persisted counter (0 at the start of an analysis). */
  inconclusiveSteps: number;
  config: Pick<JudgeConfig, 'advance' | 'failFast' | 'inconclusive'>;
}

/** Decides the step from the verdicts (see the module comment). */
export function judgeStep(input: JudgeStepInput): JudgeStep {
  const { judgements, config } = input;
  const failed = judgements.filter((j) => j.verdict === 'fail');
  if (failed.length > 0) {
    return {
      action: config.failFast ? 'rollback' : 'failedCheck',
      reason: 'JudgeFailed',
      inconclusiveSteps: input.inconclusiveSteps,
      deciding: failed,
      explanation: failed.map((j) => j.explanation).join(' '),
    };
  }
  const pending = judgements.filter((j) => j.verdict === 'inconclusive');
  if (pending.length === 0) {
    return {
      action: 'advance',
      reason: 'JudgePassed',
      inconclusiveSteps: input.inconclusiveSteps,
      deciding: [...judgements],
      explanation: judgements.map((j) => j.explanation).join(' '),
    };
  }
  const why = pending.map((j) => j.explanation).join(' ');
  if (config.advance === 'unlessFail' && !input.atMaxWeight) {
    return {
      action: 'advance',
      reason: 'JudgeInconclusiveAdvance',
      inconclusiveSteps: input.inconclusiveSteps,
      deciding: pending,
      explanation: `no regression found yet, more traffic to the canary: ${why}`,
    };
  }
  const steps = input.inconclusiveSteps + 1;
  const { maxSteps, outcome } = config.inconclusive;
  if (steps < maxSteps) {
    return {
      action: 'wait',
      reason: 'JudgeInconclusive',
      inconclusiveSteps: steps,
      deciding: pending,
      explanation: `inconclusive step ${steps}/${maxSteps}: ${why}`,
    };
  }
  const last = `still inconclusive after ${steps} steps`;
  switch (outcome) {
    case 'hold':
      return {
        action: 'hold',
        reason: 'JudgeHeldForDecision',
        inconclusiveSteps: steps,
        deciding: pending,
        explanation: `${last}: waiting for an operator to promote or abort. ${why}`,
      };
    case 'fail':
      return {
        action: 'rollback',
        reason: 'JudgeInconclusiveFailed',
        inconclusiveSteps: steps,
        deciding: pending,
        explanation: `${last}: rolling back as configured. ${why}`,
      };
    case 'proceed':
      return {
        action: 'advance',
        reason: 'JudgeInconclusiveProceed',
        inconclusiveSteps: steps,
        deciding: pending,
        explanation: `${last}: proceeding without evidence as configured. ${why}`,
      };
  }
}
