/**
 * Webhook gate semantics (docs/flagger-compatibility.md#webhook-types) over the hook outcomes in the
 * observations. Hooks are judged in spec order; a configured hook without an outcome counts as not OK
 * (the app layer stops calling at the first failure, as Flagger does).
 */
import type { CheckResult } from '../check.js';
import type { GatingHookType, HookOutcome } from '../observations.js';
import * as spec from '../spec/accessors.js';
import type { Phase } from '../phase.js';
import type { Reason } from '../reasons.js';
import type { ConfirmGate, Notified } from '../status.js';
import { canaryId, type Ctx } from './context.js';
import type { NeedDecision, StepDecision } from './decision.js';
import { kubeEvent, need, step } from './step.js';

/** The state of a gate for this step. */
export type GateState =
  | { state: 'open'; via: 'noHooks' | 'hooks' | 'approval' }
  | { state: 'closed'; hook: string; explanation: string }
  | { state: 'need'; decision: NeedDecision };

/** The hooks of `type` and their outcomes, or a need when they were not gathered yet. */
function outcomesOf(ctx: Ctx, type: GatingHookType): { hooks: string[]; outcomes?: readonly HookOutcome[] } {
  return { hooks: spec.webhooks(ctx.canary, type).map((h) => h.name), outcomes: ctx.obs.hooks[type] };
}

function needHooks(type: GatingHookType): NeedDecision {
  return need({ kind: 'hooks', type }, `call the ${type} hooks`);
}

/** The first hook (spec order) that did not answer OK. */
function firstFailure(hooks: string[], outcomes: readonly HookOutcome[]): HookOutcome | undefined {
  for (const name of hooks) {
    const o = outcomes.find((x) => x.name === name);
    if (o === undefined) return { name, ok: false, explanation: `${name}: not called` };
    if (!o.ok) return o;
  }
  return undefined;
}

/**
 * A confirm-* gate: open when no such hooks exist, when an operator `approve` targets it (or names
 * no gate), or when every hook answered OK; closed otherwise (no failed check is counted).
 */
export function confirmGate(ctx: Ctx, type: ConfirmGate): GateState {
  const { hooks, outcomes } = outcomesOf(ctx, type);
  if (hooks.length === 0) return { state: 'open', via: 'noHooks' };
  const c = ctx.command;
  if (c?.kind === 'approve' && (c.gate === undefined || c.gate === type)) {
    ctx.commandUsed = true;
    return { state: 'open', via: 'approval' };
  }
  if (outcomes === undefined) return { state: 'need', decision: needHooks(type) };
  const failed = firstFailure(hooks, outcomes);
  return failed
    ? { state: 'closed', hook: failed.name, explanation: failed.explanation }
    : { state: 'open', via: 'hooks' };
}

/** Rollback hooks: any hook answering OK asks for a rollback. */
export function rollbackHook(
  ctx: Ctx,
): { triggered: false } | { triggered: true; hook: string; explanation: string } | NeedDecision {
  const { hooks, outcomes } = outcomesOf(ctx, 'rollback');
  // Rollback hooks are polled by analysis steps, not by an operator's action-only step.
  if (hooks.length === 0 || ctx.obs.actionOnly) return { triggered: false };
  if (outcomes === undefined) return needHooks('rollback');
  const hit = outcomes.find((o) => o.ok && hooks.includes(o.name));
  return hit ? { triggered: true, hook: hit.name, explanation: hit.explanation } : { triggered: false };
}

/** pre-rollout / rollout hooks as checks: the first failure, undefined when all passed, or a need. */
export function hookChecks(
  ctx: Ctx,
  type: 'pre-rollout' | 'rollout',
): CheckResult | undefined | NeedDecision {
  const { hooks, outcomes } = outcomesOf(ctx, type);
  if (hooks.length === 0) return undefined;
  if (outcomes === undefined) return needHooks(type);
  const failed = firstFailure(hooks, outcomes);
  if (!failed) return undefined;
  const result: CheckResult = {
    name: failed.name,
    kind: 'webhook',
    verdict: 'fail',
    explanation: failed.explanation,
  };
  if (failed.status !== undefined) result.value = failed.status;
  return result;
}

/** Type guard for a NeedDecision among stage results. */
export function isNeed(x: unknown): x is NeedDecision {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'need';
}

const approvalAlerts: Readonly<Record<ConfirmGate, string>> = {
  'confirm-rollout': 'Canary is waiting for approval.',
  'confirm-traffic-increase': 'Canary traffic increase is waiting for approval.',
  'confirm-promotion': 'Canary promotion is waiting for approval.',
};

const approvalEvents: Readonly<Record<ConfirmGate, string>> = {
  'confirm-rollout': 'waiting for approval',
  'confirm-traffic-increase': 'waiting for traffic increase approval',
  'confirm-promotion': 'waiting for promotion approval',
};

/**
 * A step held at a closed confirm gate: a Warning event every step, the WaitingApproval domain
 * event only on the first step of the wait ("alert once", `status.notified`). No failed check.
 */
export function closedGateStep(
  ctx: Ctx,
  gate: ConfirmGate,
  closed: { hook: string; explanation: string },
  s: { reason: Reason; phase?: Phase },
): StepDecision {
  const first = ctx.status.notified[gate] !== true;
  return step(ctx, {
    status: { notified: { ...ctx.status.notified, [gate]: true }, ...(s.phase && { phase: s.phase }) },
    actions: [
      kubeEvent(
        'Warning',
        s.reason,
        `Halt ${canaryId(ctx)} advancement ${approvalEvents[gate]} ${closed.hook}`,
      ),
    ],
    reason: s.reason,
    explanation: `${gate} gate closed: ${closed.explanation}`,
    events: first ? [{ type: 'WaitingApproval', severity: 'warn', message: approvalAlerts[gate] }] : [],
  });
}

/** `notified` without the flag of a gate that just opened. */
export function clearNotified(ctx: Ctx, gate: ConfirmGate): Notified {
  const { [gate]: _dropped, ...rest } = ctx.status.notified;
  return rest;
}
