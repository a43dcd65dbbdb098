/**
 * Special functions against R 4.2 (Debian r-base-core). Each expected value was printed with
 * `options(digits = 17)` by the R call in its row.
 */
import { describe, expect, it } from 'vitest';
import {
  betaI,
  betaQuantile,
  chisqUpper,
  gammaP,
  gammaQ,
  lgamma,
  logSumExp,
  pnorm,
  qnorm,
} from '../../../lib/domain/judge/special.js';

/** |got − want| ≤ rel·|want| (+ a tiny absolute floor for values near 0). */
function close(got: number, want: number, rel = 1e-12): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want) + 1e-300);
}

describe('normal distribution (R: pnorm, qnorm)', () => {
  it.each([
    { r: 'pnorm(-1.96)', got: () => pnorm(-1.96), want: 2.4997895148220428e-2 },
    { r: 'pnorm(1.5)', got: () => pnorm(1.5), want: 9.3319279873114191e-1 },
    { r: 'pnorm(-10)', got: () => pnorm(-10), want: 7.6198530241605269e-24 },
    { r: 'pnorm(8)', got: () => pnorm(8), want: 9.9999999999999933e-1 },
    { r: 'qnorm(0.975)', got: () => qnorm(0.975), want: 1.9599639845400536 },
    { r: 'qnorm(1e-10)', got: () => qnorm(1e-10), want: -6.3613409024040557 },
    { r: 'qnorm(0.3)', got: () => qnorm(0.3), want: -5.2440051270804067e-1 },
    { r: 'qnorm(0.995)', got: () => qnorm(0.995), want: 2.5758293035488999 },
  ])('$r', ({ got, want }) => close(got(), want, 1e-11));

  it('qnorm(1 − 1e-12) to the precision left in 1 − 1e-12 (R: 7.0344869100478356)', () => {
    close(qnorm(1 - 1e-12), 7.0344869100478356, 1e-4);
  });

  it('qnorm inverts pnorm across the range', () => {
    // Above ~5 the upper tail is lost in 1 − p itself, so the round trip stops there.
    for (const x of [-8, -3.3, -1, -0.01, 0.4, 2.7, 5]) close(qnorm(pnorm(x)), x, 1e-8);
    expect(qnorm(0.5)).toBeCloseTo(0, 15);
    expect(qnorm(0)).toBe(-Infinity);
    expect(qnorm(1)).toBe(Infinity);
    expect(qnorm(1.5)).toBeNaN();
  });
});

describe('gamma and beta functions (R: lgamma, pbeta, qbeta, pchisq, pgamma)', () => {
  it.each([
    { r: 'lgamma(0.5)', got: () => lgamma(0.5), want: 5.7236494292470008e-1 },
    { r: 'lgamma(100.5)', got: () => lgamma(100.5), want: 3.6143554046777757e2 },
    { r: 'lgamma(3)', got: () => lgamma(3), want: 6.9314718055994529e-1 },
    { r: 'lgamma(1e-3)', got: () => lgamma(1e-3), want: 6.9071788853838534 },
    { r: 'pbeta(0.3, 2, 5)', got: () => betaI(0.3, 2, 5), want: 5.7982500000000015e-1 },
    { r: 'pbeta(0.999, 0.5, 0.5)', got: () => betaI(0.999, 0.5, 0.5), want: 9.7986495836662257e-1 },
    { r: 'pchisq(3.84, 1, lower.tail = FALSE)', got: () => chisqUpper(3.84, 1), want: 5.0043521248705224e-2 },
    { r: 'pchisq(50, 1, lower.tail = FALSE)', got: () => chisqUpper(50, 1), want: 1.5374597944280343e-12 },
    { r: 'pgamma(2, 3)', got: () => gammaP(3, 2), want: 3.233235838169366e-1 },
    { r: 'pgamma(30, 2.5, lower.tail = FALSE)', got: () => gammaQ(2.5, 30), want: 1.2154569777183041e-11 },
  ])('$r', ({ got, want }) => close(got(), want, 1e-11));

  it.each([
    { r: 'qbeta(0.025, 3, 98)', got: () => betaQuantile(0.025, 3, 98), want: 6.2299715383063968e-3 },
    { r: 'qbeta(0.995, 1, 39)', got: () => betaQuantile(0.995, 1, 39), want: 1.2703017761077562e-1 },
  ])('$r', ({ got, want }) => close(got(), want, 1e-9));

  it('lgamma rejects x ≤ 0', () => {
    expect(() => lgamma(0)).toThrow(RangeError);
  });
});

describe('logSumExp', () => {
  it('does not overflow and handles empty input', () => {
    close(logSumExp([1000, 1000]), 1000 + Math.log(2));
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
  });
});
