/**
 * Whether an operator command applies to a canary now (the API answers 409 with the reason when
 * it does not, instead of accepting it and letting a step ignore it). Pure.
 */
import type { CanaryStatus, ConfirmGate, OperatorCommand } from './status.js';

/** Where each confirmation gate holds a canary while it waits (decide/gates.ts `closedGateStep`). */
const gatePhases: Readonly<Record<ConfirmGate, string>> = {
  'confirm-rollout': 'Waiting',
  'confirm-traffic-increase': 'Progressing',
  'confirm-promotion': 'WaitingPromotion',
};

const releasing = new Set(['Waiting', 'Progressing', 'WaitingPromotion']);

/** Undefined when `command` applies to a canary in `status`; else why it does not. */
export function commandRefusal(status: CanaryStatus, command: OperatorCommand): string | undefined {
  const { phase } = status;
  if (phase === 'Terminating' || phase === 'Terminated')
    return command.kind === 'delete' ? undefined : `the canary is being deleted (phase ${phase})`;
  switch (command.kind) {
    case 'pause':
      return status.paused ? 'the canary is already paused' : undefined;
    case 'resume':
      return status.paused ? undefined : 'the canary is not paused';
    case 'abort':
      return releasing.has(phase)
        ? undefined
        : `nothing to abort in phase ${phase}: no release is in progress`;
    case 'promote':
      return phase === 'Progressing' || phase === 'WaitingPromotion'
        ? undefined
        : `nothing to promote in phase ${phase}: only a release in analysis (Progressing, WaitingPromotion) can be promoted`;
    case 'retry':
      return phase === 'Failed'
        ? undefined
        : `nothing to retry in phase ${phase}: only a Failed release can be retried`;
    case 'approve':
      return approveRefusal(status, command.gate);
    case 'delete':
      return undefined;
  }
}

/** The confirmation gates the canary waits at now: alerted in this wait, in the gate's phase. */
export function pendingGates(status: CanaryStatus): ConfirmGate[] {
  return (Object.keys(gatePhases) as ConfirmGate[]).filter(
    (g) => status.notified[g] === true && gatePhases[g] === status.phase,
  );
}

function approveRefusal(status: CanaryStatus, gate: ConfirmGate | undefined): string | undefined {
  const waiting = pendingGates(status);
  if (gate === undefined)
    return waiting.length > 0
      ? undefined
      : `no pending gate: nothing waits for approval in phase ${status.phase}`;
  return waiting.includes(gate)
    ? undefined
    : `no pending gate "${gate}"${waiting.length > 0 ? ` (waiting: ${waiting.join(', ')})` : ` in phase ${status.phase}`}`;
}
