/**
 * Anytime-valid bounds from a log-likelihood on a grid of effects, by one-sided **mixture
 * likelihood ratios** (Robbins' mixture martingales; Howard, Ramdas, McAuliffe & Sekhon 2021).
 *
 * The effect η (a log rate ratio, a log latency factor, a logit) lives on an evenly spaced grid
 * that contains 0. For a grid point η_i the e-process
 *
 *   E↑(i) = Σ_{m≥1} w_m · L(η_{i+m}) / L(η_i)      (evidence that η > η_i)
 *   E↓(i) = Σ_{m≥1} w_m · L(η_{i−m}) / L(η_i)      (evidence that η < η_i)
 *
 * mixes likelihood ratios against larger (smaller) effects with fixed weights w (a discretised
 * half-normal of scale τ, fixed before the data). When the likelihood is a product of Bernoulli
 * factors whose success probability increases with η (every model in this module), each ratio is
 * a nonnegative supermartingale under any η ≤ η_i (resp. ≥), so by Ville's inequality
 * P(E↑(i) ever reaches 1/α) ≤ α — however often one looks. Grid points beyond the grid's end
 * are dropped from the sums, which only makes the e-values smaller (conservative).
 *
 * Bounds: `lower` is the largest η_L such that every grid point up to η_L is rejected by E↑
 * ("the effect is above η_L"); `upper` the smallest η_U such that every point from η_U up is
 * rejected by E↓. P(true effect ≤ lower) ≤ α↑ and P(true effect ≥ upper) ≤ α↓ at all times.
 * Pure.
 */
import { logSumExp } from './special.js';

/** Grid points η_i = min + i·step, i = 0 … size−1; `min` is a multiple of `step`, so 0 is a grid point. */
export interface EffectGrid {
  readonly min: number;
  readonly step: number;
  readonly size: number;
}

/** A grid covering [min, max] with 0 on it. */
export function makeGrid(min: number, max: number, step: number): EffectGrid {
  if (!(step > 0) || !(min < 0 && max > 0)) throw new RangeError('grid must straddle 0 with a positive step');
  const lo = Math.floor(min / step);
  const hi = Math.ceil(max / step);
  return { min: lo * step, step, size: hi - lo + 1 };
}

/** η at grid index i. */
export function gridValue(g: EffectGrid, i: number): number {
  return g.min + i * g.step;
}

/** The index of η = 0. */
export function zeroIndex(g: EffectGrid): number {
  return Math.round(-g.min / g.step);
}

/** The smallest index whose value is ≥ η (clamped to the grid). */
export function indexAtOrAbove(g: EffectGrid, eta: number): number {
  return clamp(Math.ceil((eta - g.min) / g.step - 1e-9), 0, g.size - 1);
}

/** The largest index whose value is ≤ η (clamped to the grid). */
export function indexAtOrBelow(g: EffectGrid, eta: number): number {
  return clamp(Math.floor((eta - g.min) / g.step + 1e-9), 0, g.size - 1);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Log-weights of the mixture over offsets m = 1 … M (m·step ≤ 4τ): a half-normal of scale τ,
 * discretised on the grid and normalised to sum 1.
 */
export function halfNormalLogWeights(step: number, tau: number): number[] {
  const m = Math.max(1, Math.ceil((4 * tau) / step));
  const raw = Array.from({ length: m }, (_, k) => -(((k + 1) * step) ** 2) / (2 * tau * tau));
  const z = logSumExp(raw);
  return raw.map((v) => v - z);
}

/** ln Σ_m exp(logW[m−1] + loglik[i + dir·m]) − loglik[i], in two passes without allocation. */
function logEvidence(loglik: ArrayLike<number>, i: number, logW: readonly number[], dir: 1 | -1): number {
  let max = -Infinity;
  for (let m = 1; m <= logW.length; m++) {
    const j = i + dir * m;
    if (j < 0 || j >= loglik.length) break;
    const v = logW[m - 1] + loglik[j];
    if (v > max) max = v;
  }
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let m = 1; m <= logW.length; m++) {
    const j = i + dir * m;
    if (j < 0 || j >= loglik.length) break;
    sum += Math.exp(logW[m - 1] + loglik[j] - max);
  }
  return max + Math.log(sum) - loglik[i];
}

/** ln E↑(i): log evidence that the effect is above η_i. */
export function logEvidenceAbove(loglik: ArrayLike<number>, i: number, logW: readonly number[]): number {
  return logEvidence(loglik, i, logW, 1);
}

/** ln E↓(i): log evidence that the effect is below η_i. */
export function logEvidenceBelow(loglik: ArrayLike<number>, i: number, logW: readonly number[]): number {
  return logEvidence(loglik, i, logW, -1);
}

/**
 * ln E↑ (dir 1) or ln E↓ (dir −1) at every grid point. Fast path: with a_j = exp(ℓ_j − max ℓ),
 * E(i) = Σ_m w_m·a_{i±m} / a_i by multiply-adds; points where that under- or overflows are
 * recomputed exactly in log space.
 */
export function allLogEvidence(
  loglik: ArrayLike<number>,
  logW: readonly number[],
  dir: 1 | -1,
): Float64Array {
  const n = loglik.length;
  let top = -Infinity;
  for (let i = 0; i < n; i++) if (loglik[i] > top) top = loglik[i];
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.exp(loglik[i] - top);
  const w = logW.map(Math.exp);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let m = 1; m <= w.length; m++) {
      const j = i + dir * m;
      if (j < 0 || j >= n) break;
      sum += w[m - 1] * a[j];
    }
    // log(sum / a_i) = log(sum) − (ℓ_i − top), also when a_i itself underflows.
    out[i] = sum > 1e-290 ? Math.log(sum) - (loglik[i] - top) : logEvidence(loglik, i, logW, dir);
  }
  return out;
}

/** Anytime-valid bounds on the effect (grid units converted to η). */
export interface GridBounds {
  /** The effect is above this (−Infinity when nothing is rejected). */
  lower: number;
  /** The effect is below this (+Infinity when nothing is rejected). */
  upper: number;
  /** Maximum-likelihood grid point. */
  estimate: number;
}

/**
 * Whether ℓ is concave on the grid. Then every ratio ℓ(η_{i+m}) − ℓ(η_i) decreases with i, so E↑
 * decreases and E↓ increases along the grid, and the scans below can bisect.
 */
export function isConcave(loglik: ArrayLike<number>): boolean {
  for (let i = 1; i + 1 < loglik.length; i++) {
    const second = loglik[i + 1] - 2 * loglik[i] + loglik[i - 1];
    if (second > 1e-9 * (1 + Math.abs(loglik[i]))) return false;
  }
  return true;
}

/** The last index of the prefix of [0, n) where `ok` holds (−1 if none), by bisection (ok monotone). */
function bisectPrefix(n: number, ok: (i: number) => boolean): number {
  let lo = -1;
  let hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The last index of the prefix of [0, n) where `ok` holds, scanning every point. */
function scanPrefix(n: number, ok: (i: number) => boolean): number {
  let i = -1;
  while (i + 1 < n && ok(i + 1)) i++;
  return i;
}

/** Bounds at one-sided levels `alphaLower` (for `lower`) and `alphaUpper` (for `upper`). */
export function mixtureBounds(
  loglik: ArrayLike<number>,
  grid: EffectGrid,
  logW: readonly number[],
  alphaLower: number,
  alphaUpper: number,
): GridBounds {
  const cutLower = Math.log(1 / alphaLower);
  const cutUpper = Math.log(1 / alphaUpper);
  const n = grid.size;
  let L: number;
  let fromTop: number;
  if (isConcave(loglik)) {
    L = bisectPrefix(n, (i) => logEvidenceAbove(loglik, i, logW) >= cutLower);
    fromTop = bisectPrefix(n, (k) => logEvidenceBelow(loglik, n - 1 - k, logW) >= cutUpper);
  } else {
    const above = allLogEvidence(loglik, logW, 1);
    const below = allLogEvidence(loglik, logW, -1);
    L = scanPrefix(n, (i) => above[i] >= cutLower);
    fromTop = scanPrefix(n, (k) => below[n - 1 - k] >= cutUpper);
  }
  const U = n - 1 - fromTop;
  // Ties (e.g. no data at all) resolve to "no change".
  let best = zeroIndex(grid);
  for (let i = 0; i < n; i++) if (loglik[i] > loglik[best] + 1e-12) best = i;
  return {
    lower: L < 0 ? -Infinity : gridValue(grid, L),
    upper: U >= n ? Infinity : gridValue(grid, U),
    estimate: gridValue(grid, best),
  };
}
