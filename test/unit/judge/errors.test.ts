/** The error-ratio judge: verdicts, their contents and sentences, on deterministic counts. */
import { describe, expect, it } from 'vitest';
import {
  addErrorSnapshot,
  emptyErrorEvidence,
  judgeErrorEvidence,
  judgeErrors,
} from '../../../lib/domain/judge/errors.js';
import { countSnapshots, errorsOptions, repeat } from './fixtures.js';

describe('judgeErrors verdicts', () => {
  it('fails a canary at 3 % errors against a primary at 0.5 %', () => {
    const j = judgeErrors(
      'request-success-rate',
      countSnapshots(repeat(5, { canary: [1000, 30], primary: [4000, 20] })),
      errorsOptions,
    );
    expect(j).toMatchObject({
      verdict: 'fail',
      kind: 'errors',
      canary: { requests: 5000, errors: 150, errorRatePercent: 3 },
      primary: { requests: 20000, errors: 100, errorRatePercent: 0.5 },
      effect: { unit: 'pp', estimate: 2.5, confidence: 0.985 },
      tolerance: 0,
      margin: 1,
    });
    expect(j.effect.lower).toBeGreaterThan(1);
    expect(j.effect.lower).toBeLessThan(2.5);
    expect(j.rateRatio!.lower).toBeGreaterThan(3);
    expect(j.explanation).toMatch(
      /^request-success-rate: fail — the canary failed 3% of 5,000 requests vs 0\.5% of 20,000 on the primary; it is worse by more than \+\d\.\d+ pp/,
    );
    expect(j.moreCanaryRequests).toBeUndefined();
  });

  it('passes a canary that matches the primary once the interval is inside the margin', () => {
    const j = judgeErrors(
      'request-success-rate',
      countSnapshots(repeat(6, { canary: [5000, 25], primary: [5000, 25] })),
      errorsOptions,
    );
    expect(j.verdict).toBe('pass');
    expect(j.effect.estimate).toBe(0);
    expect(j.effect.upper).toBeLessThanOrEqual(1);
    expect(j.effect.upper).toBeGreaterThan(0);
    expect(j.explanation).toMatch(
      /pass — .*at most \+0\.\d+ pp worse at 98\.5% confidence \(anytime-valid\), within the \+1 pp margin\.$/,
    );
  });

  it('is inconclusive on little data, and says what more it needs and what it could catch', () => {
    const j = judgeErrors(
      'request-success-rate',
      countSnapshots(repeat(3, { canary: [50, 0], primary: [450, 2] })),
      errorsOptions,
    );
    expect(j.verdict).toBe('inconclusive');
    expect(j.moreCanaryRequests).toBeGreaterThan(150);
    expect(j.moreSeconds).toBeCloseTo(j.moreCanaryRequests! / 5, 6);
    expect(j.detectable).toBeGreaterThan(1);
    expect(j.explanation).toMatch(
      /inconclusive — .*more canary requests \(about \d+ (s|min) at the current rate\) should tell a \+1 pp regression from none; so far only a regression above \+\d+\.?\d* pp would have been caught\.$/,
    );
  });

  it('is inconclusive, not failed, while the canary has no traffic', () => {
    const j = judgeErrors(
      'request-success-rate',
      countSnapshots(repeat(4, { canary: [0, 0], primary: [500, 3] })),
      errorsOptions,
    );
    expect(j.verdict).toBe('inconclusive');
    expect(j.explanation).toBe(
      'request-success-rate: inconclusive — the canary has served no requests yet, so nothing can be compared.',
    );
  });

  it('tolerance: a confirmed +0.2 pp difference passes a 0.5 pp tolerance and 1 pp margin', () => {
    const steps = repeat(10, { canary: [20000, 240], primary: [20000, 200] });
    const strict = judgeErrors('e', countSnapshots(steps), errorsOptions);
    const tolerant = judgeErrors('e', countSnapshots(steps), { ...errorsOptions, tolerance: 0.5 });
    expect(strict.verdict).toBe('fail');
    expect(tolerant.verdict).toBe('pass');
  });

  it('a primary without errors: the canary can still pass on its own bound', () => {
    const j = judgeErrors(
      'e',
      countSnapshots(repeat(5, { canary: [2000, 0], primary: [2000, 0] })),
      errorsOptions,
    );
    expect(j.verdict).toBe('pass');
    expect(j.rateRatio).toMatchObject({ lower: 0, upper: Infinity });
  });
});

describe('judgeErrors data handling', () => {
  it('accumulating step by step gives the same verdict as judging all snapshots at once', () => {
    const snaps = countSnapshots([
      { canary: [100, 1], primary: [900, 4] },
      { canary: [200, 3], primary: [800, 4] },
      { canary: [300, 9], primary: [700, 3] },
    ]);
    const folded = snaps.reduce(addErrorSnapshot, emptyErrorEvidence());
    expect(judgeErrorEvidence('e', folded, errorsOptions)).toEqual(judgeErrors('e', snaps, errorsOptions));
    expect(JSON.parse(JSON.stringify(folded))).toEqual(folded);
  });

  it('warns about counters that go down, and ignores the negative step', () => {
    const snaps = countSnapshots(repeat(2, { canary: [100, 1], primary: [100, 1] }));
    snaps.push({ at: 30_000, canary: { requests: 10, errors: 0 }, primary: { requests: 300, errors: 3 } });
    const j = judgeErrors('e', snaps, errorsOptions);
    expect(j.warnings).toEqual([
      'canary counts went down between two steps (counter reset?); that step is ignored',
    ]);
    expect(j.canary.requests).toBe(200);
  });

  it('caps errors at requests', () => {
    const j = judgeErrors(
      'e',
      [{ canary: { requests: 5, errors: 9 }, primary: { requests: 5, errors: 0 } }],
      errorsOptions,
    );
    expect(j.canary.errors).toBe(5);
    expect(j.warnings[0]).toMatch(/more errors than requests/);
  });
});
