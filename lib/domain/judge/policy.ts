/**
 * What one analysis step does with the judge's verdicts — decide() calls it after the static
 * checks passed (decide/judged.ts). Pure.
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

/**
 * The policy's outcomes. decide/judged.ts maps them onto domain/reasons.ts: the failing and waiting
 * ones are reasons of their own; the advancing ones become the advance's reason (weight increased,
 * promotion started) with the judge's sentence.
 */
type JudgeReason =
  | 'JudgeFailed'
  | 'JudgePassed'
  | 'JudgeInconclusive'
  | 'JudgeInconclusiveAdvance'
  | 'JudgeHeldForDecision'
  | 'JudgeInconclusiveFailed'
  | 'JudgeInconclusiveProceed';

/** The step's action. */
type JudgeAction =
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
  const count = input.inconclusiveSteps;
  const failed = judgements.filter((j) => j.verdict === 'fail');
  if (failed.length > 0) {
    const action = config.failFast ? 'rollback' : 'failedCheck';
    return {
      action,
      reason: 'JudgeFailed',
      inconclusiveSteps: count,
      deciding: failed,
      explanation: explain(failed),
    };
  }
  const pending = judgements.filter((j) => j.verdict === 'inconclusive');
  if (pending.length === 0) {
    return {
      action: 'advance',
      reason: 'JudgePassed',
      inconclusiveSteps: count,
      deciding: [...judgements],
      explanation: explain(judgements),
    };
  }
  if (config.advance === 'unlessFail' && !input.atMaxWeight) {
    const explanation = `no regression found yet, more traffic to the canary: ${explain(pending)}`;
    return {
      action: 'advance',
      reason: 'JudgeInconclusiveAdvance',
      inconclusiveSteps: count,
      deciding: pending,
      explanation,
    };
  }
  return inconclusiveStep(pending, count + 1, config.inconclusive);
}

function explain(js: readonly Judgement[]): string {
  return js.map((j) => j.explanation).join(' ');
}

/** A step that held the weight for an inconclusive verdict: wait, or apply the outcome at the bound. */
function inconclusiveStep(
  pending: Judgement[],
  steps: number,
  bound: JudgeConfig['inconclusive'],
): JudgeStep {
  const why = explain(pending);
  const base = { inconclusiveSteps: steps, deciding: pending };
  if (steps < bound.maxSteps) {
    return {
      ...base,
      action: 'wait',
      reason: 'JudgeInconclusive',
      explanation: `inconclusive step ${steps}/${bound.maxSteps}: ${why}`,
    };
  }
  const last = `still inconclusive after ${steps} steps`;
  switch (bound.outcome) {
    case 'hold':
      return {
        ...base,
        action: 'hold',
        reason: 'JudgeHeldForDecision',
        explanation: `${last}: waiting for an operator to promote or abort. ${why}`,
      };
    case 'fail':
      return {
        ...base,
        action: 'rollback',
        reason: 'JudgeInconclusiveFailed',
        explanation: `${last}: rolling back as configured. ${why}`,
      };
    case 'proceed':
      return {
        ...base,
        action: 'advance',
        reason: 'JudgeInconclusiveProceed',
        explanation: `${last}: proceeding without evidence as configured. ${why}`,
      };
  }
}
