/**
 * What a step reads and reconciles while promoting (lib/domain/reads.ts): the rule's tables, and
 * decide() following it — the step that enters Promoting keeps the configs' stamps, the steps in
 * between neither read the configs nor reconcile, the step that ends the promotion reconciles and
 * drops the stamps (docs/architecture.md#requests-per-step).
 */
import { describe, expect, it } from 'vitest';
import { decide, type StepDecision } from '../../../lib/domain/decide/index.js';
import type { Phase } from '../../../lib/domain/phase.js';
import { reconciles, readsConfigs, sawWith } from '../../../lib/domain/reads.js';
import type { Stamps } from '../../../lib/domain/sweep/seen.js';
import { aCanary, anObservation, aStatus, passing } from '../../support/builders.js';
import { check, type Row } from './rows.js';

const CM = 'v1/configmaps/test/podinfo-env';
const kept: Stamps = { [CM]: 'r5' };

describe('readsConfigs(status)', () => {
  it.each<{ name: string; phase: Phase; configStamps?: Stamps; want: boolean }>([
    { name: 'an analysis step reads them (a change restarts it)', phase: 'Progressing', want: true },
    { name: 'WaitingPromotion reads them', phase: 'WaitingPromotion', want: true },
    { name: 'an idle step reads them (a change is a release)', phase: 'Succeeded', want: true },
    { name: 'Promoting, stamps kept: not read', phase: 'Promoting', configStamps: kept, want: false },
    { name: 'Finalising, stamps kept: not read', phase: 'Finalising', configStamps: kept, want: false },
    { name: 'Promoting with no configs at all: not read', phase: 'Promoting', configStamps: {}, want: false },
    { name: 'Promoting without stamps (a row of an older version): read', phase: 'Promoting', want: true },
    {
      name: 'stamps left in an idle status do not stop the read',
      phase: 'Failed',
      configStamps: kept,
      want: true,
    },
  ])('$name', ({ phase, configStamps, want }) => {
    expect(readsConfigs({ phase, configStamps })).toBe(want);
  });
});

describe('reconciles(from, to, routesObserved)', () => {
  it.each<{ name: string; from: Phase; to: Phase; routes?: false; want: boolean }>([
    { name: 'an analysis step', from: 'Progressing', to: 'Progressing', want: true },
    { name: 'the step that promotes', from: 'Progressing', to: 'Promoting', want: true },
    {
      name: 'waiting for the primary, or stepWeightPromotion',
      from: 'Promoting',
      to: 'Promoting',
      want: false,
    },
    { name: 'all traffic back to the primary', from: 'Promoting', to: 'Finalising', want: false },
    { name: 'Finalising waiting for the primary', from: 'Finalising', to: 'Finalising', want: false },
    {
      name: 'no routes observed (a deleted routing object): recreated first',
      from: 'Promoting',
      to: 'Finalising',
      routes: false,
      want: true,
    },
    { name: 'the step that ends the promotion', from: 'Finalising', to: 'Succeeded', want: true },
    { name: 'the primary failed while promoting', from: 'Promoting', to: 'Failed', want: true },
    { name: 'the primary failed while finalising', from: 'Finalising', to: 'Failed', want: true },
    { name: 'an idle step', from: 'Succeeded', to: 'Succeeded', want: true },
  ])('$name', ({ from, to, routes, want }) => {
    expect(reconciles(from, to, routes ?? true)).toBe(want);
  });
});

describe('sawWith(from, touched)', () => {
  const touched: Stamps = { 'apps/v1/deployments/test/podinfo': 'g4' };

  it('adds the kept stamps when the step did not read the configs', () => {
    expect(sawWith({ phase: 'Finalising', configStamps: kept }, touched)).toEqual({ ...touched, ...kept });
  });

  it('what the step touched wins over a kept stamp', () => {
    const read = { ...touched, [CM]: 'r9' };
    expect(sawWith({ phase: 'Finalising', configStamps: kept }, read)).toEqual(read);
  });

  it('is what the step touched when it read the configs', () => {
    expect(sawWith({ phase: 'Progressing' }, touched)).toEqual(touched);
    expect(sawWith({ phase: 'Succeeded', configStamps: kept }, touched)).toEqual(touched);
  });
});

const canary = aCanary();
const at = (canaryWeight: number, o: Parameters<typeof aStatus>[0] = {}) =>
  aStatus({ canaryWeight, primaryWeight: 100 - canaryWeight, ...o });
const routes = (canary: number) => ({ primary: 100 - canary, canary, mirrored: false });
/** What a promotion step observes: the target without its configs, the live routes. */
const promoting = (canaryWeight: number, o: Parameters<typeof anObservation>[0] = {}) =>
  anObservation({ target: { revision: 'rev-2' }, routes: routes(canaryWeight), ...o });
const base = ['bootstrap', 'pointApexAtPrimary', 'reconcileRoutes'] as const;

const rows: Row[] = [
  {
    name: 'at maxWeight ⇒ Promoting: reconciles, promotes and keeps the stamps of the configs it read',
    canary,
    status: at(50),
    obs: anObservation({ metrics: passing, routes: routes(50), configStamps: kept }),
    want: {
      reason: 'PromotionStarted',
      phase: 'Promoting',
      includes: [...base, 'promote'],
      status: { configStamps: kept },
    },
  },
  {
    name: 'Promoting, primary ready ⇒ Finalising, without the configs and without reconciling',
    canary,
    status: at(50, { phase: 'Promoting', configStamps: kept }),
    obs: promoting(50),
    want: {
      reason: 'Finalising',
      phase: 'Finalising',
      routes: ['100/0'],
      excludes: [...base],
      status: { configStamps: kept },
    },
  },
  {
    name: 'Promoting, primary rolling out ⇒ waits without reconciling',
    canary,
    status: at(50, { phase: 'Promoting', configStamps: kept }),
    obs: promoting(50, { primary: { ready: false, retriable: true, message: 'rolling' } }),
    want: { reason: 'WaitingForPrimary', phase: 'Promoting', excludes: [...base] },
  },
  {
    name: 'stepWeightPromotion: Promoting ⇒ Promoting without reconciling',
    canary: aCanary({ stepWeightPromotion: 20 }),
    status: at(50, { phase: 'Promoting', configStamps: kept }),
    obs: promoting(50),
    want: { reason: 'PrimaryWeightIncreased', phase: 'Promoting', routes: ['70/30'], excludes: [...base] },
  },
  {
    name: 'Promoting, routing object gone ⇒ reconciles (recreates it) before moving traffic',
    canary,
    status: at(50, { phase: 'Promoting', configStamps: kept }),
    obs: promoting(50, { routes: undefined }),
    want: { reason: 'Finalising', includes: [...base, 'setRoutes'] },
  },
  {
    name: 'Finalising ⇒ Succeeded reconciles: the idle canary is repaired and sweeps what it touched',
    canary,
    status: at(0, { phase: 'Finalising', configStamps: kept }),
    obs: promoting(0),
    want: { reason: 'Promoted', phase: 'Succeeded', includes: [...base, 'scaleTargetToZero'] },
  },
  {
    name: 'Promoting, primary failed ⇒ Failed reconciles',
    canary,
    status: at(50, { phase: 'Promoting', configStamps: kept }),
    obs: promoting(50, { primary: { ready: false, retriable: false, message: 'deadline exceeded' } }),
    want: { reason: 'PrimaryNotReadyDuringPromotion', phase: 'Failed', includes: [...base] },
  },
];

describe('decide() while promoting', () => {
  it.each(rows)('$name', check);

  it.each<{ name: string; status: ReturnType<typeof at>; obs: ReturnType<typeof anObservation> }>([
    {
      name: 'Succeeded',
      status: at(0, { phase: 'Finalising', configStamps: kept }),
      obs: promoting(0),
    },
    {
      name: 'Failed',
      status: at(50, { phase: 'Promoting', configStamps: kept }),
      obs: promoting(50, { primary: { ready: false, retriable: false, message: 'deadline exceeded' } }),
    },
  ])('the step that ends the promotion in $name drops the stamps', ({ status, obs }) => {
    const d = decide(canary, status, obs) as StepDecision;
    expect(d.status.phase).toBe(obs.primary?.ready === false ? 'Failed' : 'Succeeded');
    expect(d.status).not.toHaveProperty('configStamps');
  });

  it.each([
    { name: 'the promoted revision', revision: 'rev-2', want: 10 * 60_000 },
    { name: 'a revision set while promoting', revision: 'rev-3', want: 60_000 },
  ])('Succeeded with the target at $name: next full step after $want ms', ({ revision, want }) => {
    const status = at(0, { phase: 'Finalising', configStamps: kept, lastAppliedSpec: 'rev-2' });
    const obs = promoting(0, { target: { revision }, idleReconcileMs: 10 * 60_000 });
    const d = decide(aCanary({ interval: '1m' }), status, obs) as StepDecision;
    expect(d.status.phase).toBe('Succeeded');
    expect(d.nextRunAt! - obs.now).toBe(want);
  });
});
