/** runStep on in-memory fakes: a whole release, rollback, missing data, leases, conflicts, failures. */
import { anAdmin } from '../../support/fakes/access.js';
import { describe, expect, it } from 'vitest';
import { requestAction } from '../../../lib/app/operator-actions.js';
import type { RouteWeights } from '../../../lib/ports/router.js';
import { UnavailableError } from '../../../lib/ports/errors.js';
import type { QueryResult } from '../../../lib/ports/metrics.js';
import { aCanary } from '../../support/builders.js';
import { FakeClusterAccess } from '../../support/fakes/cluster.js';
import {
  anAppWorld,
  claimAndDie,
  initialized,
  key,
  phases,
  reasons,
  register,
  signal,
  nextStep,
  stepNow,
  stepUntil,
  type AppWorld,
} from './harness.js';

/** The canary weights written by setRoutes, in order. */
function weights(w: AppWorld): number[] {
  return w.cluster.routes.calls.args('setRoutes').map(([, r]) => (r as RouteWeights).canary);
}

/** An initialized canary whose target now runs rev-2: the next step starts the release. */
async function releasing(w: AppWorld, canary = aCanary()): Promise<void> {
  await initialized(w, canary);
  w.cluster.workloads.target!.revision = 'rev-2';
}

describe('runStep: a release on fakes', () => {
  it('initializes in the zero-downtime order: primary first, then apex and routes, then the target to zero', async () => {
    const w = anAppWorld();
    await register(w);
    let apexWhenScaledDown: string | undefined;
    w.cluster.scaler.calls.before('scaleToZero', () => (apexWhenScaledDown = w.cluster.workloads.apex));

    const outcomes = await stepUntil(w, ['Initialized']);

    expect(phases(outcomes)).toEqual(['Initializing', 'Initialized']);
    expect(w.cluster.workloads.primary).toEqual({ revision: 'rev-1', replicas: 2 });
    expect(apexWhenScaledDown).toBe('primary');
    expect(w.cluster.workloads.target!.replicas).toBe(0);
    expect(w.cluster.routes.routes).toEqual({ primary: 100, canary: 0, mirrored: false });
    expect(w.store.peek(key)!.status).toMatchObject({ lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' });
  });

  it('analyses a new revision step by step, promotes it and scales the target down', async () => {
    const w = anAppWorld();
    await releasing(w);

    const outcomes = await stepUntil(w, ['Succeeded']);

    expect(phases(outcomes).at(-1)).toBe('Succeeded');
    expect(weights(w)).toEqual([10, 20, 30, 40, 50, 0, 0]);
    expect(w.cluster.workloads.primary!.revision).toBe('rev-2');
    expect(w.cluster.workloads.target!.replicas).toBe(0);
    expect(w.cluster.workloads.calls.count('promote')).toBe(1);
    // Both metrics once on each of the five analysis steps (at 10 … 50 %), and nowhere else.
    expect(w.cluster.metricsServer.calls.count('query')).toBe(10);
    expect(w.store.peek(key)!.status).toMatchObject({ failedChecks: 0, lastPromotedSpec: 'rev-2' });
    // One history record per step (plus the registration).
    const steps = w.history.of(key).filter((r) => r.kind === 'step');
    expect(steps.length).toBe(w.store.peek(key)!.version - 1);
  });

  it('rolls back on the step where failed checks reach the threshold', async () => {
    const w = anAppWorld();
    await releasing(w, aCanary({ threshold: 2 }));
    w.cluster.metricsServer.answer = (q) => ({
      kind: 'value',
      value: q.startsWith('request-success-rate') ? 80 : 100,
    });

    const outcomes = await stepUntil(w, ['Failed']);

    expect(reasons(outcomes).slice(-2)).toEqual(['CheckFailed', 'RollbackThresholdReached']);
    expect(w.cluster.routes.routes).toEqual({ primary: 100, canary: 0, mirrored: false });
    expect(w.cluster.workloads.primary!.revision).toBe('rev-1');
    expect(w.cluster.workloads.target!.replicas).toBe(0);
    expect(w.cluster.workloads.calls.count('promote')).toBe(0);
    expect(w.store.peek(key)!.status.failedChecks).toBe(2);
  });

  it.each<{ name: string; answer: QueryResult }>([
    { name: 'no data', answer: { kind: 'noData', message: 'empty result' } },
    { name: 'a query error', answer: { kind: 'error', message: 'HTTP 503' } },
    { name: 'NaN', answer: { kind: 'value', value: Number.NaN } },
  ])('never promotes on $name: it counts as a failed check', async ({ answer }) => {
    const w = anAppWorld();
    await releasing(w, aCanary({ threshold: 3 }));
    w.cluster.metricsServer.answer = () => answer;

    await stepUntil(w, ['Failed', 'Succeeded']);

    expect(w.store.peek(key)!.status).toMatchObject({ phase: 'Failed', failedChecks: 3 });
    // The first weight comes before any check (Flagger); the first failed checks hold it.
    expect(weights(w)).toEqual([10, 0]);
    expect(w.cluster.workloads.calls.count('promote')).toBe(0);
  });
});

describe('runStep: leases and concurrent writes', () => {
  it('skips without touching the cluster or the row while another step holds the lease', async () => {
    const w = anAppWorld();
    await register(w);
    // A claim that left the canary due (as a step of the previous version took it).
    await claimAndDie(w, w.clock.now, { owner: 'other-step', runAt: false });
    const version = w.store.peek(key)!.version;

    expect(await stepNow(w)).toEqual({ kind: 'skipped', why: 'leaseHeld' });

    expect(w.clusters.calls.count()).toBe(0);
    expect(w.cluster.workloads.calls.count()).toBe(0);
    expect(w.store.peek(key)!.version).toBe(version);
    expect(w.history.of(key).filter((r) => r.kind === 'step')).toEqual([]);
  });

  it('ends its claim whatever the outcome: with the save, or released when it saved nothing', async () => {
    const w = anAppWorld();
    await register(w);
    w.clusters.calls.failNext('get', new UnavailableError('cluster unreachable'));
    expect((await stepNow(w)).kind).toBe('failed'); // rescheduled: the save ends the claim
    expect(w.store.lease(key)).toBeUndefined();
    expect(w.store.calls.count('release')).toBe(0);

    w.clock.now = w.store.peek(key)!.nextRunAt!;
    w.clusters.calls.failNext('get', new UnavailableError('cluster unreachable'));
    w.store.calls.failNext('save', new UnavailableError('DynamoDB throttled'));
    expect(await stepNow(w)).toMatchObject({ kind: 'failed', record: undefined });
    expect(w.store.lease(key)).toBeUndefined();
    expect(w.store.calls.count('release')).toBe(1);
  });

  it('re-reads on a conflicting save and keeps the operator command written meanwhile', async () => {
    const w = anAppWorld();
    await releasing(w);
    await nextStep(w); // starts the release
    // The API stores a pause while the step runs: the step's first save loses the version race.
    w.store.calls.before('save', () =>
      requestAction(w.operator, anAdmin('bob'), key, { kind: 'pause', by: 'bob' }, signal),
    );

    const outcome = await nextStep(w);

    expect(outcome.kind).toBe('stepped');
    expect(w.store.calls.count('save')).toBeGreaterThanOrEqual(3); // lost, the API's, retried
    const row = w.store.peek(key)!;
    expect(row.status.pendingCommand).toEqual({ kind: 'pause', by: 'bob' });
    expect(row.nextRunAt).toBe(w.clock.now);
  });
});

describe('runStep: a dependency fails', () => {
  it('keeps the status, explains the failure and retries within min(interval, 60 s); the next step converges', async () => {
    const w = anAppWorld();
    await releasing(w);
    await nextStep(w);
    await nextStep(w);
    const at = w.store.peek(key)!.nextRunAt!;
    const before = w.store.peek(key)!;
    w.cluster.workloads.calls.failNext('revision', new UnavailableError('API server down'));

    const outcome = await nextStep(w);

    expect(outcome).toMatchObject({ kind: 'failed', error: expect.stringContaining('API server down') });
    const after = w.store.peek(key)!;
    expect(after.status).toEqual(before.status);
    expect(after.nextRunAt).toBe(at + 60_000);
    expect(w.history.of(key).at(-1)).toMatchObject({ reason: 'StepFailed', phase: 'Progressing' });
    expect(w.history.of(key).at(-1)!.explanation).toContain('API server down');
    expect(w.logger.withReason('StepFailed')).toHaveLength(1);

    await stepUntil(w, ['Succeeded']);
    expect(w.store.peek(key)!.status.phase).toBe('Succeeded');
    expect(weights(w)).toEqual([10, 20, 30, 40, 50, 0, 0]);
  });

  it('fails the step and names the cluster when it is not registered', async () => {
    const w = anAppWorld();
    await register(w);
    const outcome = await stepNow({ ...w, step: { ...w.step, clusters: new FakeClusterAccess() } });
    expect(outcome).toMatchObject({ kind: 'failed', error: expect.stringContaining('"test-cluster"') });
  });
});
