/**
 * Regression tests: one per upstream bug or quirk that we must not reproduce
 * (docs/flagger-compatibility.md#upstream-bugs-we-do-not-reproduce), each showing we don't have it.
 */
import { describe, expect, it } from 'vitest';
import { assessReadiness, decide, type WorkloadSnapshot } from '../../../lib/domain/decide/index.js';
import { evaluateMetric } from '../../../lib/domain/evaluate.js';
import {
  aCanary,
  anObservation,
  asStep,
  aStatus,
  effects,
  fail,
  hook,
  MINUTE,
  passing,
  refused,
  routesOf,
  T0,
} from '../../support/builders.js';

const at = (canaryWeight: number, o: Parameters<typeof aStatus>[0] = {}) =>
  aStatus({ canaryWeight, primaryWeight: 100 - canaryWeight, ...o });

describe('regressions: upstream bugs we do not have', () => {
  it('#190: maxWeight not a multiple of stepWeight is clamped, reached, and promoted', () => {
    const canary = aCanary({ stepWeight: 20, maxWeight: 50 });
    const step = asStep(decide(canary, at(40), anObservation({ metrics: passing })));
    expect(routesOf(step)).toEqual(['50/50']);
    const next = asStep(decide(canary, step.status, anObservation({ metrics: passing, now: T0 + MINUTE })));
    expect(next.reason).toBe('PromotionStarted');
    expect(effects(next)).toContain('promote');
  });

  it('#1095: NaN from Prometheus is no data, not a pass (success rate and duration)', () => {
    const sr = evaluateMetric(
      { name: 'request-success-rate', threshold: 99 },
      { kind: 'value', value: Number.NaN },
    );
    const rd = evaluateMetric(
      { name: 'request-duration', threshold: 500 },
      { kind: 'value', value: Number.NaN },
    );
    expect([sr.verdict, rd.verdict]).toEqual(['noData', 'noData']);
    const d = asStep(decide(aCanary(), at(20), anObservation({ metrics: [sr, rd] })));
    expect(d.reason).toBe('MetricsNoData');
    expect(d.status.failedChecks).toBe(1);
    expect(routesOf(d)).toEqual([]);
  });

  it('threshold 0 does not roll back on the first Progressing step (treated as 1)', () => {
    const d = asStep(decide(aCanary({ threshold: 0 }), at(0), anObservation()));
    expect(d.reason).toBe('CanaryWeightIncreased');
    expect(d.status.phase).toBe('Progressing');
  });

  it('rollback is not one interval late: it happens on the step that reaches the threshold', () => {
    const d = asStep(
      decide(
        aCanary({ threshold: 2 }),
        at(20, { failedChecks: 1 }),
        anObservation({ metrics: [fail('request-success-rate')] }),
      ),
    );
    expect(d.reason).toBe('RollbackThresholdReached');
    expect(d.status).toMatchObject({ phase: 'Failed', failedChecks: 2 });
  });

  it('pointer comparison: the primary scaled-to-zero guard fires', () => {
    const primary: WorkloadSnapshot = {
      name: 'podinfo-primary',
      generation: 2,
      observedGeneration: 2,
      replicas: 0,
      updatedReplicas: 0,
      statusReplicas: 0,
      availableReplicas: 0,
      conditions: [],
    };
    const r = assessReadiness(primary, {
      readyThresholdPercent: 100,
      progressDeadlineSeconds: 600,
      now: T0,
      isPrimary: true,
    });
    expect(r).toMatchObject({
      ready: false,
      retriable: true,
      message: expect.stringContaining('scaled to zero'),
    });
    const d = asStep(decide(aCanary(), at(20), anObservation({ primary: r })));
    expect(d.reason).toBe('WaitingForPrimary');
  });

  it('#1247/#1578: a canary that never becomes ready is rolled back at the deadline counted from waitingSince', () => {
    const stuck = {
      ready: false as const,
      retriable: true,
      message: 'crash loop (Available keeps refreshing)',
    };
    const d = asStep(
      decide(
        aCanary({ progressDeadlineSeconds: 300 }),
        at(10, { waitingSince: T0 - 5 * MINUTE, waitingFor: 'canary' }),
        anObservation({ canary: stuck }),
      ),
    );
    expect(d.reason).toBe('ProgressDeadlineExceeded');
  });

  it('#374/#515: initialization moves the apex to the primary only once it is ready, then scales the target down', () => {
    const d = asStep(
      decide(
        aCanary(),
        { ...aStatus({ phase: 'Initializing' }), lastAppliedSpec: undefined },
        anObservation(),
      ),
    );
    const kinds = d.actions.map((a) => a.kind);
    expect(kinds.indexOf('pointApexAtPrimary')).toBeLessThan(kinds.indexOf('scaleTargetToZero'));
    expect(kinds.indexOf('reconcileRoutes')).toBeLessThan(kinds.indexOf('scaleTargetToZero'));
    const waiting = asStep(
      decide(
        aCanary(),
        aStatus({ phase: 'Initializing' }),
        anObservation({ primary: { ready: false, retriable: true, message: 'rolling' } }),
      ),
    );
    expect(waiting.actions.map((a) => a.kind)).not.toContain('pointApexAtPrimary');
  });

  it('#1591/#1898: a primary that fails during promotion keeps the canary serving instead of an outage', () => {
    const d = asStep(
      decide(
        aCanary(),
        at(50, { phase: 'Promoting' }),
        anObservation({ primary: { ready: false, retriable: false, message: 'deadline' } }),
      ),
    );
    expect(routesOf(d)).toEqual(['0/100']);
    expect(effects(d)).not.toContain('scaleTargetToZero');
  });

  it('#1801: failing checks while waiting for traffic-increase approval still roll back', () => {
    const canary = aCanary({ threshold: 2, webhooks: [hook('confirm-traffic-increase', 'ti')] });
    const d = asStep(
      decide(
        canary,
        at(20, { failedChecks: 1 }),
        anObservation({
          metrics: [fail('request-success-rate')],
          hooks: { 'confirm-traffic-increase': [refused('ti')] },
        }),
      ),
    );
    expect(d.reason).toBe('RollbackThresholdReached');
  });

  it('#1432: rollback hooks are honoured while Waiting for confirm-rollout', () => {
    const canary = aCanary({ webhooks: [hook('confirm-rollout'), hook('rollback')] });
    const d = decide(canary, aStatus({ phase: 'Waiting', lastAppliedSpec: 'rev-1' }), anObservation());
    expect(d).toMatchObject({ kind: 'need', inputs: [{ kind: 'hooks', type: 'rollback' }] });
  });

  it('#1268: an abort wins over a readiness wait', () => {
    const d = asStep(
      decide(
        aCanary(),
        at(20),
        anObservation({
          canary: { ready: false, retriable: true, message: 'pending' },
          operator: { kind: 'abort' },
        }),
      ),
    );
    expect(d.reason).toBe('Aborted');
  });

  it('#237/#862: a failed release can be retried with the same version (retry command)', () => {
    const d = asStep(
      decide(
        aCanary(),
        aStatus({ phase: 'Failed', failedChecks: 5 }),
        anObservation({ operator: { kind: 'retry' } }),
      ),
    );
    expect(d.status).toMatchObject({ phase: 'Progressing', failedChecks: 0 });
  });

  it('setStatusPhase quirk: WaitingPromotion keeps canaryWeight and iterations', () => {
    const canary = aCanary({ webhooks: [hook('confirm-promotion', 'cp')] });
    const d = asStep(
      decide(
        canary,
        at(50),
        anObservation({ metrics: passing, hooks: { 'confirm-promotion': [refused('cp')] } }),
      ),
    );
    expect(d.status).toMatchObject({ phase: 'WaitingPromotion', canaryWeight: 50 });
  });

  it('never promotes when a metric had no data on its last step', () => {
    const d = asStep(decide(aCanary(), at(50), anObservation({ metrics: [passing[0]] })));
    expect(d.reason).toBe('MetricsNoData');
    expect(effects(d)).not.toContain('promote');
  });

  it('#388: deleting a canary with revertOnDeletion scales the target back up before moving traffic', () => {
    const d = asStep(
      decide(
        aCanary({ revertOnDeletion: true }),
        aStatus({ phase: 'Succeeded' }),
        anObservation({ operator: { kind: 'delete' } }),
      ),
    );
    expect(effects(d)).toEqual(['scaleTargetUp']);
  });
});
