/**
 * What an inconclusive verdict can still say: how much more data a verdict needs and which
 * regression the data at hand would already have caught. Works on an additive effect scale
 * (percentage points, or the log of a latency factor). Pure.
 */

/** An anytime-valid interval on an additive effect scale, with the decision thresholds. */
export interface IntervalState {
  /** Canary requests seen so far. */
  n: number;
  estimate: number;
  lower: number;
  upper: number;
  tolerance: number;
  margin: number;
}

/** Extrapolations for an inconclusive verdict; undefined fields mean "cannot tell yet". */
export interface Extrapolation {
  /** Extra canary requests until the interval is narrow enough, if the canary keeps behaving as so far. */
  more?: number;
  /** The regression (effect scale) that would already have been detected: tolerance + (estimate − lower). */
  detectable?: number;
}

/**
 * The interval's half-width shrinks about as 1/√n, so a verdict needs n·r² requests, where r is
 * how many times too wide the interval is on the side that must move: towards a pass
 * (upper ≤ margin) when the estimate is below the margin, towards a fail (lower > tolerance) when
 * it is above the tolerance; the nearer of the two counts.
 */
export function extrapolate(s: IntervalState): Extrapolation {
  const ratios: number[] = [];
  if (s.estimate < s.margin && Number.isFinite(s.upper)) {
    ratios.push((s.upper - s.estimate) / (s.margin - s.estimate));
  }
  if (s.estimate > s.tolerance && Number.isFinite(s.lower)) {
    ratios.push((s.estimate - s.lower) / (s.estimate - s.tolerance));
  }
  const out: Extrapolation = {};
  if (Number.isFinite(s.lower)) out.detectable = s.tolerance + (s.estimate - s.lower);
  if (ratios.length > 0 && s.n > 0) {
    const r = Math.min(...ratios);
    out.more = Math.max(1, Math.ceil(s.n * (r * r - 1)));
  }
  return out;
}
