/**
 * The latency model: a regression is a **shift of the whole distribution** — every request slower
 * by the same factor θ (a location shift of log-latency). Bucketed data only tell how many
 * requests fell between two bounds, so the model needs a continuous reference CDF: the primary's,
 * interpolated log-linearly inside each bucket (histogram.ts). Pure.
 *
 * Consequence, stated rather than hidden: a change confined to the inside of one bucket (say P99
 * moving from 300 to 450 ms while every request stays within (250, 500]) does not change a single
 * bucket count and is invisible to this judge — and to any judge of bucketed data.
 */
import { interpolateCdf } from './histogram.js';

/** Pseudo-count added to each bin around the observed range, so no nearby bin has probability 0. */
const PSEUDO_COUNT = 0.5;

/**
 * The reference CDF at each finite bound from per-bin counts (bins.length = bounds.length + 1),
 * smoothed with {@link PSEUDO_COUNT} on every bin from one below the first non-empty bin to one
 * above the last. All zeros without observations.
 */
export function referenceCdf(bins: readonly number[]): number[] {
  const first = bins.findIndex((n) => n > 0);
  if (first < 0) return new Array<number>(bins.length - 1).fill(0);
  let last = bins.length - 1;
  while (bins[last] <= 0) last--;
  const smoothed = bins.map((n, j) => n + (j >= first - 1 && j <= last + 1 ? PSEUDO_COUNT : 0));
  const totalCount = smoothed.reduce((s, n) => s + n, 0);
  const cdf: number[] = [];
  let run = 0;
  for (let j = 0; j < bins.length - 1; j++) {
    run += smoothed[j];
    cdf.push(run / totalCount);
  }
  return cdf;
}

/** Bin probabilities (bounds.length + 1 of them) of the reference CDF. */
export function binProbabilities(cdf: readonly number[]): Float64Array {
  const out = new Float64Array(cdf.length + 1);
  let prev = 0;
  for (let j = 0; j < cdf.length; j++) {
    out[j] = cdf[j] - prev;
    prev = cdf[j];
  }
  out[cdf.length] = 1 - prev;
  return out;
}

/** Bin probabilities of the reference slowed down by `theta`: P(bin j) = F(b_j/θ) − F(b_{j−1}/θ). */
export function shiftedBinProbabilities(
  bounds: readonly number[],
  cdf: readonly number[],
  theta: number,
): Float64Array {
  const shifted = bounds.map((b) => interpolateCdf(bounds, cdf, b / theta));
  return binProbabilities(shifted);
}

/**
 * Fisher information per request about η = ln θ at θ = 1, from the bucketed reference:
 * Σ_j (∂p_j/∂η)² / p_j (central differences). It measures what the buckets can tell: coarse
 * buckets, or a distribution that sits inside one bucket, give little information.
 */
export function shiftInformation(bounds: readonly number[], cdf: readonly number[]): number {
  const eps = 0.01;
  const up = shiftedBinProbabilities(bounds, cdf, Math.exp(eps));
  const down = shiftedBinProbabilities(bounds, cdf, Math.exp(-eps));
  const mid = binProbabilities(cdf);
  let info = 0;
  for (let j = 0; j < mid.length; j++) {
    if (mid[j] > 0) info += ((up[j] - down[j]) / (2 * eps)) ** 2 / mid[j];
  }
  return info;
}
