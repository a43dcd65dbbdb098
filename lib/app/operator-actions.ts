/**
 * Operator actions from the API (promote, abort, pause, resume, retry, approve): allowed to callers
 * holding `approve` (approve) or `operate` (the others) in the canary's cluster and namespace,
 * stored as the canary's pending command, recorded in history with the caller's identity, and
 * applied by the next step, which is queued at once.
 */
import type { CanaryStatus, ConfirmGate, OperatorCommand } from '../domain/status.js';
import type { WorkQueue } from '../ports/queue.js';
import type { CanaryKey, CanaryRecord, CanaryStore, History } from '../ports/store.js';
import { ConflictError, keyString } from '../ports/store.js';
import { commandRefusal } from '../domain/commands.js';
import type { Access } from './access.js';
import { NotFoundError, StateConflictError, ValidationError } from './errors.js';

const operatorActions = ['promote', 'abort', 'pause', 'resume', 'retry', 'approve'] as const;
type OperatorAction = (typeof operatorActions)[number];

const gates: readonly ConfirmGate[] = ['confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion'];

export interface OperatorDeps {
  store: CanaryStore<CanaryStatus>;
  history: History;
  queue: WorkQueue;
  now: () => number;
  newId: () => string;
}

export function toCommand(action: string, by: string, gate?: string): OperatorCommand {
  if (!(operatorActions as readonly string[]).includes(action)) {
    throw new ValidationError(`unknown action "${action.slice(0, 32)}"`, [
      { path: 'path.action', message: `expected one of ${operatorActions.join(', ')}, got "${action}"` },
    ]);
  }
  if (action === 'approve') {
    if (gate !== undefined && !(gates as readonly string[]).includes(gate)) {
      throw new ValidationError(`unknown gate "${gate}"`, [
        { path: 'query.gate', message: `expected one of ${gates.join(', ')}, got "${gate}"` },
      ]);
    }
    return { kind: 'approve', ...(gate ? { gate: gate as ConfirmGate } : {}), by };
  }
  return { kind: action as Exclude<OperatorAction, 'approve'>, by };
}

/**
 * Stores `command` for the next step. 403 unless the caller may (asked before the canary is read:
 * a refusal says nothing of whether it exists); 409 when a different command is still pending.
 */
export async function requestAction(
  deps: OperatorDeps,
  access: Access,
  key: CanaryKey,
  command: OperatorCommand,
  signal: AbortSignal,
): Promise<CanaryRecord<CanaryStatus>> {
  await access.require(command.kind === 'approve' ? 'approve' : 'operate', key);
  for (let attempt = 0; attempt < 3; attempt++) {
    const record = await deps.store.get(key, signal);
    if (!record) throw new NotFoundError(`canary ${keyString(key)} not found`);
    const pending = record.status.pendingCommand;
    if (pending && pending.kind !== command.kind) {
      throw new StateConflictError(
        `canary ${keyString(key)} has a pending "${pending.kind}" command from ${pending.by ?? 'someone'}; wait for the next step`,
      );
    }
    const refusal = commandRefusal(record.status, command);
    if (refusal)
      throw new StateConflictError(`${command.kind} refused for canary ${keyString(key)}: ${refusal}`);
    const now = deps.now();
    try {
      // The analysis keeps its schedule: the action runs now, in an action-only step.
      const saved = await deps.store.save(
        { ...record, status: { ...record.status, pendingCommand: command }, updatedAt: now },
        record.version,
        signal,
      );
      await deps.history.append(
        {
          key,
          at: now,
          id: deps.newId(),
          kind: 'operator',
          actor: command.by ?? 'unknown',
          phase: record.status.phase,
          reason: `Operator${command.kind[0].toUpperCase()}${command.kind.slice(1)}`,
          explanation: `${command.by ?? 'unknown'} requested ${command.kind}${command.kind === 'approve' && command.gate ? ` (${command.gate})` : ''}`,
        },
        signal,
      );
      await deps.queue.send([{ key, dueAt: now, action: true }], now, signal);
      return saved;
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
  }
  throw new ConflictError(`canary ${keyString(key)} is changing concurrently; try again`);
}
