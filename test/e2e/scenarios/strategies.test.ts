/**
 * The other release strategies end to end: A/B testing with a header match, blue/green on plain
 * Kubernetes Services and on Istio, and traffic mirroring before the first weight step.
 */
import { describe, expect, it } from 'vitest';
import {
  apply,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey as key,
  virtualServiceWeights,
} from '../../support/release.js';
import {
  apexSelector,
  changes,
  eventsOf,
  imageOf,
  initialize,
  replicasOf,
  stepReasons,
  stepUntilPhase,
  virtualServiceHttp,
  type VsRoute,
  worldPerTest,
} from '../../support/scenario.js';

const world = worldPerTest();

/** A VirtualService route reduced to what the scenarios compare: match, weights, mirror. */
function routeView(r: VsRoute) {
  return {
    match: r.match?.map((m) => m.headers),
    weights: r.route.map((d) => [d.destination.host, d.weight]),
    mirror: r.mirror ? [r.mirror.host, r.mirrorPercentage?.value] : undefined,
  };
}
const vs = () => virtualServiceHttp(world.sandbox).map(routeView);

/** The destinations of a {@link routeView} at canary weight `c`. */
const weights = (c: number) => [
  ['podinfo-primary', 100 - c],
  ['podinfo-canary', c],
];

async function release(image = 'podinfo:6.0.1'): Promise<void> {
  await apply(world.sandbox, podinfoDeployment(image));
}

function expectPromoted(): void {
  expect(imageOf(world.sandbox, 'podinfo-primary')).toBe('podinfo:6.0.1');
  expect(replicasOf(world.sandbox, 'podinfo')).toBe(0);
  expect(eventsOf(world.cp, key, 'Promoted')).toHaveLength(1);
}

describe('A/B testing', () => {
  it('routes insiders to the canary for 3 iterations, then promotes', async () => {
    const { cp } = world;
    await initialize(
      world,
      key,
      podinfoCanary(`threshold: 2
iterations: 3
match:
  - headers:
      x-canary:
        exact: insider`),
    );
    const insider = [{ 'x-canary': { exact: 'insider' } }];
    // Before the release: the match route carries no canary traffic, everyone else on the primary.
    expect(vs()).toEqual([
      {
        match: insider,
        weights: [
          ['podinfo-primary', 100],
          ['podinfo-canary', 0],
        ],
        mirror: undefined,
      },
      { match: undefined, weights: [['podinfo-primary', 100]], mirror: undefined },
    ]);

    await release();
    const run = await stepUntilPhase(cp, key, ['Succeeded'], {
      read: (row) => ({ vs: vs(), iterations: row.status.iterations }),
    });
    expect(run.row.status.phase).toBe('Succeeded');
    const matched = changes(run.samples.map((s) => s.vs[0].weights));
    expect(changes(run.samples.map((s) => s.iterations))).toEqual([0, 1, 2, 3, 0]);
    expect(matched).toEqual([
      [
        ['podinfo-primary', 100],
        ['podinfo-canary', 0],
      ],
      [
        ['podinfo-primary', 0],
        ['podinfo-canary', 100],
      ],
      [
        ['podinfo-primary', 100],
        ['podinfo-canary', 0],
      ],
    ]);
    // The default route never moves and stays second.
    for (const s of run.samples)
      expect(s.vs[1]).toEqual({ match: undefined, weights: [['podinfo-primary', 100]], mirror: undefined });

    const reasons = await stepReasons(cp, key);
    expect(reasons.filter((r) => r === 'IterationAdvanced')).toHaveLength(3);
    expect(reasons.slice(reasons.indexOf('NewRevisionDetected'))).toEqual([
      'NewRevisionDetected',
      'IterationAdvanced',
      'IterationAdvanced',
      'IterationAdvanced',
      'PromotionStarted',
      'Finalising',
      'Promoted',
    ]);
    // Iterations are not weight changes; the only one is the return to the primary.
    expect(eventsOf(cp, key, 'WeightChanged').map((e) => e.message)).toEqual(['Primary weight 100%']);
    expectPromoted();
  });
});

describe('blue/green', () => {
  it('keeps the apex Service on the primary through 3 iterations with the kubernetes provider', async () => {
    const { cp, sandbox } = world;
    await initialize(world, key, podinfoCanary('threshold: 2\niterations: 3', { provider: 'kubernetes' }));
    expect(apexSelector(sandbox)).toBe('podinfo-primary');
    expect(
      sandbox.store.get('networking.istio.io/v1beta1', 'VirtualService', 'test', 'podinfo'),
    ).toBeUndefined();

    await release();
    const run = await stepUntilPhase(cp, key, ['Succeeded'], { read: () => apexSelector(sandbox) });
    expect(run.row.status.phase).toBe('Succeeded');
    expect(changes(run.samples)).toEqual(['podinfo-primary']);
    const reasons = await stepReasons(cp, key);
    expect(reasons.slice(reasons.indexOf('NewRevisionDetected'))).toEqual([
      'NewRevisionDetected',
      'IterationAdvanced',
      'IterationAdvanced',
      'IterationAdvanced',
      'PromotionStarted',
      'Finalising',
      'Promoted',
    ]);
    expectPromoted();
  });

  it('routes all traffic to the canary for one step after the iterations on Istio, then back', async () => {
    const { cp } = world;
    await initialize(world, key, podinfoCanary('threshold: 2\niterations: 3'));
    await release();
    const run = await stepUntilPhase(cp, key, ['Succeeded'], {
      read: () => virtualServiceWeights(world.sandbox),
    });
    expect(run.row.status.phase).toBe('Succeeded');
    expect(changes(run.samples)).toEqual([
      [100, 0],
      [0, 100],
      [100, 0],
    ]);
    const reasons = await stepReasons(cp, key);
    expect(reasons.slice(reasons.indexOf('NewRevisionDetected'))).toEqual([
      'NewRevisionDetected',
      'IterationAdvanced',
      'IterationAdvanced',
      'IterationAdvanced',
      'TrafficRoutedToCanary',
      'PromotionStarted',
      'Finalising',
      'Promoted',
    ]);
    expectPromoted();
  });
});

describe('blue/green with mirroring', () => {
  it('mirrors all traffic to the canary during the iterations, then switches it over on Istio', async () => {
    const { cp } = world;
    await initialize(world, key, podinfoCanary('threshold: 2\niterations: 2\nmirror: true'));
    await release();
    const run = await stepUntilPhase(cp, key, ['Succeeded'], { read: () => vs()[0] });
    expect(run.row.status.phase).toBe('Succeeded');
    expect(changes(run.samples)).toEqual([
      { match: undefined, weights: weights(0), mirror: undefined },
      { match: undefined, weights: weights(0), mirror: ['podinfo-canary', 100] },
      { match: undefined, weights: weights(100), mirror: undefined },
      { match: undefined, weights: weights(0), mirror: undefined },
    ]);
    expectPromoted();
  });
});

describe('mirroring', () => {
  it('mirrors for one step at 100/0, then stops mirroring and shifts the first step', async () => {
    const { cp } = world;
    await initialize(
      world,
      key,
      podinfoCanary('threshold: 2\nmaxWeight: 30\nstepWeight: 10\nmirror: true\nmirrorWeight: 50'),
    );
    await release();
    const run = await stepUntilPhase(cp, key, ['Succeeded'], { read: () => vs()[0] });
    expect(run.row.status.phase).toBe('Succeeded');
    expect(changes(run.samples)).toEqual([
      { match: undefined, weights: weights(0), mirror: undefined },
      { match: undefined, weights: weights(0), mirror: ['podinfo-canary', 50] },
      { match: undefined, weights: weights(10), mirror: undefined },
      { match: undefined, weights: weights(20), mirror: undefined },
      { match: undefined, weights: weights(30), mirror: undefined },
      { match: undefined, weights: weights(0), mirror: undefined },
    ]);
    const reasons = await stepReasons(cp, key);
    expect(
      reasons.slice(reasons.indexOf('NewRevisionDetected'), reasons.indexOf('NewRevisionDetected') + 3),
    ).toEqual(['NewRevisionDetected', 'MirroringStarted', 'CanaryWeightIncreased']);
    expectPromoted();
  });
});
