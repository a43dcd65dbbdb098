/** Deterministic inputs for judge tests: cumulative snapshots built from per-step increments. */
import type { CompareOptions, CountSnapshot, HistogramSnapshot } from '../../../lib/domain/judge/index.js';
import { fromBins } from '../../../lib/domain/judge/histogram.js';
import { pnorm } from '../../../lib/domain/judge/special.js';

/** Istio's default latency bucket bounds, ms. */
export const BOUNDS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
];

/** Errors compared with a 1 pp margin, zero tolerance, α = 0.5 % (fail) and 1 % (pass). */
export const errorsOptions: CompareOptions = { tolerance: 0, margin: 1, alphaFail: 0.005, alphaPass: 0.01 };
/** Latency compared with a 1.2× margin, 1.0× tolerance. */
export const latencyOptions: CompareOptions = {
  tolerance: 1,
  margin: 1.2,
  alphaFail: 0.005,
  alphaPass: 0.01,
};

/** Per-step increments `[requests, errors]` → cumulative snapshots, 10 s apart. */
export function countSnapshots(
  steps: { canary: readonly number[]; primary: readonly number[] }[],
): CountSnapshot[] {
  const c = { requests: 0, errors: 0 };
  const p = { requests: 0, errors: 0 };
  return steps.map((s, k) => {
    c.requests += s.canary[0];
    c.errors += s.canary[1];
    p.requests += s.primary[0];
    p.errors += s.primary[1];
    return { at: (k + 1) * 10_000, canary: { ...c }, primary: { ...p } };
  });
}

/** `n` requests spread over the bins exactly as a lognormal(median, sigma) would, rounded. */
export function lognormalBins(n: number, medianMs: number, sigma: number): number[] {
  const cdf = BOUNDS.map((b) => pnorm(Math.log(b / medianMs) / sigma));
  const bins = [...cdf, 1].map((F, j) => n * (F - (j === 0 ? 0 : cdf[j - 1])));
  return bins.map(Math.round);
}

/** Per-step bin increments → cumulative histogram snapshots, 10 s apart. */
export function histogramSnapshots(steps: { canary: number[]; primary: number[] }[]): HistogramSnapshot[] {
  const c = new Array<number>(BOUNDS.length + 1).fill(0);
  const p = new Array<number>(BOUNDS.length + 1).fill(0);
  return steps.map((s, k) => {
    s.canary.forEach((n, j) => (c[j] += n));
    s.primary.forEach((n, j) => (p[j] += n));
    return { at: (k + 1) * 10_000, canary: fromBins(BOUNDS, c), primary: fromBins(BOUNDS, p) };
  });
}

/** The same increment `times` times. */
export function repeat<T>(times: number, step: T): T[] {
  return Array.from({ length: times }, () => step);
}
