/**
 * Builders for decisions: every stage describes its step with a {@link StepSpec}; this file turns it
 * into a complete StepDecision (status bookkeeping, base reconciliation, events, schedule).
 */
import type { Action, EventKind } from '../actions.js';
import type { CheckResult } from '../check.js';
import type { DomainEvent, DomainEventType, Severity } from '../events.js';
import { keepsConfigStamps, reconciles } from '../reads.js';
import type { Reason } from '../reasons.js';
import * as spec from '../spec/accessors.js';
import { promotedCondition, type CanaryStatus, type ConfirmGate } from '../status.js';
import { isIdle, reconcileDelayMs } from '../sweep/idle.js';
import { baseActions, canaryId, READINESS_POLL_MS, type Ctx } from './context.js';
import type { NeedDecision, NeedInput, StepDecision } from './decision.js';

/** A domain event before the step's final status is known. */
interface EventSpec {
  type: DomainEventType;
  message: string;
  severity: Severity;
  checks?: CheckResult[];
}

/**
 * When the next step runs: after one interval (an idle canary that is swept: after the reconcile
 * period, see {@link nextRunAt}), soon (readiness polling), or never.
 */
type Schedule = 'interval' | 'soon' | 'never';

/** What a stage decided; everything else is derived. */
export interface StepSpec {
  /** Changes to the status this step started from. */
  status?: Partial<CanaryStatus>;
  actions?: Action[];
  reason: Reason;
  explanation: string;
  events?: EventSpec[];
  schedule?: Schedule;
  /**
   * Prepend the idempotent reconciliation of {@link baseActions}; by default every step does but
   * the promotion's intermediate ones (lib/domain/reads.ts).
   */
  reconcile?: boolean;
}

/** A `recordEvent` action. */
export function kubeEvent(type: EventKind, reason: Reason, message: string): Action {
  return { kind: 'recordEvent', type, reason, message };
}

/** Builds the StepDecision for `s`. */
export function step(ctx: Ctx, s: StepSpec): StepDecision {
  const now = ctx.obs.now;
  const at = new Date(now).toISOString();
  const judged = ctx.judged ? { judge: ctx.judged.state } : {};
  const status = finalStatus(ctx, { ...judged, ...s.status }, at);
  const phaseChanged = status.phase !== ctx.status.phase;
  const events = (s.events ?? []).map((e) => domainEvent(ctx, status, s.reason, at, e));
  if (phaseChanged) {
    events.push(
      domainEvent(ctx, status, s.reason, at, {
        type: 'PhaseChanged',
        severity: 'info',
        message: `${canaryId(ctx)} ${ctx.status.phase} → ${status.phase}`,
      }),
    );
  }
  const reconcile = s.reconcile ?? reconciles(ctx.status.phase, status.phase, ctx.obs.routes !== undefined);
  const actions = withEventHooks(ctx, status, [
    ...(reconcile ? baseActions(ctx) : []),
    ...ctx.prefix,
    ...(s.actions ?? []),
    ...ignoredCommand(ctx, status),
  ]);
  return {
    kind: 'step',
    status,
    actions,
    reason: s.reason,
    explanation: ctx.judged?.note ? `${s.explanation}; ${ctx.judged.note}` : s.explanation,
    nextRunAt: nextRunAt(ctx, s.schedule ?? 'interval', status),
    events,
    ...(ctx.judged && { judgements: ctx.judged.judgements }),
  };
}

/** Builds a NeedDecision. */
export function need(input: NeedInput, explanation: string): NeedDecision {
  return { kind: 'need', inputs: [input], reason: 'InputsRequired', explanation };
}

/**
 * An approval no gate used yet (the step stopped before its gate, e.g. on a failed check) stays
 * pending while the release can still meet that gate, like an opened load-tester gate.
 */
function keepsApproval(ctx: Ctx, phase: string): boolean {
  const c = ctx.command;
  if (c?.kind !== 'approve' || ctx.commandUsed) return false;
  const reachable: Record<ConfirmGate, readonly string[]> = {
    'confirm-rollout': ['Waiting'],
    'confirm-traffic-increase': ['Progressing'],
    'confirm-promotion': ['Progressing', 'WaitingPromotion'],
  };
  const gates = c.gate ? [c.gate] : (Object.keys(reachable) as ConfirmGate[]);
  return gates.some((g) => reachable[g].includes(phase));
}

function finalStatus(ctx: Ctx, changes: Partial<CanaryStatus>, at: string): CanaryStatus {
  const next: CanaryStatus = { ...ctx.status, ...changes };
  // A command is consumed by the step that sees it, unless the stage explicitly kept it.
  if (!('pendingCommand' in changes)) {
    if (keepsApproval(ctx, next.phase)) next.pendingCommand = ctx.command;
    else delete next.pendingCommand;
  }
  if (!keepsConfigStamps(next.phase)) delete next.configStamps;
  // The judge's evidence belongs to one analysis: it goes when the analysis ends.
  if (next.phase !== 'Progressing' && next.phase !== 'WaitingPromotion') delete next.judge;
  for (const k of [
    'waitingSince',
    'waitingFor',
    'primaryWeight',
    'pendingCommand',
    'configStamps',
    'judge',
  ] as const)
    if (next[k] === undefined) delete next[k];
  const previous = ctx.status.conditions.find((c) => c.type === 'Promoted');
  if (next.phase !== ctx.status.phase || previous === undefined) {
    next.lastTransitionTime = at;
    next.conditions = [promotedCondition(next.phase, previous, at, ctx.canary.spec.targetRef.kind)];
  }
  return next;
}

function nextRunAt(ctx: Ctx, schedule: Schedule, status: CanaryStatus): number | undefined {
  const interval = spec.intervalSeconds(ctx.canary) * 1000;
  if (schedule === 'never') return undefined;
  if (schedule === 'soon') return ctx.obs.now + Math.min(interval, READINESS_POLL_MS);
  // An idle canary is swept: its next full step is the periodic reconcile. Unless the target has
  // already moved on (a revision set while promoting, which the sweep would take for seen): then
  // the next step, one interval on, starts its release.
  const reconcile = ctx.obs.idleReconcileMs;
  const target = ctx.obs.target?.revision;
  const movedOn =
    target !== undefined && status.lastAppliedSpec !== undefined && target !== status.lastAppliedSpec;
  if (reconcile !== undefined && isIdle(status) && !movedOn)
    return ctx.obs.now + reconcileDelayMs(ctx.canary, reconcile);
  return ctx.obs.now + interval;
}

/** A Warning for a command this step could not act on (it is consumed anyway). */
function ignoredCommand(ctx: Ctx, status: CanaryStatus): Action[] {
  const c = ctx.command;
  if (c === undefined || ctx.commandUsed || status.pendingCommand === c) return [];
  return [
    kubeEvent(
      'Warning',
      'CommandIgnored',
      `Operator command "${c.kind}" ignored: not applicable in phase ${ctx.status.phase}`,
    ),
  ];
}

/** Each Kubernetes event is also posted to the canary's `event` hooks, right after it. */
function withEventHooks(ctx: Ctx, status: CanaryStatus, actions: Action[]): Action[] {
  if (spec.webhooks(ctx.canary, 'event').length === 0) return actions;
  return actions.flatMap((a): Action[] =>
    a.kind === 'recordEvent'
      ? [
          a,
          {
            kind: 'runHooks',
            type: 'event',
            phase: status.phase,
            eventMessage: a.message,
            eventType: a.type,
          },
        ]
      : [a],
  );
}

function domainEvent(ctx: Ctx, status: CanaryStatus, reason: Reason, at: string, e: EventSpec): DomainEvent {
  const { metadata } = ctx.canary;
  const event: DomainEvent = {
    type: e.type,
    canary: { cluster: ctx.obs.cluster, namespace: metadata.namespace, name: metadata.name },
    target: spec.targetName(ctx.canary),
    phase: status.phase,
    canaryWeight: status.canaryWeight,
    primaryWeight: status.primaryWeight ?? 100 - status.canaryWeight,
    iterations: status.iterations,
    failedChecks: status.failedChecks,
    threshold: spec.threshold(ctx.canary),
    reason,
    message: e.message,
    severity: e.severity,
    at,
  };
  if (e.checks) event.checks = e.checks;
  if (status.lastAppliedSpec) event.revision = status.lastAppliedSpec;
  return event;
}
