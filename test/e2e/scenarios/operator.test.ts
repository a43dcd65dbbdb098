/**
 * Operator actions through the API during a release: abort mid-analysis, and retry of a failed
 * release once the check it failed on is healthy again.
 */
import { describe, expect, it } from 'vitest';
import { fail, reply } from '../../support/receiver.js';
import { noRangeQueries } from '../../support/fakes/checks.js';
import {
  apply,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey as key,
  virtualServiceWeights,
} from '../../support/release.js';
import {
  act,
  changes,
  eventsOf,
  historyOf,
  imageOf,
  initialize,
  replicasOf,
  stepUntil,
  stepUntilPhase,
  worldPerTest,
} from '../../support/scenario.js';

const tester = 'arn:aws:iam::123456789012:user/tester';
const world = worldPerTest();

const liveWeights = () => virtualServiceWeights(world.sandbox);

function canary(hookUrl: string): string {
  return podinfoCanary(`threshold: 2
maxWeight: 50
stepWeight: 10
webhooks:
  - { name: load, type: rollout, url: "${hookUrl}/rollout" }
  - { name: done, type: post-rollout, url: "${hookUrl}/post" }`);
}

describe('operator actions', () => {
  it('aborts a release mid-analysis: Failed, traffic back on the primary, the caller in history', async () => {
    const { cp, hooks, sandbox } = world;
    await initialize(world, key, canary(hooks.url));
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    const midway = await stepUntil(cp, key, (r) => r.status.canaryWeight === 20, { read: liveWeights });
    expect(changes(midway.samples)).toEqual([
      [100, 0],
      [90, 10],
      [80, 20],
    ]);

    const aborted = await act(cp, key, 'abort');
    expect(aborted.status).toMatchObject({ phase: 'Failed', canaryWeight: 0 });
    expect(liveWeights()).toEqual([100, 0]);
    expect(replicasOf(sandbox, 'podinfo')).toBe(0);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.0');
    expect(hooks.requestsTo('/post').map((r) => r.body)).toEqual([
      expect.objectContaining({ phase: 'Failed' }),
    ]);

    const history = await historyOf(cp, key);
    const [operator] = history.filter((h) => h.kind === 'operator');
    expect(operator).toMatchObject({ actor: tester, reason: 'OperatorAbort', phase: 'Progressing' });
    expect(operator.explanation).toBe(`${tester} requested abort`);
    const last = history.at(-1)!;
    expect(last).toMatchObject({ kind: 'step', phase: 'Failed', reason: 'Aborted' });
    expect(last.explanation).toContain(tester);

    const rolledBack = eventsOf(cp, key, 'RolledBack');
    expect(rolledBack).toHaveLength(1);
    expect(rolledBack[0]).toMatchObject({
      reason: 'Aborted',
      severity: 'warn',
      message: `Canary aborted by ${tester}`,
    });

    // Nothing moves afterwards.
    const after = await stepUntil(cp, key, () => false, { max: 2, read: liveWeights });
    expect(after.phases).toEqual(['Failed', 'Failed']);
    expect(changes(after.samples)).toEqual([[100, 0]]);
  });

  it('retries a failed release of the same revision, which succeeds once the hook is healthy', async () => {
    const { cp, hooks, sandbox } = world;
    await initialize(world, key, canary(hooks.url));
    hooks.respond('/rollout', fail('load test failed'));
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    const failed = await stepUntilPhase(cp, key, ['Failed']);
    expect(failed.row.status.phase).toBe('Failed');
    const revision = failed.row.status.lastAppliedSpec;
    expect(revision).toBeDefined();
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.0');

    hooks.respond('/rollout', reply(200));
    const retried = await act(cp, key, 'retry');
    expect(retried.status).toMatchObject({
      phase: 'Progressing',
      lastAppliedSpec: revision,
      failedChecks: 0,
      canaryWeight: 0,
    });
    expect(replicasOf(sandbox, 'podinfo')).toBe(2);

    const run = await stepUntilPhase(cp, key, ['Succeeded'], { read: liveWeights });
    expect(run.row.status).toMatchObject({ phase: 'Succeeded', lastPromotedSpec: revision });
    expect(changes(run.samples)).toEqual([
      [90, 10],
      [80, 20],
      [70, 30],
      [60, 40],
      [50, 50],
      [100, 0],
    ]);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.1');
    expect(replicasOf(sandbox, 'podinfo')).toBe(0);

    const history = await historyOf(cp, key);
    expect(history).toContainEqual(
      expect.objectContaining({ kind: 'operator', reason: 'OperatorRetry', actor: tester, phase: 'Failed' }),
    );
    expect(history.filter((h) => h.kind === 'step').map((h) => h.reason)).toContain('RetryRequested');
    expect(eventsOf(cp, key).map((e) => e.type)).toEqual(
      expect.arrayContaining(['RolledBack', 'ReleaseStarted', 'Promoted']),
    );
    expect(eventsOf(cp, key, 'ReleaseStarted')).toHaveLength(2);
    expect(hooks.requestsTo('/post').map((r) => (r.body as { phase: string }).phase)).toEqual([
      'Failed',
      'Succeeded',
    ]);
  });

  it('pauses a release (no step runs), resumes it, then promotes it early on request', async () => {
    const { cp, hooks, sandbox } = world;
    await initialize(world, key, canary(hooks.url));
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    await stepUntil(cp, key, (r) => r.status.canaryWeight === 10);

    const calls = hooks.requestsTo('/rollout').length;
    const pausing = await act(cp, key, 'pause');
    expect(pausing.status).toMatchObject({ phase: 'Progressing', paused: true, canaryWeight: 10 });
    const paused = await stepUntil(cp, key, () => false, { max: 3, read: liveWeights });
    expect(paused.phases).toEqual(['Progressing', 'Progressing', 'Progressing']);
    expect(paused.row.status.paused).toBe(true);
    expect(changes(paused.samples)).toEqual([[90, 10]]);
    expect(hooks.requestsTo('/rollout')).toHaveLength(calls);

    // Resuming runs no analysis: the weight moves at the next scheduled step, not now.
    const resumed = await act(cp, key, 'resume');
    expect(resumed.status).toMatchObject({ phase: 'Progressing', canaryWeight: 10 });
    expect(resumed.status.paused).toBeFalsy();
    expect(hooks.requestsTo('/rollout')).toHaveLength(calls);
    expect(
      (await stepUntil(cp, key, (r) => r.status.canaryWeight === 20, { max: 2 })).row.status.canaryWeight,
    ).toBe(20);

    const promoting = await act(cp, key, 'promote');
    expect(promoting.status.phase).toBe('Promoting');
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.1');
    const run = await stepUntilPhase(cp, key, ['Succeeded'], { read: liveWeights });
    expect(changes(run.samples)).toEqual([[100, 0]]);
    expect(run.row.status.phase).toBe('Succeeded');

    const history = await historyOf(cp, key);
    const operator = history.filter((h) => h.kind === 'operator').map((h) => [h.reason, h.actor]);
    expect(operator).toEqual([
      ['OperatorPause', tester],
      ['OperatorResume', tester],
      ['OperatorPromote', tester],
    ]);
    const steps = history.filter((h) => h.kind === 'step').map((h) => h.reason);
    expect(steps).toEqual(expect.arrayContaining(['Paused', 'PromotedByOperator', 'Promoted']));
  });
});

describe('operator actions are not analysis', () => {
  it('pause, resume and approve within seconds count no failed check and keep the schedule', async () => {
    const { hooks } = world;
    // A metrics port whose answer the test switches (an in-memory fake of MetricsProvider).
    let value = 100;
    const metrics = {
      query: () => Promise.resolve({ kind: 'value' as const, value }),
      queryRange: noRangeQueries,
      queryVector: () => Promise.resolve({ kind: 'vector' as const, samples: [] }),
      isOnline: () => Promise.resolve(true),
    };
    await world.restart({ metrics });
    const { cp, sandbox } = world;
    hooks.respond('/promote', reply(403, 'closed'));
    const yaml = podinfoCanary(`threshold: 5
maxWeight: 20
stepWeight: 10
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 1m }
webhooks:
  - { name: promote, type: confirm-promotion, url: "${world.hooks.url}/promote" }`);
    world.hooks.respond('/promote', reply(403, 'closed'));
    await initialize(world, key, yaml);
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    await stepUntilPhase(cp, key, ['WaitingPromotion']);
    value = 90; // the canary degrades while it waits for approval: each analysis step fails a check
    const failing = await stepUntil(cp, key, (r) => r.status.failedChecks === 2);
    expect(failing.row.status).toMatchObject({ phase: 'WaitingPromotion', failedChecks: 2 });
    const scheduled = failing.row.nextRunAt;

    for (const action of ['pause', 'resume', 'approve']) {
      const row = await act(cp, key, action);
      expect(row.status.failedChecks, `after ${action}`).toBe(2);
      expect(row.nextRunAt, `after ${action}`).toBe(scheduled);
    }
    // The gate sits behind this step's checks: the approval waits for the next analysis step.
    const [deferred] = await historyOf(cp, key).then((h) => h.filter((r) => r.kind === 'step').slice(-1));
    expect(deferred).toMatchObject({ reason: 'CommandDeferred', failedChecks: 2 });
    const refused = await cp.api('POST', '/canaries/sandbox/test/podinfo/actions/retry');
    expect(refused).toMatchObject({
      status: 409,
      body: { message: expect.stringMatching(/pending "approve" command/) },
    });

    // The next analysis step runs at its time and counts as one; checks pass again → promoted.
    const next = await cp.tick(key, scheduled! - cp.clock.now);
    expect(next!.status.failedChecks).toBe(3);
    value = 100;
    const after = await cp.tick(key, 10_000);
    expect(after!.status.phase).toBe('Promoting');
  });

  it.each([
    ['approve', /no pending gate: nothing waits for approval in phase Initialized/],
    ['promote', /nothing to promote in phase Initialized/],
    ['resume', /the canary is not paused/],
  ])('refuses %s when it cannot apply (409 with the reason)', async (action, reason) => {
    const { cp, hooks } = world;
    await initialize(world, key, canary(hooks.url));
    const r = await cp.api('POST', `/canaries/sandbox/test/podinfo/actions/${action}`);
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(reason);
    expect((await historyOf(cp, key)).filter((h) => h.kind === 'operator')).toEqual([]);
  });
});
