/**
 * Assertions about the traffic simulator's random counts. Its draws are seeded, so a test on a
 * manual clock sees the same counts every run; these bounds say which counts the model allows, so
 * a test does not pin the one the seed happens to give, and still fails when the model is wrong
 * (a wrong rate, share or probability lands outside them).
 */
import { expect } from 'vitest';

/** Standard deviations either side: a correct model falls outside about once in 16 000 draws. */
const Z = 4;

/** The counts a Poisson draw of `mean` falls in. */
export function poissonBounds(mean: number): [number, number] {
  const half = Z * Math.sqrt(mean);
  return [Math.max(0, Math.floor(mean - half)), Math.ceil(mean + half)];
}

/** The counts of successes a Binomial(n, p) draw falls in. */
export function binomialBounds(n: number, p: number): [number, number] {
  const half = Z * Math.sqrt(n * p * (1 - p));
  return [Math.max(0, Math.floor(n * p - half)), Math.min(n, Math.ceil(n * p + half))];
}

/** The success rates (percent) `n` requests failing with probability `p` each show. */
export function successRateBounds(n: number, p: number): [number, number] {
  const [lo, hi] = binomialBounds(n, p);
  return [100 * (1 - hi / n), 100 * (1 - lo / n)];
}

/** Asserts lo ≤ value ≤ hi. */
export function expectWithin(value: number, [lo, hi]: [number, number], what = 'value'): void {
  expect(value, `${what} ${value} outside [${lo}, ${hi}]`).toBeGreaterThanOrEqual(lo);
  expect(value, `${what} ${value} outside [${lo}, ${hi}]`).toBeLessThanOrEqual(hi);
}

/**
 * Asserts that `part` is the share `p` of `whole` to within `slack` requests: the simulator's
 * routing (weighted round-robin, A/B and mirror accumulators) is exact, only arrivals are random.
 */
export function expectShare(part: number, whole: number, p: number, slack = 1): void {
  expect(Math.abs(part - whole * p), `${part} is not ${p} of ${whole}`).toBeLessThanOrEqual(slack);
}
