/**
 * Confirmation gates: a release held by confirm-rollout until an operator approves it through the
 * API, and a promotion held by confirm-promotion until the hook answers 200.
 */
import { describe, expect, it } from 'vitest';
import { reply } from '../../support/receiver.js';
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
  stepUntil,
  stepUntilPhase,
  worldPerTest,
} from '../../support/scenario.js';

const tester = 'arn:aws:iam::123456789012:user/tester';
const world = worldPerTest();

const liveWeights = () => virtualServiceWeights(world.sandbox);

/** Initializes podinfo behind a confirm-rollout gate that stays closed, then applies 6.0.1. */
async function releaseBehindClosedGate(): Promise<void> {
  const { hooks, sandbox } = world;
  await initialize(
    world,
    key,
    podinfoCanary(`threshold: 2
maxWeight: 20
stepWeight: 10
webhooks:
  - { name: gate, type: confirm-rollout, url: "${hooks.url}/gate" }`),
  );
  hooks.respond('/gate', reply(403, 'closed'));
  await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
}

describe('confirmation gates', () => {
  it('waits at confirm-rollout, alerting once, until an operator approves through the API', async () => {
    const { cp, hooks, sandbox } = world;
    await releaseBehindClosedGate();
    const held = await stepUntil(cp, key, () => false, { max: 4, read: liveWeights });
    expect(held.phases).toEqual(['Waiting', 'Waiting', 'Waiting', 'Waiting']);
    expect(changes(held.samples)).toEqual([[100, 0]]);
    expect(hooks.requestsTo('/gate')).toHaveLength(4);
    expect(hooks.requestsTo('/gate')[0].body).toMatchObject({ name: 'podinfo', namespace: 'test' });
    const waiting = eventsOf(cp, key, 'WaitingApproval');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({
      phase: 'Waiting',
      severity: 'warn',
      message: 'Canary is waiting for approval.',
    });

    // The action queues a step at once: no need to wait for the next interval.
    const approved = await act(cp, key, 'approve', { gate: 'confirm-rollout' });
    expect(approved.status.phase).toBe('Progressing');
    expect(hooks.requestsTo('/gate')).toHaveLength(4);
    expect(eventsOf(cp, key, 'ReleaseStarted')).toHaveLength(1);
    expect(liveWeights()).toEqual([100, 0]);

    const run = await stepUntilPhase(cp, key, ['Succeeded'], { read: liveWeights });
    expect(run.row.status.phase).toBe('Succeeded');
    expect(changes(run.samples)).toEqual([
      [90, 10],
      [80, 20],
      [100, 0],
    ]);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.1');
    expect(eventsOf(cp, key, 'WaitingApproval')).toHaveLength(1);

    const history = await historyOf(cp, key);
    expect(history).toContainEqual(
      expect.objectContaining({
        kind: 'operator',
        reason: 'OperatorApprove',
        actor: tester,
        phase: 'Waiting',
      }),
    );
    // The first wait is recorded; the three after it repeat it (the gate's Warning Event included)
    // and are counted on it.
    const waits = history.filter((h) => h.kind === 'step' && h.reason === 'WaitingForApproval');
    expect(waits.map((h) => h.count)).toEqual([4]);
  });

  it('holds in WaitingPromotion, still analysing, until the confirm-promotion hook answers 200', async () => {
    const { cp, hooks, sandbox } = world;
    await initialize(
      world,
      key,
      podinfoCanary(`threshold: 2
maxWeight: 20
stepWeight: 10
webhooks:
  - { name: load, type: rollout, url: "${hooks.url}/rollout" }
  - { name: promotion-gate, type: confirm-promotion, url: "${hooks.url}/promotion" }`),
    );
    hooks.respond('/promotion', reply(403, 'closed'));

    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    const toGate = await stepUntilPhase(cp, key, ['WaitingPromotion'], { read: liveWeights });
    expect(toGate.row.status).toMatchObject({ phase: 'WaitingPromotion', canaryWeight: 20 });
    expect(changes(toGate.samples)).toEqual([
      [100, 0],
      [90, 10],
      [80, 20],
    ]);

    const rolloutCalls = hooks.requestsTo('/rollout').length;
    const held = await stepUntil(cp, key, () => false, { max: 3, read: liveWeights });
    expect(held.phases).toEqual(['WaitingPromotion', 'WaitingPromotion', 'WaitingPromotion']);
    expect(changes(held.samples)).toEqual([[80, 20]]);
    // The analysis keeps running while waiting, and the gate is polled every step.
    expect(hooks.requestsTo('/rollout')).toHaveLength(rolloutCalls + 3);
    expect(hooks.requestsTo('/promotion')).toHaveLength(4);
    const waiting = eventsOf(cp, key, 'WaitingApproval');
    expect(waiting).toHaveLength(1);
    expect(waiting[0].message).toBe('Canary promotion is waiting for approval.');
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.0');

    hooks.respond('/promotion', reply(200));
    const run = await stepUntilPhase(cp, key, ['Succeeded'], { read: liveWeights });
    expect(run.phases).toEqual(['Promoting', 'Finalising', 'Succeeded']);
    expect(changes(run.samples)).toEqual([
      [80, 20],
      [100, 0],
    ]);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.1');
    expect(eventsOf(cp, key, 'WaitingApproval')).toHaveLength(1);
    expect(eventsOf(cp, key, 'Promoted')).toHaveLength(1);
  });

  it('rejects a waiting revision on abort, and holds the next one at the gate again', async () => {
    const { cp, sandbox } = world;
    await releaseBehindClosedGate();
    await stepUntilPhase(cp, key, ['Waiting']);

    const aborted = await act(cp, key, 'abort');
    expect(aborted.status.phase).toBe('Failed');
    expect(liveWeights()).toEqual([100, 0]);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.0');
    expect(eventsOf(cp, key, 'RolledBack')).toMatchObject([{ reason: 'Aborted' }]);
    const idle = await stepUntil(cp, key, () => false, { max: 2 });
    expect(idle.phases).toEqual(['Failed', 'Failed']);

    await apply(sandbox, podinfoDeployment('podinfo:6.0.2'));
    const next = await stepUntilPhase(cp, key, ['Waiting'], { max: 1 });
    expect(next.phases).toEqual(['Waiting']);
    expect(eventsOf(cp, key, 'WaitingApproval')).toHaveLength(2);
  });
});
