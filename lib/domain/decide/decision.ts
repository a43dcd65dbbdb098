/** The result of decide(): either a request for more inputs, or one analysis step. */
import type { Action } from '../actions.js';
import type { DomainEvent } from '../events.js';
import type { Judgement } from '../judge/index.js';
import type { GatingHookType } from '../observations.js';
import type { Reason } from '../reasons.js';
import type { CanaryStatus } from '../status.js';

/** An input decide() needs before it can decide this step. */
export type NeedInput =
  | { kind: 'hooks'; type: GatingHookType }
  | { kind: 'metrics' }
  /** The readings of the metrics compared against the primary (Observations.judge). */
  | { kind: 'judge' };

/**
 * decide() cannot decide without `inputs`: gather them (call the hooks of that type, run the
 * metric queries and evaluate them), add them to the observations and call decide() again with
 * the same canary and status. Asked for only when absent, so adding an input always makes progress:
 * a step needs at most one round per gating hook type plus one for metrics.
 */
export interface NeedDecision {
  kind: 'need';
  inputs: NeedInput[];
  reason: 'InputsRequired';
  explanation: string;
}

/** One analysis step: save `status`, execute `actions` in order, publish `events`. */
export interface StepDecision {
  kind: 'step';
  status: CanaryStatus;
  actions: Action[];
  reason: Reason;
  /** One line a person can read. */
  explanation: string;
  /** Epoch ms of the next step; undefined means "do not schedule" (Terminated). */
  nextRunAt: number | undefined;
  events: DomainEvent[];
  /** The judge's verdicts of this step, when it compared metrics against the primary. */
  judgements?: readonly Judgement[];
}

export type Decision = NeedDecision | StepDecision;

/** Upper bound of `need` rounds in one step (one per gating hook type, plus metrics, plus the judge's readings). */
export const MAX_NEED_ROUNDS = 8;
