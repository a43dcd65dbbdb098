/**
 * Nothing happens off the record (issue 14): a step that acted and then lost its save, a canary
 * deleted while its step ran, a step that took over from one that died — each leaves a history
 * record and a log line saying what happened, and the cluster converges.
 */
import { anAdmin } from '../../support/fakes/access.js';
import { describe, expect, it } from 'vitest';
import { deleteCanary } from '../../../lib/app/register-canary.js';
import type { RouteWeights } from '../../../lib/ports/router.js';
import { ConflictError, UnavailableError } from '../../../lib/ports/errors.js';
import { aCanary } from '../../support/builders.js';
import {
  anAppWorld,
  claimAndDie,
  initialized,
  key,
  LEASE_MS,
  nextStep,
  register,
  signal,
  stepNow,
  stepUntil,
  type AppWorld,
} from './harness.js';

/** Initialized, then rev-2 released and analysed until the canary gets 10 %. */
async function atTenPercent(w: AppWorld, canary = aCanary()): Promise<void> {
  await initialized(w, canary);
  w.cluster.workloads.target!.revision = 'rev-2';
  await nextStep(w);
  await nextStep(w);
  expect(w.cluster.routes.routes).toEqual({ primary: 90, canary: 10, mirrored: false });
}

/** Initialized, then rev-2 detected: Progressing at 0 %, the next step moves traffic. */
async function releasing(w: AppWorld): Promise<void> {
  await initialized(w, aCanary());
  w.cluster.workloads.target!.revision = 'rev-2';
  await nextStep(w);
  expect(w.store.peek(key)!.status).toMatchObject({ phase: 'Progressing', canaryWeight: 0 });
}

const weights = (w: AppWorld) =>
  w.cluster.routes.calls.args('setRoutes').map(([, r]) => (r as RouteWeights).canary);
const last = (w: AppWorld) => w.history.of(key).at(-1)!;
const deleteNow = (w: AppWorld) => () => deleteCanary(w.register, anAdmin('alice'), key, signal);

describe('a step that acted and then lost its save', () => {
  it('records what it did when the save conflicts three times, and the next step carries on from the live routes', async () => {
    const w = anAppWorld();
    await atTenPercent(w);
    const before = w.store.peek(key)!;
    w.store.calls.failNext('save', new ConflictError('canary save: changed concurrently'), 3);

    const outcome = await nextStep(w);

    expect(outcome.kind).toBe('failed');
    expect(w.cluster.routes.routes!.canary).toBe(20); // the move happened
    // The status did not; the canary runs again when the step's claim would have ended, and the
    // claim is released (no save ended it).
    expect(w.store.peek(key)).toEqual({ ...before, nextRunAt: w.clock.now + LEASE_MS + 1000 });
    expect(w.store.lease(key)).toBeUndefined();
    expect(last(w)).toMatchObject({
      kind: 'step',
      reason: 'StatusNotSaved',
      actions: expect.arrayContaining([{ kind: 'setRoutes', primary: 80, canary: 20, mirror: false }]),
    });
    expect(last(w).explanation).toContain('setRoutes 80/20');
    expect(w.logger.withReason('StatusNotSaved')).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ did: expect.stringContaining('setRoutes 80/20') }),
      }),
    ]);

    await stepUntil(w, ['Succeeded']);
    expect(weights(w)).toEqual([10, 20, 30, 40, 50, 0, 0]);
  });

  it('records what it did when the store fails, and leaves the retry to the queue', async () => {
    const w = anAppWorld();
    await atTenPercent(w);
    w.store.calls.failNext('save', new UnavailableError('DynamoDB throttled'));

    await expect(nextStep(w)).rejects.toThrow('DynamoDB throttled');

    expect(last(w)).toMatchObject({ reason: 'StatusNotSaved' });
    expect(last(w).explanation).toContain('setRoutes 80/20');
  });

  it('names the effects that took place before an action failed', async () => {
    const w = anAppWorld();
    await atTenPercent(w, aCanary({ threshold: 1 }));
    w.cluster.metricsServer.answer = () => ({ kind: 'value', value: 0 });
    w.cluster.scaler.calls.failNext('scaleToZero', new UnavailableError('API server down'));

    expect((await nextStep(w)).kind).toBe('failed'); // the rollback moved traffic, then failed

    expect(w.cluster.routes.routes!.canary).toBe(0);
    expect(last(w)).toMatchObject({
      reason: 'StepFailed',
      actions: expect.arrayContaining([{ kind: 'setRoutes', primary: 100, canary: 0, mirror: false }]),
    });
    expect(last(w).explanation).toMatch(/after it did: .*setRoutes 100\/0.*API server down/);

    await stepUntil(w, ['Failed']);
    expect(w.cluster.workloads.target!.replicas).toBe(0);
  });
});

describe('a canary deleted while its step runs', () => {
  it('without revertOnDeletion: the traffic the step moved goes back to the primary, and the history says so', async () => {
    const w = anAppWorld();
    await releasing(w);
    // The DELETE finds no traffic on the canary yet, so the row goes at once; then the step moves some.
    w.cluster.routes.calls.before('setRoutes', deleteNow(w));

    expect(await nextStep(w)).toEqual({ kind: 'skipped', why: 'missing' });

    expect(w.store.peek(key)).toBeUndefined();
    expect(weights(w).slice(-2)).toEqual([10, 0]);
    expect(w.cluster.routes.routes).toEqual({ primary: 100, canary: 0, mirrored: false });
    expect(
      w.history
        .of(key)
        .slice(-2)
        .map((h) => [h.kind, h.reason]),
    ).toEqual([
      ['operator', 'CanaryDeleted'],
      ['step', 'CanaryDeleted'],
    ]);
    expect(last(w).explanation).toContain('traffic moved back to the primary (from 90/10)');
  });

  it('without revertOnDeletion, traffic on the canary: the row stays until an action step moved it all back', async () => {
    const w = anAppWorld();
    await atTenPercent(w);

    expect(await deleteNow(w)()).toMatchObject({ deleted: false });
    expect(w.store.peek(key)!.status.pendingCommand).toEqual({ kind: 'delete', by: 'alice' });
    expect(w.queue.sent.at(-1)).toMatchObject({ key, action: true });
    expect((await stepNow(w, { action: true })).kind).toBe('stepped');

    expect(w.store.peek(key)).toBeUndefined();
    expect(weights(w).slice(-1)).toEqual([0]);
    expect(w.cluster.routes.routes).toEqual({ primary: 100, canary: 0, mirrored: false });
    expect(last(w)).toMatchObject({ reason: 'Terminated', phase: 'Terminated' });
  });

  it('without revertOnDeletion: a DELETE racing a step that moves nothing keeps the delete for the next step', async () => {
    const w = anAppWorld();
    await atTenPercent(w);
    w.cluster.metricsServer.answer = () => ({ kind: 'value', value: 0 }); // this step moves nothing
    w.cluster.workloads.calls.before('revision', deleteNow(w));

    await nextStep(w);
    expect(w.store.peek(key)!.status.pendingCommand).toEqual({ kind: 'delete', by: 'alice' });
    await stepNow(w, { action: true });

    expect(w.store.peek(key)).toBeUndefined();
    expect(weights(w).slice(-1)).toEqual([0]);
    expect(w.cluster.routes.routes).toEqual({ primary: 100, canary: 0, mirrored: false });
  });

  it('during initialization: no routes to move, none written', async () => {
    const w = anAppWorld();
    await register(w);
    w.cluster.workloads.calls.before('revision', deleteNow(w));

    await nextStep(w);

    expect(w.cluster.routes.calls.count('setRoutes')).toBe(0);
    expect(last(w)).toMatchObject({ reason: 'CanaryDeleted' });
  });

  it('says so when moving the traffic back fails', async () => {
    const w = anAppWorld();
    await releasing(w);
    w.cluster.routes.calls.before('setRoutes', deleteNow(w));
    w.cluster.routes.calls.failOn(
      'setRoutes',
      new UnavailableError('API server down'),
      w.cluster.routes.calls.count('setRoutes') + 2,
    );

    await nextStep(w);

    expect(w.cluster.routes.routes!.canary).toBe(10);
    expect(last(w).explanation).toContain('moving traffic back to the primary failed, routes left at 90/10');
    expect(w.logger.withReason('CanaryDeleted')).toEqual([expect.objectContaining({ level: 'error' })]);
  });

  it('with revertOnDeletion: the step keeps the delete it raced with, and the next steps revert the target', async () => {
    const w = anAppWorld();
    await atTenPercent(w, aCanary({ revertOnDeletion: true }));
    w.cluster.routes.calls.before('setRoutes', deleteNow(w));

    expect((await nextStep(w)).kind).toBe('stepped');
    expect(w.store.peek(key)!.status.pendingCommand).toEqual({ kind: 'delete', by: 'alice' });

    await stepUntil(w, ['Terminated']);

    expect(w.store.peek(key)).toBeUndefined();
    expect(w.cluster.workloads.apex).toBe('target');
    expect(w.cluster.workloads.target!.replicas).toBe(w.cluster.workloads.primary!.replicas);
    expect(w.cluster.routes.routes).toBeUndefined(); // finalized: our routing object is gone
  });
});

describe('a step that takes over from one that died holding the lease', () => {
  it('records and logs how long the canary waited', async () => {
    const w = anAppWorld();
    await atTenPercent(w);
    const due = w.store.peek(key)!.nextRunAt!;
    await claimAndDie(w, due); // it never saves nor releases
    // Its claim moved the schedule to the claim's end: a repeated delivery is not due, dispatch
    // leaves the canary alone, and the next step comes when the claim has expired.
    w.clock.now = due;
    expect(await stepNow(w)).toEqual({ kind: 'skipped', why: 'notDue', nextRunAt: due + LEASE_MS + 1_000 });

    expect((await nextStep(w)).kind).toBe('stepped');
    expect(w.clock.now).toBe(due + LEASE_MS + 1_000);

    const lease = {
      previousStep: 'crashed-step',
      heldSince: due,
      expiredAt: due + LEASE_MS,
      waitedMs: LEASE_MS + 1_000,
    };
    expect(last(w)).toMatchObject({ reason: 'CanaryWeightIncreased', inputs: { lease } });
    expect(last(w).explanation).toContain(
      'took over from step crashed-step, whose lease expired: the canary waited 121 s',
    );
    expect(w.logger.withReason('LeaseExpired')).toEqual([
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining(lease) }),
    ]);
  });

  it('records the wait on a step that then fails, too', async () => {
    const w = anAppWorld();
    await atTenPercent(w);
    const due = w.store.peek(key)!.nextRunAt!;
    await claimAndDie(w, due);
    w.clock.now = due + LEASE_MS + 1;
    w.cluster.workloads.calls.failNext('revision', new UnavailableError('API server down'));

    await nextStep(w);

    expect(last(w)).toMatchObject({
      reason: 'StepFailed',
      inputs: { lease: { previousStep: 'crashed-step' } },
    });
  });

  it('a lease released as usual is not a takeover: a whole release logs none', async () => {
    const w = anAppWorld();
    await atTenPercent(w);
    await stepUntil(w, ['Succeeded']);
    expect(w.logger.withReason('LeaseExpired')).toEqual([]);
    expect(w.history.of(key).filter((h) => h.inputs?.lease !== undefined)).toEqual([]);
  });
});
