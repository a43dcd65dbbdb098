/** The mixture e-process machinery on a grid: weights, evidence, bounds. */
import { describe, expect, it } from 'vitest';
import {
  allLogEvidence,
  gridValue,
  halfNormalLogWeights,
  indexAtOrAbove,
  indexAtOrBelow,
  isConcave,
  logEvidenceAbove,
  logEvidenceBelow,
  makeGrid,
  mixtureBounds,
  zeroIndex,
} from '../../../lib/domain/judge/eprocess.js';
import { rateBounds } from '../../../lib/domain/judge/rates.js';

const grid = makeGrid(-2, 2, 0.01);
const logW = halfNormalLogWeights(grid.step, 0.3);

/** A Gaussian log-likelihood with information V centred at mu. */
function gaussian(mu: number, V: number): Float64Array {
  return Float64Array.from({ length: grid.size }, (_, i) => -0.5 * V * (gridValue(grid, i) - mu) ** 2);
}

describe('grid', () => {
  it('has 0 on it and finds neighbours', () => {
    expect(gridValue(grid, zeroIndex(grid))).toBeCloseTo(0, 12);
    expect(gridValue(grid, indexAtOrAbove(grid, 0.123))).toBeCloseTo(0.13, 12);
    expect(gridValue(grid, indexAtOrBelow(grid, 0.123))).toBeCloseTo(0.12, 12);
    expect(() => makeGrid(0, 1, 0.1)).toThrow(RangeError);
  });

  it('mixture weights sum to 1', () => {
    expect(logW.reduce((s, w) => s + Math.exp(w), 0)).toBeCloseTo(1, 12);
  });
});

describe('evidence and bounds', () => {
  it('fast all-points evidence equals the exact log-space sums', () => {
    const l = gaussian(0.4, 300);
    const above = allLogEvidence(l, logW, 1);
    const below = allLogEvidence(l, logW, -1);
    for (const i of [0, 50, 200, 240, 399]) {
      expect(above[i]).toBeCloseTo(logEvidenceAbove(l, i, logW), 8);
      expect(below[i]).toBeCloseTo(logEvidenceBelow(l, i, logW), 8);
    }
  });

  it('a flat likelihood (no data) bounds nothing and estimates no change', () => {
    const b = mixtureBounds(new Float64Array(grid.size), grid, logW, 0.01, 0.01);
    expect(b).toEqual({ lower: -Infinity, upper: Infinity, estimate: 0 });
  });

  it('brackets the centre, and a strong signal excludes 0', () => {
    const b = mixtureBounds(gaussian(0.5, 400), grid, logW, 0.01, 0.01);
    expect(b.estimate).toBeCloseTo(0.5, 9);
    expect(b.lower).toBeGreaterThan(0);
    expect(b.lower).toBeLessThan(0.5);
    expect(b.upper).toBeGreaterThan(0.5);
    // Wider than the fixed-sample 99% interval (z = 2.33/√400 ≈ 0.12): the price of looking often.
    expect(0.5 - b.lower).toBeGreaterThan(0.12);
    expect(0.5 - b.lower).toBeLessThan(0.25);
  });

  it('the concave fast path (bisection) gives the same bounds as a full scan', () => {
    const l = gaussian(-0.3, 150);
    expect(isConcave(l)).toBe(true);
    const fast = mixtureBounds(l, grid, logW, 0.005, 0.02);
    const bumpy = Float64Array.from(l, (v, i) => v + (i === 3 ? -0.05 : 0));
    expect(isConcave(bumpy)).toBe(false);
    expect(mixtureBounds(bumpy, grid, logW, 0.005, 0.02)).toEqual(fast);
  });
});

describe('rateBounds (one error rate, anytime-valid)', () => {
  it('brackets the observed rate and narrows with data', () => {
    const small = rateBounds(5, 1000, 0.01, 0.01);
    const large = rateBounds(50, 10000, 0.01, 0.01);
    for (const b of [small, large]) {
      expect(b.lower).toBeLessThan(0.005);
      expect(b.upper).toBeGreaterThan(0.005);
    }
    expect(large.upper - large.lower).toBeLessThan(small.upper - small.lower);
  });

  it('knows nothing without trials, and zero errors still bound the rate from above', () => {
    expect(rateBounds(0, 0, 0.01, 0.01)).toEqual({ lower: 0, upper: 1 });
    const none = rateBounds(0, 2000, 0.01, 0.01);
    expect(none.lower).toBeLessThan(1e-5);
    expect(none.upper).toBeLessThan(0.01);
  });
});
