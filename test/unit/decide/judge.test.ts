/**
 * The canary-vs-primary judge inside decide() (lib/domain/decide/judged.ts): baseline at the first
 * analysis step, evidence carried in the status, the step policy's outcomes, unavailable readings,
 * and Flagger's meaning kept for canaries that do not ask for it.
 */
import { describe, expect, it } from 'vitest';
import type { JudgeReading } from '../../../lib/domain/observations.js';
import { aCanary, aStatus, fail, passing } from '../../support/builders.js';
import { aWorld, simulate, weightsOf, type World } from './harness.js';

const released = aStatus({ phase: 'Succeeded', lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' });

/** Error counts of both versions, cumulative: `rate` req/s for one minute per step, split by the live weight. */
function errorTraffic(o: { rate: number; primaryErrors: number; canaryErrors: number }) {
  const total = { canary: { requests: 0, errors: 0 }, primary: { requests: 50_000, errors: 250 } };
  return (w: World): Record<string, JudgeReading> => {
    const n = o.rate * 60;
    const c = Math.round((n * w.routes.canary) / 100);
    total.canary.requests += c;
    total.canary.errors += Math.round(c * o.canaryErrors);
    total.primary.requests += n - c;
    total.primary.errors += Math.round((n - c) * o.primaryErrors);
    return {
      'request-success-rate': {
        kind: 'errors',
        snapshot: { at: w.now, canary: { ...total.canary }, primary: { ...total.primary } },
      },
    };
  };
}

const judged = aCanary({
  metrics: [
    { name: 'request-success-rate', threshold: 90, interval: '1m', compare: { margin: 1 } },
    { name: 'request-duration', threshold: 500, interval: '1m' },
  ],
});

describe('decide() with the judge', () => {
  it('a Canary without judge fields never asks for readings and keeps no judge state', () => {
    const w = aWorld({
      judge: () => {
        throw new Error('asked for judge readings');
      },
    });
    const { status, decisions } = simulate(aCanary(), released, w);
    expect(status.phase).toBe('Succeeded');
    expect(decisions.every((d) => d.status.judge === undefined && d.judgements === undefined)).toBe(true);
  });

  it('the first step keeps the baseline only: nothing from before the analysis counts', () => {
    const w = aWorld({ judge: errorTraffic({ rate: 100, primaryErrors: 0.005, canaryErrors: 0.005 }) });
    const { decisions } = simulate(judged, released, w, { max: 2 });
    const first = decisions[1]!;
    expect(first.reason).toBe('CanaryWeightIncreased');
    const ev = first.status.judge!.evidence['request-success-rate']!;
    expect(ev.kind).toBe('errors');
    if (ev.kind !== 'errors') return;
    expect(ev.ev.canary).toEqual({ requests: 0, errors: 0 });
    expect(ev.ev.primary).toEqual({ requests: 0, errors: 0 });
    expect(ev.ev.last?.primary.requests).toBe(56_000);
  });

  it('a canary failing 10× the primary is rolled back by the judge while the static bound (90 %) passes it', () => {
    const w = aWorld({ judge: errorTraffic({ rate: 100, primaryErrors: 0.005, canaryErrors: 0.05 }) });
    const { traces, status, decisions } = simulate(judged, released, w);
    expect(status.phase).toBe('Failed');
    const last = decisions.at(-1)!;
    expect(last.reason).toBe('JudgeFailed');
    expect(last.explanation).toMatch(
      /^request-success-rate: fail — the canary failed 5(\.\d+)?% of [\d,]+ requests vs 0\.5% of /,
    );
    expect(last.judgements?.[0]).toMatchObject({ verdict: 'fail', effect: { unit: 'pp' } });
    expect(last.events.find((e) => e.type === 'RolledBack')?.checks?.[0]).toMatchObject({
      name: 'request-success-rate',
      verdict: 'fail',
    });
    expect(status.judge).toBeUndefined();
    expect(status.failedChecks).toBe(0);
    expect(weightsOf(traces).at(-1)).toBe(0);
  });

  it('failFast: false counts one failed check per judged failure (Flagger threshold)', () => {
    const canary = aCanary({ ...judged.spec.analysis, threshold: 2, judge: { failFast: false } });
    const w = aWorld({ judge: errorTraffic({ rate: 100, primaryErrors: 0.005, canaryErrors: 0.05 }) });
    const { status, decisions } = simulate(canary, released, w);
    const reasons = decisions.map((d) => d.reason);
    expect(reasons.filter((r) => r === 'JudgeFailed')).toHaveLength(1);
    expect(reasons.at(-1)).toBe('RollbackThresholdReached');
    expect(status.failedChecks).toBe(2);
  });

  it('an identical canary is promoted; advancing steps say what the judge saw', () => {
    const w = aWorld({ judge: errorTraffic({ rate: 100, primaryErrors: 0.005, canaryErrors: 0.005 }) });
    const { status, decisions } = simulate(judged, released, w, { max: 80 });
    expect(status.phase).toBe('Succeeded');
    const advancing = decisions.filter((d) => d.reason === 'CanaryWeightIncreased').slice(1);
    expect(advancing.length).toBeGreaterThan(0);
    expect(advancing.every((d) => /; judge: /.test(d.explanation))).toBe(true);
    expect(decisions.some((d) => d.reason === 'PromotionStarted')).toBe(true);
  });

  it('at maxWeight an inconclusive judge waits, then holds for a person once, and a promote command still works', () => {
    const canary = aCanary({
      ...judged.spec.analysis,
      maxWeight: 10,
      judge: { inconclusive: { maxSteps: 3, outcome: 'hold' } },
    });
    // 1 req/s: far too little to tell a 1 pp difference.
    const w = aWorld({ judge: errorTraffic({ rate: 1, primaryErrors: 0.005, canaryErrors: 0.005 }) });
    const { decisions, status } = simulate(canary, released, w, {
      max: 9,
      script: (i, world) => {
        if (i === 8) world.operator = { kind: 'promote', by: 'alice' };
      },
    });
    const reasons = decisions.map((d) => d.reason);
    expect(reasons.slice(2, 8)).toEqual([
      'JudgeInconclusive',
      'JudgeInconclusive',
      'JudgeHeldForDecision',
      'JudgeHeldForDecision',
      'JudgeHeldForDecision',
      'JudgeHeldForDecision',
    ]);
    const alerts = decisions.flatMap((d) => d.events).filter((e) => e.type === 'WaitingApproval');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message).toMatch(/^The judge could not decide: promote or abort podinfo\.test\./);
    expect(decisions[2]!.explanation).toMatch(/^inconclusive step 1\/3: request-success-rate: inconclusive/);
    expect(decisions[2]!.status.failedChecks).toBe(0);
    expect(reasons[8]).toBe('PromotedByOperator');
    expect(status.phase).toBe('Promoting');
  });

  it('outcome fail rolls back once the inconclusive steps run out', () => {
    const canary = aCanary({
      ...judged.spec.analysis,
      maxWeight: 10,
      judge: { inconclusive: { maxSteps: 2, outcome: 'fail' } },
    });
    const w = aWorld({ judge: errorTraffic({ rate: 1, primaryErrors: 0.005, canaryErrors: 0.005 }) });
    const { decisions, status } = simulate(canary, released, w);
    expect(decisions.map((d) => d.reason).slice(2)).toEqual(['JudgeInconclusive', 'JudgeInconclusiveFailed']);
    expect(status.phase).toBe('Failed');
  });

  it('an unavailable reading never advances the weight: the step waits and counts no failure', () => {
    const traffic = errorTraffic({ rate: 100, primaryErrors: 0.005, canaryErrors: 0.005 });
    let down = false;
    const w = aWorld({
      judge: (world) =>
        down
          ? { 'request-success-rate': { kind: 'unavailable', message: 'primary: connection refused' } }
          : traffic(world),
    });
    const { decisions } = simulate(judged, released, w, {
      max: 4,
      script: (i) => {
        down = i >= 2;
      },
    });
    const outage = decisions[2]!;
    expect(outage.reason).toBe('JudgeInconclusive');
    expect(outage.explanation).toContain('no reading this step (primary: connection refused)');
    expect(outage.status.canaryWeight).toBe(decisions[1]!.status.canaryWeight);
    expect(outage.status.failedChecks).toBe(0);
    // The evidence so far is kept for when the readings come back.
    expect(outage.status.judge?.evidence['request-success-rate']).toEqual(
      decisions[1]!.status.judge?.evidence['request-success-rate'],
    );
  });

  it("static checks keep Flagger's meaning: a failed threshold counts before the judge looks", () => {
    const w = aWorld({
      metrics: () => [fail('request-success-rate', 80), passing[1]!],
      judge: errorTraffic({ rate: 100, primaryErrors: 0.005, canaryErrors: 0.005 }),
    });
    const { decisions } = simulate(judged, released, w, { max: 3 });
    expect(decisions[2]!.reason).toBe('CheckFailed');
    expect(decisions[2]!.status.failedChecks).toBe(1);
  });
});

describe('decide() with the judge: a static check and the judge fail together', () => {
  it('the judged failure rolls back at once instead of counting toward the threshold', () => {
    const w = aWorld({
      metrics: () => [fail('request-success-rate', 80), passing[1]!],
      judge: errorTraffic({ rate: 100, primaryErrors: 0.005, canaryErrors: 0.2 }),
    });
    const { decisions, status } = simulate(judged, released, w, { max: 3 });
    expect(decisions[2]!.reason).toBe('JudgeFailed');
    expect(status).toMatchObject({ phase: 'Failed', failedChecks: 0 });
  });
});
