/**
 * The replay stepper keeps its own copy of Flagger's metric rules (a failed check per step, the
 * threshold, the weight schedule per strategy), because decide() needs a whole cluster to step.
 * This pins the copy to the original: the same specs and the same metric values per analysis step,
 * through decide() (the pure harness of test/unit/decide) and through replayAnalysis, give the
 * same decisions at the same steps.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../lib/domain/check.js';
import type { QueryOutcome } from '../../../lib/domain/evaluate.js';
import type { JudgeReading } from '../../../lib/domain/observations.js';
import type { Reason } from '../../../lib/domain/reasons.js';
import { replayAnalysis } from '../../../lib/domain/replay.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import { aCanary, aStatus, fail, MINUTE, pass, T0 } from '../../support/builders.js';
import { aWorld, simulate } from '../decide/harness.js';

const released = aStatus({ phase: 'Succeeded', lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' });

/** decide()'s reason → the replay's action (the first analysis step is the replay's `start`). */
const actionOf: Partial<Record<Reason, string>> = {
  CanaryWeightIncreased: 'advance',
  IterationAdvanced: 'advance',
  TrafficRoutedToCanary: 'advance',
  CheckFailed: 'failedCheck',
  MetricsNoData: 'failedCheck',
  RollbackThresholdReached: 'rollback',
  PromotionStarted: 'promote',
  JudgeFailed: 'rollback',
  JudgeInconclusiveFailed: 'rollback',
  JudgeInconclusive: 'wait',
  JudgeHeldForDecision: 'hold',
};

/** The success rate at analysis step k (k = 0 is the first analysis step). */
type Script = (k: number) => number;

/** The judge's readings at analysis step k (cumulative), or none: the same for both paths. */
type Readings = (k: number) => Record<string, JudgeReading> | undefined;

function viaDecide(canary: Canary, successRate: Script, readings?: Readings): string[] {
  let k = 0;
  const world = aWorld({
    ...(readings && { judge: () => readings(k) ?? {} }),
    metrics: (): CheckResult[] => {
      const v = successRate(k);
      return [
        v >= 99 ? pass('request-success-rate', v) : fail('request-success-rate', v),
        pass('request-duration', 100),
      ];
    },
  });
  // Step 0 detects the new revision; analysis step k is harness step k + 1.
  const { traces } = simulate(canary, released, world, { script: (i) => (k = i - 1) });
  const actions: string[] = [];
  for (const t of traces.slice(1)) {
    const a = actionOf[t.reason];
    if (a === undefined) break;
    actions.push(actions.length === 0 ? 'start' : a);
    if (a === 'promote' || a === 'rollback') break;
  }
  return actions;
}

function viaReplay(canary: Canary, successRate: Script, readings?: Readings): string[] {
  const observations = Array.from({ length: 40 }, (_, k) => ({
    at: T0 + k * MINUTE,
    ...(readings && { judge: readings(k) ?? {} }),
    metrics: {
      'request-success-rate': { kind: 'value', value: successRate(k) } as QueryOutcome,
      'request-duration': { kind: 'value', value: 100 } as QueryOutcome,
    },
  }));
  return replayAnalysis({ canary, provider: 'istio', observations }).steps.map((s) => s.action);
}

describe('the replay decides as decide() does', () => {
  it.each([
    { name: 'a good canary, stepWeight 10 to 50', canary: aCanary(), rate: () => 100 },
    {
      name: 'failing from the third step, threshold 2',
      canary: aCanary({ threshold: 2 }),
      rate: (k: number) => (k >= 3 ? 90 : 100),
    },
    {
      name: 'failing on and off, threshold 3',
      canary: aCanary({ threshold: 3 }),
      rate: (k: number) => (k % 2 === 1 ? 90 : 100),
    },
    {
      name: 'stepWeights',
      canary: aCanary({ stepWeight: undefined, stepWeights: [5, 25, 60] }),
      rate: () => 100,
    },
    {
      name: 'maxWeight not a multiple of stepWeight',
      canary: aCanary({ stepWeight: 20, maxWeight: 50 }),
      rate: () => 100,
    },
    {
      name: 'A/B testing, 4 iterations',
      canary: aCanary({
        stepWeight: undefined,
        maxWeight: undefined,
        iterations: 4,
        match: [{ headers: { x: { exact: 'y' } } }],
      }),
      rate: () => 100,
    },
    {
      name: 'blue/green, 3 iterations, one failure',
      canary: aCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 3 }),
      rate: (k: number) => (k === 2 ? 90 : 100),
    },
  ])('$name', ({ canary, rate }) => {
    const want = viaDecide(canary, rate);
    expect(want.at(-1)).toMatch(/promote|rollback/);
    expect(viaReplay(canary, rate)).toEqual(want);
  });
});

/** Error counts with the canary at a fixed 20 % share: `rate` requests per step, error ratios as given. */
function errorReadings(
  rate: number,
  canaryErrors: number,
  skip: (k: number) => boolean = () => false,
): Readings {
  return (k) => {
    if (skip(k)) return { 'request-success-rate': { kind: 'unavailable', message: 'primary: timeout' } };
    const c = Math.round(rate * 0.2) * k;
    const p = Math.round(rate * 0.8) * k + 100_000;
    const snapshot = {
      at: T0 + k * MINUTE,
      canary: { requests: c, errors: Math.round(c * canaryErrors) },
      primary: { requests: p, errors: Math.round(p * 0.005) },
    };
    return { 'request-success-rate': { kind: 'errors', snapshot } };
  };
}

const compared = (extra: Record<string, unknown> = {}) =>
  aCanary({
    metrics: [
      { name: 'request-success-rate', threshold: 90, interval: '1m', compare: { margin: 1 } },
      { name: 'request-duration', threshold: 500, interval: '1m' },
    ],
    ...extra,
  });

describe('the replay judges as decide() does', () => {
  it.each([
    {
      name: 'a good canary at 10,000 requests a step',
      canary: compared(),
      rate: () => 100,
      readings: errorReadings(10_000, 0.005),
      shows: /^start(,advance)+,promote$/,
    },
    {
      name: 'a canary failing 5 % of requests',
      canary: compared(),
      rate: () => 100,
      readings: errorReadings(2_000, 0.05),
      shows: /^start(,advance)*,rollback$/,
    },
    {
      name: 'a static failure and a judged one on the same step',
      canary: compared({ threshold: 3 }),
      // Threshold 3: the static failure alone would only count; the judged one rolls back.
      rate: (k: number) => (k >= 1 ? 80 : 100),
      readings: errorReadings(2_000, 0.2),
      shows: /^start,rollback$/,
    },
    {
      name: 'too little traffic at maxWeight, inconclusive outcome fail',
      canary: compared({ maxWeight: 10, judge: { inconclusive: { maxSteps: 3, outcome: 'fail' } } }),
      rate: () => 100,
      readings: errorReadings(20, 0.005),
      shows: /^start,wait,wait,rollback$/,
    },
    {
      name: 'readings missing on two steps',
      canary: compared(),
      rate: () => 100,
      readings: errorReadings(10_000, 0.005, (k) => k === 2 || k === 3),
      shows: /^start,advance,wait,wait,(advance,)*promote$/,
    },
  ])('$name', ({ canary, rate, readings, shows }) => {
    const want = viaDecide(canary, rate, readings);
    expect(want.join(',')).toMatch(shows);
    expect(viaReplay(canary, rate, readings)).toEqual(want);
  });
});
