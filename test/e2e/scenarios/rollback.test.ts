/**
 * Releases that fail and roll back: a rollout check that turns bad after the first weight step, a
 * pre-rollout hook that never passes, and a canary that never becomes ready (progress deadline).
 */
import { describe, expect, it } from 'vitest';
import { fail, reply } from '../../support/receiver.js';
import {
  apply,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey as key,
  virtualServiceWeights,
} from '../../support/release.js';
import {
  changes,
  eventsOf,
  imageOf,
  initialize,
  replicasOf,
  historyOf,
  stepReasons,
  stepUntil,
  stepUntilPhase,
  worldPerTest,
} from '../../support/scenario.js';

const world = worldPerTest();

const liveWeights = () => virtualServiceWeights(world.sandbox);

describe('rollback', () => {
  it('rolls back on the step where failed rollout checks reach the threshold', async () => {
    const { cp, hooks, sandbox } = world;
    await initialize(
      world,
      key,
      podinfoCanary(`threshold: 3
maxWeight: 50
stepWeight: 10
webhooks:
  - { name: load, type: rollout, url: "${hooks.url}/rollout" }
  - { name: done, type: post-rollout, url: "${hooks.url}/post" }`),
    );
    hooks.respond('/rollout', [reply(200), fail('error rate too high')]);

    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    const run = await stepUntilPhase(cp, key, ['Failed'], {
      read: (row) => ({
        weights: liveWeights(),
        failedChecks: row.status.failedChecks,
        rolloutCalls: hooks.requestsTo('/rollout').length,
      }),
    });
    expect(run.row.status.phase).toBe('Failed');

    // 0 → 10 → 20 (the one good answer), held at 20 while failing, back to 100/0.
    expect(changes(run.samples.map((s) => s.weights))).toEqual([
      [100, 0],
      [90, 10],
      [80, 20],
      [100, 0],
    ]);
    // One good and three failing rollout calls; the third failure rolls back in the same step
    // (Flagger would count it, then roll back one interval later).
    const firstFailure = run.samples.findIndex((s) => s.failedChecks === 1);
    expect(run.samples.slice(firstFailure).map((s) => [s.failedChecks, s.rolloutCalls])).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(run.phases.slice(firstFailure)).toEqual(['Progressing', 'Progressing', 'Failed']);
    expect(run.row.status).toMatchObject({ failedChecks: 3, canaryWeight: 0 });

    expect(replicasOf(sandbox, 'podinfo')).toBe(0);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.0');
    const post = hooks.requestsTo('/post');
    expect(post).toHaveLength(1);
    expect(post[0].body).toMatchObject({ name: 'podinfo', namespace: 'test', phase: 'Failed' });

    expect(eventsOf(cp, key, 'CheckFailed')).toHaveLength(2);
    const rolledBack = eventsOf(cp, key, 'RolledBack');
    expect(rolledBack).toHaveLength(1);
    expect(rolledBack[0]).toMatchObject({
      reason: 'RollbackThresholdReached',
      severity: 'error',
      failedChecks: 3,
    });
    const reasons = await stepReasons(cp, key);
    expect(reasons.filter((r) => r === 'CheckFailed')).toHaveLength(2);
    expect(reasons.at(-1)).toBe('RollbackThresholdReached');

    // The failed revision is not retried by later steps.
    const later = await stepUntilPhase(cp, key, ['Progressing'], { max: 3 });
    expect(later.phases).toEqual(['Failed', 'Failed', 'Failed']);
    expect(hooks.requestsTo('/rollout')).toHaveLength(4);
  });

  it('fails without ever shifting traffic when the pre-rollout hook keeps failing', async () => {
    const { cp, hooks, sandbox } = world;
    await initialize(
      world,
      key,
      podinfoCanary(`threshold: 2
maxWeight: 50
stepWeight: 10
webhooks:
  - { name: acceptance, type: pre-rollout, url: "${hooks.url}/pre" }
  - { name: load, type: rollout, url: "${hooks.url}/rollout" }
  - { name: done, type: post-rollout, url: "${hooks.url}/post" }`),
    );
    hooks.respond('/pre', fail('acceptance tests failed'));

    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    const run = await stepUntilPhase(cp, key, ['Failed'], { read: liveWeights });
    expect(run.row.status).toMatchObject({ phase: 'Failed', failedChecks: 2 });
    expect(changes(run.samples)).toEqual([[100, 0]]);
    expect(hooks.requestsTo('/pre')).toHaveLength(2);
    expect(hooks.requestsTo('/rollout')).toHaveLength(0);
    expect(hooks.requestsTo('/post')[0].body).toMatchObject({ phase: 'Failed' });
    expect(eventsOf(cp, key, 'WeightChanged')).toHaveLength(0);
    expect(eventsOf(cp, key, 'RolledBack')[0]).toMatchObject({ reason: 'RollbackThresholdReached' });
    expect(await stepReasons(cp, key)).toEqual(
      expect.arrayContaining(['NewRevisionDetected', 'PreRolloutHookFailed', 'RollbackThresholdReached']),
    );
    expect(replicasOf(sandbox, 'podinfo')).toBe(0);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.0');
  });

  it('rolls back with ProgressDeadlineExceeded when the canary never becomes ready', async () => {
    // The sandbox stamps Deployment conditions with the wall clock. With the control plane's clock
    // an hour behind it, no condition looks older than the deadline, so what fires is our own
    // deadline, counted from the first step that waited for the canary.
    await world.restart({ clockStart: Date.now() - 3_600_000 });
    const { cp, sandbox } = world;
    await initialize(world, key, podinfoCanary('threshold: 5\nmaxWeight: 50\nstepWeight: 10'));

    // The sandbox never finishes rolling out a Deployment annotated never-ready.
    const stuck = podinfoDeployment('podinfo:6.0.1');
    const metadata = { ...stuck.metadata, annotations: { 'sandbox.flagger.app/never-ready': 'true' } };
    await apply(sandbox, { ...stuck, metadata });

    const run = await stepUntilPhase(cp, key, ['Failed'], { read: liveWeights });
    expect(run.row.status.phase).toBe('Failed');
    expect(changes(run.samples)).toEqual([[100, 0]]);
    const steps = (await historyOf(cp, key)).filter((h) => h.kind === 'step');
    const waits = steps.filter((h) => h.reason === 'WaitingForCanary');
    const failed = steps.at(-1)!;
    // progressDeadlineSeconds 60, one step per 10 s: waits at 0, 10 … 50 s, fails at 60 s.
    expect(waits.map((h) => h.at - waits[0].at)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(failed).toMatchObject({
      phase: 'Failed',
      reason: 'ProgressDeadlineExceeded',
      at: waits[0].at + 60_000,
    });
    expect(failed.explanation).toContain('progress deadline 60s');
    expect(eventsOf(cp, key, 'RolledBack')[0]).toMatchObject({
      reason: 'ProgressDeadlineExceeded',
      severity: 'error',
    });
    expect(replicasOf(sandbox, 'podinfo')).toBe(0);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.0');
  });

  it('rolls back at once when the canary Deployment reports its own ProgressDeadlineExceeded', async () => {
    const { cp, sandbox } = world;
    await initialize(world, key, podinfoCanary('threshold: 5\nmaxWeight: 50\nstepWeight: 10'));
    const stuck = podinfoDeployment('podinfo:6.0.1');
    const metadata = {
      ...stuck.metadata,
      annotations: { 'sandbox.flagger.app/progress-deadline-exceeded': 'true' },
    };
    await apply(sandbox, { ...stuck, metadata });

    const run = await stepUntilPhase(cp, key, ['Failed'], { read: liveWeights });
    // The scale-up step, then the first readiness check fails for good: no waiting for 60 s.
    expect(run.phases).toEqual(['Progressing', 'Failed']);
    expect(changes(run.samples)).toEqual([[100, 0]]);
    const last = (await historyOf(cp, key)).at(-1)!;
    expect(last).toMatchObject({ phase: 'Failed', reason: 'ProgressDeadlineExceeded' });
    expect(last.explanation).toContain('exceeded its progress deadline');
    expect(replicasOf(sandbox, 'podinfo')).toBe(0);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.0');
  });

  it('rolls back when the rollback hook answers 200, before any failed check', async () => {
    const { cp, hooks, sandbox } = world;
    await initialize(
      world,
      key,
      podinfoCanary(`threshold: 5
maxWeight: 50
stepWeight: 10
webhooks:
  - { name: rollback-gate, type: rollback, url: "${hooks.url}/rollback" }`),
    );
    hooks.respond('/rollback', reply(403, 'closed'));
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    const midway = await stepUntil(cp, key, (r) => r.status.canaryWeight === 20, { read: liveWeights });
    expect(changes(midway.samples)).toEqual([
      [100, 0],
      [90, 10],
      [80, 20],
    ]);

    hooks.respond('/rollback', reply(200));
    const run = await stepUntilPhase(cp, key, ['Failed'], { max: 1 });
    expect(run.row.status).toMatchObject({ phase: 'Failed', failedChecks: 0 });
    expect(liveWeights()).toEqual([100, 0]);
    expect(eventsOf(cp, key, 'RolledBack')).toMatchObject([
      { reason: 'RollbackHookTriggered', severity: 'warn' },
    ]);
    expect((await stepReasons(cp, key)).at(-1)).toBe('RollbackHookTriggered');
    expect(replicasOf(sandbox, 'podinfo')).toBe(0);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.0');
  });
});
