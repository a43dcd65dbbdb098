/**
 * Traffic weight arithmetic, pure. Weights are integer percentages; the primary always takes
 * `100 − canary`. Every increase is clamped so it never overshoots its ceiling (the upstream bug
 * #190: a `maxWeight` that is not a multiple of `stepWeight` was jumped over and never promoted).
 */

/** How the canary weight grows (see accessors `stepWeight`, `stepWeights`, `maxWeight`). */
export interface WeightSchedule {
  stepWeight: number;
  stepWeights: readonly number[];
  /** The ceiling: the last `stepWeights` entry, else `maxWeight`, else 100. */
  maxWeight: number;
}

function clampPercent(w: number): number {
  return Math.min(100, Math.max(0, Math.round(w)));
}

/**
 * The canary weight after one increase from `current`.
 * - With `stepWeights`, the first listed weight above `current` (`[5, 10, 25, 50]` from 0 gives 5,
 *   from 7 gives 10); past the list, `maxWeight`.
 * - Otherwise `current + stepWeight`.
 * Either way clamped to `maxWeight` (and to 0..100), and never below `current`. A `stepWeight` of 0
 * with no `stepWeights` does not grow (validation rejects such a canary strategy).
 */
export function nextCanaryWeight(current: number, s: WeightSchedule): number {
  const cur = clampPercent(current);
  const max = clampPercent(s.maxWeight);
  if (cur >= max) return cur;
  const listed =
    s.stepWeights.length > 0 ? (s.stepWeights.find((w) => w > cur) ?? max) : cur + Math.max(0, s.stepWeight);
  return Math.max(cur, Math.min(max, clampPercent(listed)));
}

/**
 * The primary weight after one promotion step (`stepWeightPromotion`): `current + step`, clamped to
 * 100; a step ≤ 0 means all traffic at once.
 */
export function nextPrimaryWeight(current: number, step: number): number {
  if (step <= 0) return 100;
  return Math.min(100, clampPercent(current) + Math.round(step));
}

/** The `{primary, canary}` pair for a canary weight. */
export function split(canary: number): { primary: number; canary: number } {
  const c = clampPercent(canary);
  return { primary: 100 - c, canary: c };
}
