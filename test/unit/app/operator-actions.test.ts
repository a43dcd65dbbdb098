/**
 * Operator actions on in-memory fakes: requestAction stores the command and queues an action-only
 * step, which applies it at once; what cannot apply now is refused (409) and changes nothing.
 */
import { anAdmin } from '../../support/fakes/access.js';
import { describe, expect, it } from 'vitest';
import { StateConflictError } from '../../../lib/app/errors.js';
import { requestAction, toCommand } from '../../../lib/app/operator-actions.js';
import type { OperatorCommand } from '../../../lib/domain/status.js';
import { aCanary } from '../../support/builders.js';
import {
  anAppWorld,
  initialized,
  key,
  nextStep,
  signal,
  stepNow,
  stepUntil,
  waitingAtRolloutGate,
  type AppWorld,
} from './harness.js';

const act = (w: AppWorld, command: OperatorCommand) =>
  requestAction(w.operator, anAdmin(command.by), key, command, signal);

/** Requests `command` and runs the action-only step the request queued. */
async function apply(w: AppWorld, command: OperatorCommand) {
  await act(w, command);
  expect(w.queue.sent.at(-1)).toEqual({ key, dueAt: w.clock.now, action: true });
  return stepNow(w, { action: true });
}

/** A canary in analysis at 20 % (two analysis steps after the release started). */
async function progressing(w: AppWorld, canary = aCanary()): Promise<void> {
  await initialized(w, canary);
  w.cluster.workloads.target!.revision = 'rev-2';
  for (let i = 0; i < 3; i++) await nextStep(w);
  expect(w.store.peek(key)!.status).toMatchObject({ phase: 'Progressing', canaryWeight: 20 });
}

describe('operator actions', () => {
  it('pause stops the analysis until resume; both are recorded with who asked', async () => {
    const w = anAppWorld();
    await progressing(w);
    expect(await apply(w, { kind: 'pause', by: 'bob' })).toMatchObject({ decision: { reason: 'Paused' } });
    const queries = w.cluster.metricsServer.calls.count('query');

    await nextStep(w);
    await nextStep(w);
    expect(w.cluster.metricsServer.calls.count('query')).toBe(queries);
    expect(w.cluster.routes.routes?.canary).toBe(20);

    expect(await apply(w, { kind: 'resume', by: 'bob' })).toMatchObject({ decision: { reason: 'Resumed' } });
    await nextStep(w);
    expect(w.cluster.routes.routes?.canary).toBe(30);
    const operator = w.history.of(key).filter((h) => h.kind === 'operator');
    expect(operator.map((h) => [h.reason, h.actor])).toEqual([
      ['OperatorPause', 'bob'],
      ['OperatorResume', 'bob'],
    ]);
  });

  it('abort rolls back at once: traffic to the primary, target to zero, Failed', async () => {
    const w = anAppWorld();
    await progressing(w);
    const outcome = await apply(w, { kind: 'abort', by: 'bob' });
    expect(outcome).toMatchObject({ decision: { reason: 'Aborted', status: { phase: 'Failed' } } });
    expect(w.cluster.routes.routes).toEqual({ primary: 100, canary: 0, mirrored: false });
    expect(w.cluster.workloads.target!.replicas).toBe(0);
    expect(w.cluster.workloads.primary!.revision).toBe('rev-1');
  });

  it('retry starts a new analysis of a Failed revision', async () => {
    const w = anAppWorld();
    await progressing(w);
    await apply(w, { kind: 'abort', by: 'bob' });
    await apply(w, { kind: 'retry', by: 'bob' });
    await stepUntil(w, ['Succeeded']);
    expect(w.cluster.workloads.primary!.revision).toBe('rev-2');
  });

  it('approve opens the confirm-rollout gate on the action step itself', async () => {
    const w = anAppWorld();
    await waitingAtRolloutGate(w);

    const outcome = await apply(w, toCommand('approve', 'bob', 'confirm-rollout'));
    expect(outcome).toMatchObject({ decision: { status: { phase: 'Progressing' } } });
  });
});

describe('operator actions that do not apply now are refused and change nothing', () => {
  it.each<{
    name: string;
    command: OperatorCommand;
    message: string;
    setup?: (w: AppWorld) => Promise<unknown>;
  }>([
    { name: 'approve without a pending gate', command: { kind: 'approve' }, message: 'no pending gate' },
    {
      name: 'retry outside Failed',
      command: { kind: 'retry' },
      message: 'nothing to retry in phase Progressing',
    },
    { name: 'resume when not paused', command: { kind: 'resume' }, message: 'not paused' },
    {
      name: 'promote on a Failed canary',
      command: { kind: 'promote' },
      message: 'nothing to promote in phase Failed',
      setup: (w) => apply(w, { kind: 'abort' }),
    },
    {
      name: 'a second, different command while one is pending',
      command: { kind: 'abort' },
      message: 'pending "pause" command',
      setup: (w) => act(w, { kind: 'pause', by: 'carol' }),
    },
  ])('$name', async ({ command, message, setup }) => {
    const w = anAppWorld();
    await progressing(w);
    await setup?.(w);
    const row = w.store.peek(key);
    const records = w.history.records.length;
    const sent = w.queue.sent.length;

    await expect(act(w, { ...command, by: 'bob' })).rejects.toThrow(StateConflictError);
    await expect(act(w, { ...command, by: 'bob' })).rejects.toThrow(message);

    expect(w.store.peek(key)).toEqual(row);
    expect(w.history.records).toHaveLength(records);
    expect(w.queue.sent).toHaveLength(sent);
  });
});
