/**
 * Whole releases: decide() driven over sequences of observations by the pure harness, asserting
 * the exact weight sequences and phases.
 */
import { describe, expect, it } from 'vitest';
import { initialStatus } from '../../../lib/domain/status.js';
import { aCanary, aStatus, fail, hook, MINUTE, passing, refused, T0 } from '../../support/builders.js';
import { aWorld, phasesOf, simulate, weightsOf } from './harness.js';

const released = aStatus({ phase: 'Succeeded', lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' });
const ab = aCanary({
  stepWeight: undefined,
  maxWeight: undefined,
  iterations: 10,
  match: [{ headers: { 'x-canary': { exact: 'insider' } } }],
});

describe('simulations: whole releases', () => {
  it('stepWeight 10 / maxWeight 50: 10, 20, 30, 40, 50, promote, Succeeded', () => {
    const { traces, status } = simulate(aCanary({ stepWeight: 10, maxWeight: 50 }), released, aWorld());
    expect(weightsOf(traces)).toEqual([10, 20, 30, 40, 50, 0, 0]);
    expect(phasesOf(traces)).toEqual([
      'Progressing',
      'Progressing',
      'Progressing',
      'Progressing',
      'Progressing',
      'Progressing',
      'Promoting',
      'Finalising',
      'Succeeded',
    ]);
    expect(traces.map((t) => t.reason)).toEqual([
      'NewRevisionDetected',
      'CanaryWeightIncreased',
      'CanaryWeightIncreased',
      'CanaryWeightIncreased',
      'CanaryWeightIncreased',
      'CanaryWeightIncreased',
      'PromotionStarted',
      'Finalising',
      'Promoted',
    ]);
    expect(traces.findIndex((t) => t.promoted)).toBe(6);
    expect(status).toMatchObject({ lastPromotedSpec: 'rev-2', canaryWeight: 0, failedChecks: 0 });
  });

  it('stepWeight 20 / maxWeight 50: 20, 40, 50 (clamped), then promotion', () => {
    const { traces } = simulate(aCanary({ stepWeight: 20, maxWeight: 50 }), released, aWorld());
    expect(weightsOf(traces).slice(0, 3)).toEqual([20, 40, 50]);
    expect(traces[4]).toMatchObject({ reason: 'PromotionStarted', promoted: true });
    expect(phasesOf(traces).at(-1)).toBe('Succeeded');
  });

  it('stepWeights [5, 10, 25, 50]', () => {
    const { traces } = simulate(
      aCanary({ stepWeight: undefined, stepWeights: [5, 10, 25, 50] }),
      released,
      aWorld(),
    );
    expect(weightsOf(traces)).toEqual([5, 10, 25, 50, 0, 0]);
    expect(phasesOf(traces).at(-1)).toBe('Succeeded');
  });

  it('failing metrics roll back exactly at the threshold step', () => {
    const world = aWorld({ metrics: () => [fail('request-success-rate', 80), passing[1]] });
    const { traces, status } = simulate(aCanary({ threshold: 3 }), released, world);
    // New revision, first step (no metrics yet) to 10, then three failed checks: rollback on the third.
    expect(traces.map((t) => t.reason)).toEqual([
      'NewRevisionDetected',
      'CanaryWeightIncreased',
      'CheckFailed',
      'CheckFailed',
      'RollbackThresholdReached',
    ]);
    expect(weightsOf(traces)).toEqual([10, 0]);
    expect(status).toMatchObject({ phase: 'Failed', failedChecks: 3 });
    expect(world.now - T0).toBe(5 * MINUTE);
  });

  it('A/B with 10 iterations', () => {
    const { traces } = simulate(ab, released, aWorld());
    const iterations = traces.filter((t) => t.reason === 'IterationAdvanced');
    expect(iterations).toHaveLength(10);
    expect(iterations.every((t) => t.weight === 100)).toBe(true);
    expect(traces.map((t) => t.reason).slice(-3)).toEqual(['PromotionStarted', 'Finalising', 'Promoted']);
    expect(phasesOf(traces).at(-1)).toBe('Succeeded');
  });

  it('blue/green: iterations with traffic on primary, switch to canary, promote, back to primary', () => {
    const { traces } = simulate(aCanary({ stepWeight: undefined, iterations: 3 }), released, aWorld());
    expect(traces.map((t) => t.reason)).toEqual([
      'NewRevisionDetected',
      'IterationAdvanced',
      'IterationAdvanced',
      'IterationAdvanced',
      'TrafficRoutedToCanary',
      'PromotionStarted',
      'Finalising',
      'Promoted',
    ]);
    expect(weightsOf(traces)).toEqual([100, 0, 0]);
  });

  it('mirroring: one mirrored step, then 10, 20, … 50', () => {
    const { traces } = simulate(aCanary({ mirror: true }), released, aWorld());
    expect(traces[1]).toMatchObject({ reason: 'MirroringStarted', weight: 0, mirrored: true });
    expect(weightsOf(traces)).toEqual([0, 10, 20, 30, 40, 50, 0, 0]);
    expect(traces[2]).toMatchObject({ mirrored: false });
  });

  it('confirm-promotion holds in WaitingPromotion until approved', () => {
    const canary = aCanary({ webhooks: [hook('confirm-promotion', 'cp')] });
    let approved = false;
    const world = aWorld({
      hooks: (type) =>
        type === 'confirm-promotion'
          ? [approved ? { name: 'cp', ok: true, explanation: 'ok' } : refused('cp')]
          : [],
    });
    const { traces } = simulate(canary, released, world, { script: (i) => (approved = i >= 9) });
    const phases = phasesOf(traces);
    expect(phases.slice(6, 9)).toEqual(['WaitingPromotion', 'WaitingPromotion', 'WaitingPromotion']);
    expect(traces.filter((t) => t.phase === 'WaitingPromotion').every((t) => t.weight === undefined)).toBe(
      true,
    );
    expect(traces[9]).toMatchObject({ reason: 'PromotionStarted', promoted: true });
    expect(phases.at(-1)).toBe('Succeeded');
  });

  it('confirm-rollout keeps the release Waiting until an operator approves', () => {
    const canary = aCanary({ webhooks: [hook('confirm-rollout', 'gate')] });
    const world = aWorld({ hooks: (type) => (type === 'confirm-rollout' ? [refused('gate')] : []) });
    const { traces } = simulate(canary, released, world, {
      script: (i, w) => i === 3 && (w.operator = { kind: 'approve' }),
    });
    expect(phasesOf(traces).slice(0, 4)).toEqual(['Waiting', 'Waiting', 'Waiting', 'Progressing']);
    expect(traces[3].reason).toBe('NewRevisionDetected');
    expect(phasesOf(traces).at(-1)).toBe('Succeeded');
  });

  it('retry after Failed re-runs the same revision to success', () => {
    let bad = true;
    const world = aWorld({ metrics: () => (bad ? [fail('request-success-rate')] : passing) });
    const first = simulate(aCanary({ threshold: 1 }), released, world);
    expect(first.status.phase).toBe('Failed');
    const idle = simulate(aCanary({ threshold: 1 }), first.status, world, { max: 2 });
    expect(idle.traces.map((t) => t.reason)).toEqual(['NoNewRevision', 'NoNewRevision']);
    bad = false;
    world.operator = { kind: 'retry' };
    const second = simulate(aCanary({ threshold: 1 }), idle.status, world);
    expect(second.traces[0].reason).toBe('RetryRequested');
    expect(second.status).toMatchObject({ phase: 'Succeeded', lastPromotedSpec: 'rev-2' });
  });

  it('a revision change mid-run restarts the analysis from zero', () => {
    const { traces, status } = simulate(aCanary(), released, aWorld(), {
      script: (i, w) => i === 3 && (w.revision = 'rev-3'),
    });
    expect(traces[3].reason).toBe('RevisionChangedRestarting');
    expect(weightsOf(traces)).toEqual([10, 20, 0, 10, 20, 30, 40, 50, 0, 0]);
    expect(status).toMatchObject({ phase: 'Succeeded', lastPromotedSpec: 'rev-3' });
  });

  it('from registration: initialization, then a release', () => {
    const world = aWorld({ revision: 'rev-1' });
    const init = simulate(aCanary(), initialStatus(), world, { max: 2 });
    expect(init.traces.map((t) => t.reason)).toEqual(['Initialized', 'NoNewRevision']);
    world.revision = 'rev-2';
    const { status } = simulate(aCanary(), init.status, world);
    expect(status).toMatchObject({ phase: 'Succeeded', lastPromotedSpec: 'rev-2' });
  });

  it('stepWeightPromotion shifts traffic back gradually', () => {
    const { traces } = simulate(aCanary({ stepWeightPromotion: 20 }), released, aWorld());
    expect(weightsOf(traces)).toEqual([10, 20, 30, 40, 50, 30, 10, 0, 0]);
  });
});
