/**
 * The replay stepper (lib/domain/replay.ts): Flagger's analysis rules over measurements taken at
 * each step of a past window — static checks and threshold, the judge and its step policy, the
 * weight schedule per strategy. Tables of observations, one per analysis interval.
 */
import { describe, expect, it } from 'vitest';
import type { QueryOutcome } from '../../../lib/domain/evaluate.js';
import type { JudgeReading } from '../../../lib/domain/observations.js';
import { replayAnalysis, type ReplayObservation } from '../../../lib/domain/replay.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import { aCanary, MINUTE, T0, type CanaryOverrides } from '../../support/builders.js';

const value = (v: number): QueryOutcome => ({ kind: 'value', value: v });

/** `n` steps, one a minute, where step k measures `metrics(k)`. */
function steps(
  n: number,
  metrics: (k: number) => Record<string, QueryOutcome>,
  extra: (k: number) => Partial<ReplayObservation> = () => ({}),
): ReplayObservation[] {
  return Array.from({ length: n }, (_, k) => ({ at: T0 + k * MINUTE, metrics: metrics(k), ...extra(k) }));
}

const healthy = () => ({ 'request-success-rate': value(100), 'request-duration': value(120) });

/** Cumulative error counts: per step `rate` req/step, canary share `share`, error ratios. */
function errorReadings(
  k: number,
  o: { perStep: number; share: number; canaryErr: number; primaryErr: number },
) {
  const c = Math.round(k * o.perStep * o.share);
  const p = Math.round(k * o.perStep * (1 - o.share));
  const snapshot = {
    at: T0 + k * MINUTE,
    canary: { requests: c, errors: Math.round(c * o.canaryErr) },
    primary: { requests: p, errors: Math.round(p * o.primaryErr) },
  };
  const reading: JudgeReading = { kind: 'errors', snapshot };
  return { judge: { 'request-success-rate': reading }, traffic: { canary: c, primary: p } };
}

/** A canary whose success rate is compared against the primary (no static threshold on it). */
function judged(judge: Record<string, unknown>, o: CanaryOverrides = {}): Canary {
  return aCanary({
    metrics: [{ name: 'request-success-rate', interval: '1m', compare: { margin: 1 } } as never],
    judge,
    ...o,
  } as CanaryOverrides);
}

interface Row {
  name: string;
  canary: Canary;
  provider?: 'istio' | 'kubernetes';
  observations: ReplayObservation[];
  want: {
    actions: string[];
    weights?: number[];
    iterations?: number[];
    outcome: { kind: string; at: number };
    explanation?: RegExp;
  };
}

describe('replayAnalysis', () => {
  it.each<Row>([
    {
      name: 'a good release is promoted once the weight reached maxWeight and one more step passed',
      canary: aCanary(),
      observations: steps(9, healthy),
      want: {
        actions: ['start', 'advance', 'advance', 'advance', 'advance', 'promote'],
        weights: [10, 20, 30, 40, 50, 50],
        outcome: { kind: 'promoted', at: T0 + 5 * MINUTE },
        explanation: /canary weight 50 reached 50: promoting/,
      },
    },
    {
      name: 'stepWeights: the listed weights, then promotion',
      canary: aCanary({ stepWeight: undefined, stepWeights: [5, 25, 60] }),
      observations: steps(9, healthy),
      want: {
        actions: ['start', 'advance', 'advance', 'promote'],
        weights: [5, 25, 60, 60],
        outcome: { kind: 'promoted', at: T0 + 3 * MINUTE },
      },
    },
    {
      name: 'a static failure holds the weight and counts; the threshold rolls back in that step',
      canary: aCanary({ threshold: 2 }),
      observations: steps(9, (k) => ({ ...healthy(), 'request-success-rate': value(k >= 2 ? 92 : 100) })),
      want: {
        actions: ['start', 'advance', 'failedCheck', 'rollback'],
        weights: [10, 20, 20, 20],
        outcome: { kind: 'rolledBack', at: T0 + 3 * MINUTE },
        explanation: /failed checks 2\/2 reached the threshold: request-success-rate 92% < 99% minimum/,
      },
    },
    {
      name: 'no data counts as a failed check (the first step is not checked)',
      canary: aCanary({ threshold: 1 }),
      observations: steps(5, (k) => (k <= 1 ? {} : healthy())),
      want: {
        actions: ['start', 'rollback'],
        outcome: { kind: 'rolledBack', at: T0 + MINUTE },
        explanation: /no values found/,
      },
    },
    {
      name: 'the window ends before a decision: still analysing',
      canary: aCanary(),
      observations: steps(3, healthy),
      want: {
        actions: ['start', 'advance', 'advance'],
        weights: [10, 20, 30],
        outcome: { kind: 'analysing', at: T0 + 2 * MINUTE },
      },
    },
    {
      name: 'A/B testing: iterations, then promotion',
      canary: aCanary({
        stepWeight: undefined,
        maxWeight: undefined,
        iterations: 3,
        match: [{ headers: {} }],
      }),
      observations: steps(9, healthy),
      want: {
        actions: ['start', 'advance', 'advance', 'promote'],
        iterations: [1, 2, 3, 3],
        outcome: { kind: 'promoted', at: T0 + 3 * MINUTE },
      },
    },
    {
      name: 'blue/green: iterations, all traffic to the canary for one step, then promotion',
      canary: aCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 2 }),
      observations: steps(9, healthy),
      want: {
        actions: ['start', 'advance', 'advance', 'promote'],
        weights: [0, 0, 100, 100],
        iterations: [1, 2, 3, 3],
        outcome: { kind: 'promoted', at: T0 + 3 * MINUTE },
      },
    },
    {
      name: 'blue/green without routing (kubernetes provider) promotes after the iterations',
      canary: aCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 2 }),
      provider: 'kubernetes',
      observations: steps(9, healthy),
      want: { actions: ['start', 'advance', 'promote'], outcome: { kind: 'promoted', at: T0 + 2 * MINUTE } },
    },
    {
      name: 'the judge fails a canary with 8 % errors against 0.5 %: rolled back at once (failFast)',
      canary: judged({}),
      observations: steps(
        9,
        () => ({}),
        (k) => errorReadings(k, { perStep: 6000, share: 0.1, canaryErr: 0.08, primaryErr: 0.005 }),
      ),
      want: {
        actions: ['start', 'rollback'],
        outcome: { kind: 'rolledBack', at: T0 + MINUTE },
        explanation: /^request-success-rate: fail/,
      },
    },
    {
      name: 'without failFast a judged failure counts one failed check toward the threshold',
      canary: judged({ failFast: false }, { threshold: 2 }),
      observations: steps(
        9,
        () => ({}),
        (k) => errorReadings(k, { perStep: 6000, share: 0.1, canaryErr: 0.08, primaryErr: 0.005 }),
      ),
      want: {
        actions: ['start', 'failedCheck', 'rollback'],
        weights: [10, 10, 10],
        outcome: { kind: 'rolledBack', at: T0 + 2 * MINUTE },
        explanation: /failed checks 2\/2 reached the threshold: request-success-rate: fail/,
      },
    },
    {
      name: 'the judge passes a good canary with plenty of traffic: promoted',
      canary: judged({}),
      observations: steps(
        12,
        () => ({}),
        (k) => errorReadings(k, { perStep: 60000, share: 0.3, canaryErr: 0.002, primaryErr: 0.002 }),
      ),
      want: {
        actions: ['start', 'advance', 'advance', 'advance', 'advance', 'promote'],
        outcome: { kind: 'promoted', at: T0 + 5 * MINUTE },
      },
    },
    {
      name: 'inconclusive with advance: onPass holds the weight, then waits for an operator',
      canary: judged({ advance: 'onPass', inconclusive: { maxSteps: 3, outcome: 'hold' } }),
      observations: steps(
        7,
        () => ({}),
        (k) => errorReadings(k, { perStep: 20, share: 0.1, canaryErr: 0.01, primaryErr: 0.01 }),
      ),
      want: {
        actions: ['start', 'wait', 'wait', 'hold', 'hold', 'hold', 'hold'],
        weights: [10, 10, 10, 10, 10, 10, 10],
        outcome: { kind: 'analysing', at: T0 + 6 * MINUTE },
        explanation: /held for an operator/,
      },
    },
    {
      name: 'inconclusive with advance: unlessFail steps up to maxWeight, then waits there',
      canary: judged({ inconclusive: { maxSteps: 30, outcome: 'hold' } }),
      observations: steps(
        8,
        () => ({}),
        (k) => errorReadings(k, { perStep: 20, share: 0.1, canaryErr: 0.01, primaryErr: 0.01 }),
      ),
      want: {
        actions: ['start', 'advance', 'advance', 'advance', 'advance', 'wait', 'wait', 'wait'],
        weights: [10, 20, 30, 40, 50, 50, 50, 50],
        outcome: { kind: 'analysing', at: T0 + 7 * MINUTE },
      },
    },
    {
      name: 'inconclusive with outcome: fail rolls back after maxSteps',
      canary: judged({ advance: 'onPass', inconclusive: { maxSteps: 2, outcome: 'fail' } }),
      observations: steps(
        7,
        () => ({}),
        (k) => errorReadings(k, { perStep: 20, share: 0.1, canaryErr: 0.01, primaryErr: 0.01 }),
      ),
      want: {
        actions: ['start', 'wait', 'rollback'],
        outcome: { kind: 'rolledBack', at: T0 + 2 * MINUTE },
        explanation: /still inconclusive after 2 steps: rolling back as configured/,
      },
    },
  ])('$name', ({ canary, provider, observations, want }) => {
    const r = replayAnalysis({ canary, provider: provider ?? 'istio', observations });
    expect(r.steps.map((s) => s.action)).toEqual(want.actions);
    if (want.weights) expect(r.steps.map((s) => s.weight)).toEqual(want.weights);
    if (want.iterations) expect(r.steps.map((s) => s.iterations)).toEqual(want.iterations);
    expect(r.outcome).toMatchObject(want.outcome);
    if (want.explanation) expect(r.outcome.explanation).toMatch(want.explanation);
  });

  it('records every check with its value and bounds, and the recorded canary share', () => {
    const r = replayAnalysis({
      canary: aCanary({ threshold: 3 }),
      provider: 'istio',
      observations: steps(
        3,
        (k) => ({ 'request-success-rate': value(k === 2 ? 97.5 : 100), 'request-duration': value(250) }),
        (k) => ({ traffic: { canary: 10 * k * k, primary: 1000 * k } }),
      ),
      resolved: { 'request-success-rate': { query: 'sum(rate(x[1m]))' } },
    });
    const last = r.steps[2];
    expect(last).toMatchObject({
      action: 'failedCheck',
      weight: 20,
      failedChecks: 1,
      recordedCanaryPercent: 2.9,
    });
    expect(last.checks).toEqual([
      expect.objectContaining({
        name: 'request-success-rate',
        value: 97.5,
        min: 99,
        verdict: 'fail',
        query: 'sum(rate(x[1m]))',
      }),
      expect.objectContaining({ name: 'request-duration', value: 250, max: 500, verdict: 'pass' }),
    ]);
    expect(r.steps[0].recordedCanaryPercent).toBeUndefined();
    expect(r.steps[1].recordedCanaryPercent).toBe(1);
  });

  it('shows the judge verdicts of every judged step with their explanation', () => {
    const r = replayAnalysis({
      canary: judged({}),
      provider: 'istio',
      observations: steps(
        2,
        () => ({}),
        (k) => errorReadings(k, { perStep: 6000, share: 0.1, canaryErr: 0.08, primaryErr: 0.005 }),
      ),
    });
    expect(r.steps[0].judgements).toEqual([]);
    expect(r.steps[1].judgements).toEqual([
      expect.objectContaining({
        metric: 'request-success-rate',
        verdict: 'fail',
        explanation: expect.stringMatching(
          /^request-success-rate: fail — the canary failed 8(\.00)?% of 600 requests/,
        ),
      }),
    ]);
    // Compare-only metrics run no static check.
    expect(r.steps[1].checks).toEqual([]);
  });
});
