/**
 * Exactly-once steps: concurrent deliveries, a step that dies after acting but before saving, a
 * claim left behind by a crashed step, and a canary deleted while its step runs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStep } from '../../lib/app/run-step.js';
import type { CanaryStatus } from '../../lib/domain/status.js';
import type { CanaryRecord, CanaryStore } from '../../lib/ports/store.js';
import { startControlPlane, type ControlPlane } from '../support/controlplane.js';
import {
  apply,
  initializeCanary,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey as key,
  virtualServiceWeights,
} from '../support/release.js';
import { startSandbox, type Sandbox } from '../support/sandbox.js';

const signal = new AbortController().signal;
let sandbox: Sandbox;
let cp: ControlPlane;

/** Registers the cluster and the canary, initializes it, and starts a release (phase Progressing). */
async function progressing(): Promise<CanaryRecord<CanaryStatus>> {
  let row: CanaryRecord<CanaryStatus> | undefined = await initializeCanary(
    cp,
    sandbox,
    podinfoCanary('threshold: 2\nmaxWeight: 50\nstepWeight: 10'),
  );
  await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
  for (let i = 0; i < 5 && row?.status.phase !== 'Progressing'; i++) row = await cp.tick(key, 10_000);
  expect(row?.status.phase).toBe('Progressing');
  // Let the analysis start so that the next step shifts traffic.
  for (let i = 0; i < 5 && virtualServiceWeights(sandbox)[1] === 0; i++) row = await cp.tick(key, 10_000);
  expect(virtualServiceWeights(sandbox)).toEqual([90, 10]);
  return row!;
}

async function historyCount(): Promise<number> {
  return (await cp.core.history.list(key, { limit: 1000 }, signal)).filter((h) => h.kind === 'step').length;
}

beforeEach(async () => {
  sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  cp = await startControlPlane();
});
afterEach(async () => {
  await cp.close();
  await sandbox.close();
});

describe('exactly-once analysis steps', () => {
  it('advances the canary once when 20 deliveries of the same step arrive together', async () => {
    const before = await progressing();
    const steps = await historyCount();
    cp.clock.now += 10_000;
    const results = await Promise.all(Array.from({ length: 20 }, () => runStep(cp.stepDeps, key, signal)));
    expect(results.filter((r) => r.kind === 'stepped')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'skipped').length).toBe(19);
    const after = await cp.core.store.get(key, signal);
    expect(after!.version).toBe(before.version + 1);
    expect(after!.status.canaryWeight).toBe(20);
    expect(virtualServiceWeights(sandbox)).toEqual([80, 20]);
    expect(await historyCount()).toBe(steps + 1);

    // The same step delivered again later (an SQS redelivery) is not due any more.
    const late = await runStep(cp.stepDeps, key, signal);
    expect(late).toMatchObject({ kind: 'skipped', why: 'notDue' });
  });

  it('converges when a step dies after setting routes but before saving its status', async () => {
    await progressing();
    const real = cp.stepDeps.store;
    let crashes = 1;
    const crashing: CanaryStore<CanaryStatus> = {
      get: (k, s) => real.get(k, s),
      delete: (k, s) => real.delete(k, s),
      listDue: (u, s) => real.listDue(u, s),
      list: (f, s) => real.list(f, s),
      save: (r, v, s, c) =>
        crashes-- > 0 ? Promise.reject(new Error('Lambda timed out')) : real.save(r, v, s, c),
    };
    cp.clock.now += 10_000;
    await expect(runStep({ ...cp.stepDeps, store: crashing }, key, signal)).rejects.toThrow(
      'Lambda timed out',
    );
    // The routes moved, the status did not: the cluster is ahead of the store, and the history says so.
    expect(virtualServiceWeights(sandbox)).toEqual([80, 20]);
    expect((await real.get(key, signal))!.status.canaryWeight).toBe(10);
    const [notSaved] = await cp.core.history.list(key, { limit: 1 }, signal);
    expect(notSaved).toMatchObject({ reason: 'StatusNotSaved' });
    expect(notSaved!.explanation).toContain('setRoutes 80/20');

    // The claim is released; the canary runs again when it would have ended.
    const row0 = (await real.get(key, signal))!;
    expect(row0.nextRunAt).toBe(cp.clock.now + cp.stepDeps.leaseMs + 1000);
    cp.clock.now = row0.nextRunAt! - 10_000;
    // The next steps re-observe the live routes and carry on from there, never going back.
    const seen: number[] = [];
    let row: CanaryRecord<CanaryStatus> | undefined;
    for (let i = 0; i < 12 && row?.status.phase !== 'Succeeded'; i++) {
      row = await cp.tick(key, 10_000);
      const w = virtualServiceWeights(sandbox)[1];
      if (seen.at(-1) !== w) seen.push(w);
    }
    expect(row?.status.phase).toBe('Succeeded');
    expect(seen).toEqual([30, 40, 50, 0]);
  });

  it('waits for a claim left by a crashed step to expire, then continues and records the wait', async () => {
    const before = await progressing();
    cp.clock.now += 10_000;
    const crashedAt = cp.clock.now;
    // What a step's claim writes: the row as read, its schedule moved past the claim's end.
    const until = crashedAt + cp.stepDeps.leaseMs;
    const claim = {
      owner: 'crashed-step',
      now: crashedAt,
      until,
      version: before.version,
      runAt: until + 1000,
    };
    expect(await cp.core.store.acquire(key, claim, signal)).toEqual({});
    // Meanwhile a delivery of the step is not due, and dispatch does not queue the canary.
    expect(await runStep(cp.stepDeps, key, signal)).toMatchObject({ kind: 'skipped', why: 'notDue' });
    expect(await cp.dispatch()).toBe(0);

    // At the claim's end the canary is due again: the crashed step delayed it by the claim's length.
    cp.clock.now = until + 1000;
    const r = await runStep(cp.stepDeps, key, signal);
    expect(r.kind).toBe('stepped');
    expect(virtualServiceWeights(sandbox)).toEqual([80, 20]);
    const [record] = await cp.core.history.list(key, { limit: 1 }, signal);
    expect(record!.inputs?.lease).toEqual({
      previousStep: 'crashed-step',
      heldSince: crashedAt,
      expiredAt: until,
      waitedMs: cp.stepDeps.leaseMs + 1000,
    });
  });

  it('puts the traffic back on the primary when the canary is deleted through the API mid-step', async () => {
    await progressing();
    const real = cp.stepDeps.store;
    let deleted = false;
    const racing: CanaryStore<CanaryStatus> = {
      get: (k, s) => real.get(k, s),
      delete: (k, s) => real.delete(k, s),
      listDue: (u, s) => real.listDue(u, s),
      list: (f, s) => real.list(f, s),
      // DELETE arrives after the step moved traffic, before it saves: traffic is on the canary, so
      // the API keeps the row with a pending delete (202) for an action step to act on.
      save: async (r, v, s, c) => {
        if (!deleted) {
          deleted = true;
          expect((await cp.api('DELETE', '/canaries/sandbox/test/podinfo')).status).toBe(202);
        }
        return real.save(r, v, s, c);
      },
    };
    cp.clock.now += 10_000;

    // The step's save conflicts with the API's, re-reads and keeps the delete it raced with.
    expect((await runStep({ ...cp.stepDeps, store: racing }, key, signal)).kind).toBe('stepped');
    expect(deleted).toBe(true);
    expect((await real.get(key, signal))!.status.pendingCommand).toMatchObject({ kind: 'delete' });

    await cp.deliver(); // the action step the API queued

    expect((await cp.api('GET', '/canaries/sandbox/test/podinfo')).status).toBe(404);
    expect(virtualServiceWeights(sandbox)).toEqual([100, 0]);
    // The API's record and the steps' share instants; look for each, not for an order.
    const records = await cp.core.history.list(key, { limit: 5 }, signal);
    expect(records.map((r) => `${r.kind} ${r.reason}`)).toEqual(
      expect.arrayContaining(['operator OperatorDelete', 'step Terminated']),
    );
  });
});
