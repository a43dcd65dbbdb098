/**
 * Prometheus-style histograms as the judge reads them: cumulative `le` buckets (the value of
 * `sum by (le) (increase(istio_request_duration_milliseconds_bucket[…]))`), turned into bins,
 * quantiles and a continuous CDF. Pure.
 *
 * Contract: bucket bounds are strictly increasing and the last one is `+Inf`; counts are
 * cumulative. Counts that decrease from one bucket to the next (a scrape race) are made monotone
 * the way Prometheus does before computing quantiles.
 */

/** One cumulative bucket: observations with a value ≤ `le`; the last bucket has `le: Infinity`. */
export interface Bucket {
  le: number;
  count: number;
}

/** A histogram: cumulative buckets in increasing `le` order, ending with `+Inf`. */
export type Histogram = readonly Bucket[];

/** A problem with a histogram's layout, or undefined when it is usable. */
export function histogramProblem(h: Histogram): string | undefined {
  if (h.length < 2) return `expected at least 2 buckets, got ${h.length}`;
  if (h[h.length - 1].le !== Infinity) return 'the last bucket must be le="+Inf"';
  for (let i = 0; i < h.length; i++) {
    const { le, count } = h[i];
    if (Number.isNaN(le) || (i > 0 && !(le > h[i - 1].le)))
      return `bucket bounds must increase strictly; bucket ${i} has le=${le}`;
    if (!Number.isFinite(count) || count < 0) return `bucket le=${le} has an invalid count ${count}`;
  }
  return undefined;
}

/** The finite upper bounds of a histogram (every `le` except `+Inf`). */
export function finiteBounds(h: Histogram): number[] {
  return h.slice(0, -1).map((b) => b.le);
}

/** Whether two histograms have the same bucket bounds. */
export function sameLayout(a: Histogram, b: Histogram): boolean {
  return a.length === b.length && a.every((x, i) => x.le === b[i].le);
}

/** Cumulative counts made monotone (running maximum), as Prometheus does before interpolating. */
function monotoneCounts(h: Histogram): number[] {
  const out: number[] = [];
  let max = 0;
  for (const b of h) {
    max = Math.max(max, b.count);
    out.push(max);
  }
  return out;
}

/** Per-bin counts: bin i holds observations in (le[i−1], le[i]] (bin 0 from 0); the last bin is (le_max, +Inf). */
export function binCounts(h: Histogram): number[] {
  const cum = monotoneCounts(h);
  return cum.map((c, i) => (i === 0 ? c : c - cum[i - 1]));
}

/** Cumulative histogram from per-bin counts and the finite bounds. */
export function fromBins(bounds: readonly number[], bins: readonly number[]): Bucket[] {
  if (bins.length !== bounds.length + 1) throw new RangeError('expected one more bin than finite bounds');
  let sum = 0;
  return bins.map((n, i) => {
    sum += n;
    return { le: i < bounds.length ? bounds[i] : Infinity, count: sum };
  });
}

/** Total observations (the `+Inf` bucket). */
export function total(h: Histogram): number {
  const cum = monotoneCounts(h);
  return cum.length === 0 ? 0 : cum[cum.length - 1];
}

/**
 * `histogram_quantile(q, …)` with Prometheus' semantics: linear interpolation inside the bucket
 * that holds rank q·total (from 0 for the first bucket); the upper bound of the last finite
 * bucket when the rank falls into `+Inf`; NaN without observations.
 */
export function histogramQuantile(q: number, h: Histogram): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (h.length < 2 || h[h.length - 1].le !== Infinity) return NaN;
  const cum = monotoneCounts(h);
  const observations = cum[cum.length - 1];
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = 0;
  while (b < h.length - 1 && cum[b] < rank) b++;
  if (b === h.length - 1) return h[h.length - 2].le;
  if (b === 0 && h[0].le <= 0) return h[0].le;
  let start = 0;
  let count = cum[b];
  if (b > 0) {
    start = h[b - 1].le;
    count -= cum[b - 1];
    rank -= cum[b - 1];
  }
  return start + (h[b].le - start) * (rank / count);
}

/**
 * A continuous CDF through the bucket bounds, for the judge's shift model: log-linear inside each
 * finite bucket (latencies spread evenly on a log scale), linear from 0 in the first bucket, and
 * flat beyond the last finite bound (nothing is known about the `+Inf` bucket's spread).
 * `cdf` holds the CDF at each finite bound (length = bounds.length).
 */
export function interpolateCdf(bounds: readonly number[], cdf: readonly number[], x: number): number {
  if (x <= 0) return 0;
  const n = bounds.length;
  if (x >= bounds[n - 1]) return cdf[n - 1];
  let i = 0;
  let hi = n - 1;
  while (i < hi) {
    const mid = (i + hi) >> 1;
    if (bounds[mid] < x) i = mid + 1;
    else hi = mid;
  }
  if (i === 0) return (cdf[0] * x) / bounds[0];
  const lo = bounds[i - 1];
  const frac = lo > 0 ? Math.log(x / lo) / Math.log(bounds[i] / lo) : (x - lo) / (bounds[i] - lo);
  return cdf[i - 1] + (cdf[i] - cdf[i - 1]) * frac;
}
