/**
 * The persisted state of one canary: Flagger's status fields
 * (docs/flagger-compatibility.md#kubernetes-events-and-status) plus the few fields a timer-driven
 * control plane needs (`waitingSince`, `notified`, `paused`, `pendingCommand`). Only decide() produces
 * new statuses.
 */
import type { Evidence } from './judge/evidence.js';
import type { Phase } from './phase.js';
import type { Stamps } from './sweep/seen.js';

/** Flagger's single `Promoted` condition (docs/flagger-compatibility.md#kubernetes-events-and-status). */
export interface PromotedCondition {
  type: 'Promoted';
  status: 'True' | 'False' | 'Unknown';
  /** The phase that set it. */
  reason: Phase;
  message: string;
  /** ISO-8601; changes only when `status` changes. */
  lastTransitionTime: string;
  /** ISO-8601; changes on every update of the condition. */
  lastUpdateTime: string;
}

/** The confirmation gates an operator approval can open. */
export type ConfirmGate = 'confirm-rollout' | 'confirm-traffic-increase' | 'confirm-promotion';

/**
 * An operator command from our API (not in Flagger). The API stores it as `pendingCommand`; the
 * next step consumes it (decide() always returns a status without `pendingCommand`).
 * - `promote`: promote now (Progressing/WaitingPromotion), skipping the rest of the analysis;
 * - `abort`: roll back now (Waiting/Progressing/WaitingPromotion) → Failed, traffic on primary;
 * - `pause` / `resume`: freeze / unfreeze the analysis (a paused canary takes no step);
 * - `retry`: start a new analysis of the current target revision after Failed;
 * - `approve`: open the named confirmation gate (or whichever one this step meets) once;
 * - `delete`: the Canary is being deleted (revertOnDeletion ⇒ Terminating → Terminated).
 */
export type OperatorCommand = (
  | { kind: 'promote' }
  | { kind: 'abort'; message?: string }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'retry' }
  | { kind: 'approve'; gate?: ConfirmGate }
  | { kind: 'delete' }
) & { by?: string };

/** What is being waited for while `waitingSince` is set. */
export type WaitingFor = 'primary' | 'canary';

/** "Alert once" flags: a WaitingApproval domain event is published once per wait, not per step. */
export type Notified = Partial<Record<ConfirmGate, true>>;

/**
 * The canary-vs-primary judge's state in the current analysis (docs/analysis.md): its evidence per
 * compared metric (by metric name), started at the analysis' first step, and the inconclusive steps
 * that held the weight. Kept only while Progressing or WaitingPromotion.
 */
export interface JudgeState {
  evidence: Readonly<Record<string, Evidence>>;
  inconclusiveSteps: number;
  /** Set once a person was alerted that the release is held for a decision. */
  held?: true;
}

/** The status of one canary, as persisted between steps. */
export interface CanaryStatus {
  phase: Phase;
  /** Last canary weight written (the routing object stays the source of truth). */
  canaryWeight: number;
  primaryWeight?: number;
  /** Failed checks in the current analysis (cumulative, never reset by a passing step). */
  failedChecks: number;
  /** A/B and blue/green iteration counter. */
  iterations: number;
  /** Revision hash of the target's pod template under (or last under) analysis. */
  lastAppliedSpec?: string;
  /** Revision hash last promoted to the primary. */
  lastPromotedSpec?: string;
  /** `configmap/<name>` / `secret/<name>` → checksum, snapshot taken with `lastAppliedSpec`. */
  trackedConfigs?: Readonly<Record<string, string>>;
  /**
   * While promoting: the stamps (sweep/seen.ts) of the target's tracked ConfigMaps and Secrets as
   * the step that entered Promoting read them. Promoting and Finalising do not read the configs
   * (lib/domain/reads.ts); the step that ends the promotion records these as seen.
   */
  configStamps?: Stamps;
  /** ISO-8601 time of the last phase change. */
  lastTransitionTime?: string;
  conditions: readonly PromotedCondition[];
  /** Whether traffic is currently mirrored to the canary. */
  mirrored: boolean;
  /** Epoch ms at which the current readiness wait began; the progress deadline counts from it. */
  waitingSince?: number;
  waitingFor?: WaitingFor;
  notified: Notified;
  /** Set by the `pause` command; a paused canary takes no step until `resume`. */
  paused?: boolean;
  /** A command written by the API, consumed by the next step. */
  pendingCommand?: OperatorCommand;
  /** The judge's state while an analysis that compares metrics runs. */
  judge?: JudgeState;
}

/** The status of a canary that has just been registered. */
export function initialStatus(): CanaryStatus {
  return {
    phase: 'Initializing',
    canaryWeight: 0,
    failedChecks: 0,
    iterations: 0,
    conditions: [],
    mirrored: false,
    notified: {},
  };
}

const conditionByPhase: Readonly<Record<Phase, [PromotedCondition['status'], string]>> = {
  Initializing: ['Unknown', 'New {kind} detected, starting initialization.'],
  Initialized: ['True', '{kind} initialization completed.'],
  Waiting: ['Unknown', 'Waiting for approval.'],
  Progressing: ['Unknown', 'New revision detected, progressing canary analysis.'],
  WaitingPromotion: ['Unknown', 'Waiting for approval.'],
  Promoting: ['Unknown', 'Canary analysis completed, starting primary rolling update.'],
  Finalising: ['Unknown', 'Canary analysis completed, routing all traffic to primary.'],
  Succeeded: ['True', 'Canary analysis completed successfully, promotion finished.'],
  Failed: ['False', 'Canary analysis failed, {kind} scaled to zero.'],
  Terminating: ['Unknown', 'Canary is being deleted, reverting the target.'],
  Terminated: ['False', 'Canary deleted, target reverted.'],
};

/**
 * The `Promoted` condition for `phase`, its message naming the target kind as Flagger's does;
 * `lastTransitionTime` moves only when the status value changes.
 */
export function promotedCondition(
  phase: Phase,
  previous: PromotedCondition | undefined,
  at: string,
  targetKind = 'Deployment',
): PromotedCondition {
  const [status, text] = conditionByPhase[phase];
  const message = text.replace('{kind}', targetKind);
  const changed = previous === undefined || previous.status !== status;
  return {
    type: 'Promoted',
    status,
    reason: phase,
    message,
    lastTransitionTime: changed ? at : previous.lastTransitionTime,
    lastUpdateTime: at,
  };
}
