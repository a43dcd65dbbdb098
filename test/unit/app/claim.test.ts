/**
 * A step's store writes on fakes (docs/architecture.md, "DynamoDB requests per step"): one
 * conditional write claims the row as read and moves its schedule past the claim, the status save
 * ends the claim, and a step that changed nothing writes no history record — the row counts it and
 * the next record carries the count. Counted in calls, never timed.
 */
import { anAdmin } from '../../support/fakes/access.js';
import { describe, expect, it } from 'vitest';
import { requestAction } from '../../../lib/app/operator-actions.js';
import { runStep } from '../../../lib/app/run-step.js';
import { CLAIM_MS, STEP_DEADLINE_MS } from '../../../lib/app/step-deadline.js';
import { historyView } from '../../../lib/app/views.js';
import { aCanary, hook, MINUTE } from '../../support/builders.js';
import { answered } from '../../support/fakes/checks.js';
import {
  anAppWorld,
  claimAndDie,
  initialized,
  key,
  nextStep,
  reasons,
  signal,
  stepNow,
  type AppWorld,
} from './harness.js';

/** The store calls of `w` by method since `mark` (a copy of the log length). */
function storeCalls(w: AppWorld, mark: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of w.store.calls.log.slice(mark)) out[c.method] = (out[c.method] ?? 0) + 1;
  return out;
}

/** An Initialized canary whose steps are swept (idle reconcile every 10 minutes). */
async function idle(w: AppWorld): Promise<void> {
  w.step.idleReconcileMs = 10 * MINUTE;
  await initialized(w);
}

describe('one step, two store writes', () => {
  it('claims and saves (ending the claim) with no read under the claim and no release', async () => {
    const w = anAppWorld();
    await initialized(w);
    w.cluster.workloads.target!.revision = 'rev-2';
    const mark = w.store.calls.log.length;
    const appended = w.history.calls.count('append');

    expect(reasons([await nextStep(w)])).toEqual(['NewRevisionDetected']);

    expect(storeCalls(w, mark)).toEqual({ get: 1, acquire: 1, save: 1 });
    expect(w.store.lease(key)).toBeUndefined();
    expect(w.history.calls.count('append')).toBe(appended + 1);
  });

  it('moves the schedule past the claim while the step runs: dispatch and duplicates leave it alone', async () => {
    const w = anAppWorld();
    await initialized(w);
    const due = w.store.peek(key)!.nextRunAt!;
    w.clock.now = due;
    const during: unknown[] = [];
    w.cluster.workloads.calls.before('revision', async () => {
      during.push(await w.store.listDue(due + MINUTE));
      during.push(await runStep(w.step, key, signal));
      during.push(w.store.peek(key)!.nextRunAt);
    });

    expect((await stepNow(w)).kind).toBe('stepped');

    expect(during).toEqual([
      [],
      { kind: 'skipped', why: 'notDue', nextRunAt: due + CLAIM_MS + 1000 },
      due + CLAIM_MS + 1000,
    ]);
    expect(w.store.peek(key)!.nextRunAt).toBe(due + MINUTE); // the save's: one interval later
  });

  it('runs each delivery of a step once: concurrent duplicates are skipped, a late one is not due', async () => {
    const w = anAppWorld();
    await initialized(w);
    w.cluster.workloads.target!.revision = 'rev-2';
    w.clock.now = w.store.peek(key)!.nextRunAt!;
    const appended = w.history.calls.count('append');

    const outcomes = await Promise.all([stepNow(w), stepNow(w), stepNow(w)]);

    expect(outcomes.map((o) => o.kind).sort()).toEqual(['skipped', 'skipped', 'stepped']);
    expect(w.history.calls.count('append')).toBe(appended + 1);
    const mark = w.store.calls.log.length;
    expect(await stepNow(w)).toMatchObject({ kind: 'skipped', why: 'notDue' });
    expect(storeCalls(w, mark)).toEqual({ get: 1 }); // no write
  });

  it('a step that dies holding the claim delays its canary by at most the deadline plus the margin', async () => {
    const w = anAppWorld();
    await initialized(w);
    const due = w.store.peek(key)!.nextRunAt!;
    await claimAndDie(w, due);

    expect(CLAIM_MS).toBe(STEP_DEADLINE_MS + 10_000);
    // Dispatch finds it again when the claim (and an early delivery's tolerance) is over.
    expect(await w.store.listDue(due + CLAIM_MS)).toEqual([]);
    expect(await w.store.listDue(due + CLAIM_MS + 1000)).toEqual([{ key, nextRunAt: due + CLAIM_MS + 1000 }]);
    expect((await nextStep(w)).kind).toBe('stepped');
    expect(w.clock.now - due).toBe(CLAIM_MS + 1000);
  });
});

describe('the sweep’s step (seenAt)', () => {
  it('runs while the row holds what the sweep compared, even before it is due; the same message again does not', async () => {
    const w = anAppWorld();
    await idle(w);
    const row = w.store.peek(key)!;
    expect(row.nextRunAt! - w.clock.now).toBe(10 * MINUTE);
    w.clock.now += MINUTE;
    const seenAt = row.seen!.at;

    expect((await runStep(w.step, key, signal, { seenAt })).kind).toBe('stepped');
    expect(w.store.peek(key)!.seen!.at).toBe(w.clock.now);
    expect(await runStep(w.step, key, signal, { seenAt })).toMatchObject({ kind: 'skipped', why: 'notDue' });
  });

  it('meets the claim of a step in progress', async () => {
    const w = anAppWorld();
    await idle(w);
    const seenAt = w.store.peek(key)!.seen!.at;
    w.clock.now = w.store.peek(key)!.nextRunAt!;
    let sweepStep: unknown;
    w.cluster.workloads.calls.before('revision', async () => {
      sweepStep = await runStep(w.step, key, signal, { seenAt });
    });

    expect((await stepNow(w)).kind).toBe('stepped');
    expect(sweepStep).toEqual({ kind: 'skipped', why: 'leaseHeld' });
  });
});

describe('history only when something happened', () => {
  it('an idle step that changes nothing writes no record: the row counts it, the next record carries the count', async () => {
    const w = anAppWorld();
    await idle(w);
    expect(reasons([await nextStep(w)])).toEqual(['NoNewRevision']); // a new reason: recorded
    const records = w.history.of(key).length;

    for (let i = 0; i < 3; i++) {
      const mark = w.store.calls.log.length;
      expect(reasons([await nextStep(w)])).toEqual(['NoNewRevision']);
      expect(storeCalls(w, mark)).toEqual({ get: 1, acquire: 1, save: 1 });
    }

    expect(w.history.of(key)).toHaveLength(records);
    const row = w.store.peek(key)!;
    const [newest] = await w.history.list(key, { limit: 1 });
    expect(newest).toMatchObject({ reason: 'NoNewRevision' });
    expect(newest).not.toHaveProperty('count');
    // The API shows the run still going on from the row.
    expect(historyView([newest!], row)).toEqual([{ ...newest, count: 4, lastAt: w.clock.now }]);

    const lastAt = w.clock.now;
    w.cluster.workloads.target!.revision = 'rev-2';
    expect(reasons([await nextStep(w)])).toEqual(['NewRevisionDetected']);
    const [release, repeated] = await w.history.list(key, { limit: 2 });
    expect(release).toMatchObject({ reason: 'NewRevisionDetected' });
    expect(release).not.toHaveProperty('previous');
    expect(repeated).toMatchObject({ reason: 'NoNewRevision', count: 4, lastAt });
  });

  it('a wait repeated (a closed confirm-promotion gate) collapses; the step that goes on is recorded', async () => {
    const w = anAppWorld();
    await initialized(w, aCanary({ maxWeight: 10, webhooks: [hook('confirm-promotion')] }));
    w.cluster.workloads.target!.revision = 'rev-2';
    w.cluster.hooks.answer = (call) => answered(call, 403);
    const steps: string[] = [];
    for (let i = 0; i < 6; i++) steps.push(...reasons([await nextStep(w)]));
    w.cluster.hooks.answer = (call) => answered(call, 200);
    steps.push(...reasons([await nextStep(w)]));
    expect(steps).toEqual([
      'NewRevisionDetected',
      'CanaryWeightIncreased',
      'WaitingPromotion',
      'WaitingPromotion',
      'WaitingPromotion',
      'WaitingPromotion',
      'PromotionStarted',
    ]);
    // The first wait is recorded (its WaitingApproval alert and `notified`); the next three only
    // repeat it, Warning Event included, and are counted on it.
    const history = (await w.history.list(key, { limit: 20 })).filter((h) => h.kind === 'step').reverse();
    expect(history.slice(-3).map((h) => [h.reason, h.count])).toEqual([
      ['CanaryWeightIncreased', undefined],
      ['WaitingPromotion', 4],
      ['PromotionStarted', undefined],
    ]);
    expect(w.cluster.events.reasons().filter((r) => r === 'WaitingPromotion')).toHaveLength(4);
  });

  it('an operator command written during a repeat is kept, and the step records itself after it', async () => {
    const w = anAppWorld();
    await idle(w);
    await nextStep(w); // NoNewRevision, recorded
    await nextStep(w); // repeated
    w.store.calls.before('save', () =>
      requestAction(w.operator, anAdmin('bob'), key, { kind: 'pause', by: 'bob' }, signal),
    );

    expect(reasons([await nextStep(w)])).toEqual(['NoNewRevision']);

    const row = w.store.peek(key)!;
    expect(row.status.pendingCommand).toEqual({ kind: 'pause', by: 'bob' });
    expect(row.nextRunAt).toBe(w.clock.now);
    expect(w.store.lease(key)).toBeUndefined();
    // Its record (at the operator's instant) carries the count of the run the command ended.
    const [a, b, repeated] = await w.history.list(key, { limit: 3 });
    const step = [a, b].find((h) => h?.kind === 'step');
    expect([a, b].map((h) => `${h!.kind} ${h!.reason}`).sort()).toEqual([
      'operator OperatorPause',
      'step NoNewRevision',
    ]);
    expect(step).not.toHaveProperty('count');
    expect(repeated).toMatchObject({ kind: 'step', reason: 'NoNewRevision', count: 2 });
    expect(row.recorded).toMatchObject({ id: step!.id, count: 1 });
  });
});
