/**
 * The latency model: a regression is a **shift of the whole distribution** — every request slower
 * by the same factor θ (a location shift of log-latency). Bucketed data only tell how many
 * requests fell between two bounds, so the model needs a continuous reference CDF: the primary's,
 * interpolated between the bucket bounds by a monotone cubic in ln(latency) ({@link smoothCdf}).
 * Pure.
 *
 * Consequence, stated rather than hidden: a change confined to the inside of one bucket (say P99
 * moving from 300 to 450 ms while every request stays within (250, 500]) does not change a single
 * bucket count and is invisible to this judge — and to any judge of bucketed data.
 */

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
function shiftedBinProbabilities(
  bounds: readonly number[],
  cdf: readonly number[],
  theta: number,
): Float64Array {
  const smooth = smoothCdf(bounds, cdf);
  return binProbabilities(bounds.map((b) => evalSmoothCdf(smooth, b / theta)));
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

/**
 * A smooth, monotone CDF through the bucket bounds: a shape-preserving cubic (PCHIP, Fritsch &
 * Carlson 1980) of F against ln(latency), linear from 0 inside the first bucket and flat beyond
 * the last finite bound. Log-linear interpolation (uniform density inside each bucket) biases the
 * shift estimate when the density changes across a wide bucket; the cubic follows the slope.
 */
export interface SmoothCdf {
  bounds: readonly number[];
  cdf: readonly number[];
  /** ln(bounds). */
  u: Float64Array;
  /** dF/d ln(x) at each bound. */
  slope: Float64Array;
}

/** Prepares the PCHIP slopes of a CDF given at the finite bounds. */
export function smoothCdf(bounds: readonly number[], cdf: readonly number[]): SmoothCdf {
  const n = bounds.length;
  const u = Float64Array.from(bounds, (b) => Math.log(b));
  const h = new Float64Array(n - 1);
  const d = new Float64Array(n - 1);
  for (let j = 0; j < n - 1; j++) {
    h[j] = u[j + 1] - u[j];
    d[j] = (cdf[j + 1] - cdf[j]) / h[j];
  }
  const slope = new Float64Array(n);
  for (let j = 1; j < n - 1; j++) {
    if (d[j - 1] <= 0 || d[j] <= 0) continue;
    const w1 = 2 * h[j] + h[j - 1];
    const w2 = h[j] + 2 * h[j - 1];
    slope[j] = (w1 + w2) / (w1 / d[j - 1] + w2 / d[j]);
  }
  if (n >= 3) {
    slope[0] = endSlope(h[0], h[1], d[0], d[1]);
    slope[n - 1] = endSlope(h[n - 2], h[n - 3], d[n - 2], d[n - 3]);
  } else if (n === 2) {
    slope[0] = slope[1] = d[0];
  }
  return { bounds, cdf, u, slope };
}

function endSlope(h0: number, h1: number, d0: number, d1: number): number {
  const s = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
  if (Math.sign(s) !== Math.sign(d0)) return 0;
  if (Math.sign(d0) !== Math.sign(d1) && Math.abs(s) > 3 * Math.abs(d0)) return 3 * d0;
  return s;
}

/** F(x) of a {@link SmoothCdf}. */
export function evalSmoothCdf(s: SmoothCdf, x: number): number {
  const { bounds, cdf, u, slope } = s;
  const n = bounds.length;
  if (x <= 0) return 0;
  if (x >= bounds[n - 1]) return cdf[n - 1];
  if (x <= bounds[0]) return (cdf[0] * x) / bounds[0];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid] < x) lo = mid;
    else hi = mid;
  }
  const width = u[hi] - u[lo];
  const t = (Math.log(x) - u[lo]) / width;
  const t2 = t * t;
  const t3 = t2 * t;
  return (
    (2 * t3 - 3 * t2 + 1) * cdf[lo] +
    (t3 - 2 * t2 + t) * width * slope[lo] +
    (-2 * t3 + 3 * t2) * cdf[hi] +
    (t3 - t2) * width * slope[hi]
  );
}
