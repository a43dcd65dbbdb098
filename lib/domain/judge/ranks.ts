/**
 * The Wilcoxon-Mann-Whitney rank-sum test on bucketed data: every observation in the same bin is a
 * tie (all we know is its bucket). Same statistic, tie correction and continuity correction as R's
 * `wilcox.test(x, y, exact = FALSE, correct = TRUE)`, so results can be checked against R by
 * expanding the bins into repeated values. A fixed-sample test (one look); the sequential judge
 * (latency.ts) is the one to use step after step. Pure.
 */
import type { Alternative } from './proportions.js';
import { binCounts, sameLayout, type Histogram } from './histogram.js';
import { pnorm, pnormUpper } from './special.js';

/** Result of a rank-sum test of x (e.g. the canary) against y (the primary). */
export interface RankSumTest {
  /** R's W: pairs with x > y, plus half the tied pairs. */
  statistic: number;
  pValue: number;
  /** The standardised statistic (after the continuity correction). */
  z: number;
  /** W / (n·m): the chance that an x is larger than a y, ties counted half (AUC, probabilistic index). */
  probabilisticIndex: number;
  n: number;
  m: number;
}

/**
 * Mann-Whitney test on two sets of bin counts over the same ordered bins (`x[i]` and `y[i]`
 * observations fell in bin i). `alternative: 'greater'` tests whether x is stochastically larger
 * (the canary slower). Throws when a sample is empty or every observation is tied.
 */
export function rankSumTest(
  x: readonly number[],
  y: readonly number[],
  opts: { alternative?: Alternative; correct?: boolean } = {},
): RankSumTest {
  if (x.length !== y.length) throw new RangeError('x and y must count the same bins');
  const alternative = opts.alternative ?? 'two.sided';
  const n = sum(x);
  const m = sum(y);
  if (n === 0 || m === 0) throw new RangeError('both samples need observations');
  let below = 0;
  let w = 0;
  let ties = 0;
  for (let i = 0; i < x.length; i++) {
    w += x[i] * (below + 0.5 * y[i]);
    below += y[i];
    const t = x[i] + y[i];
    ties += t * t * t - t;
  }
  const N = n + m;
  const sigma = Math.sqrt(((n * m) / 12) * (N + 1 - ties / (N * (N - 1))));
  if (!(sigma > 0)) throw new RangeError('all observations are tied');
  const centred = w - (n * m) / 2;
  const correct = opts.correct ?? true;
  const correction = !correct
    ? 0
    : alternative === 'two.sided'
      ? Math.sign(centred) * 0.5
      : alternative === 'greater'
        ? 0.5
        : -0.5;
  const z = (centred - correction) / sigma;
  const pValue =
    alternative === 'less'
      ? pnorm(z)
      : alternative === 'greater'
        ? pnormUpper(z)
        : Math.min(1, 2 * Math.min(pnorm(z), pnormUpper(z)));
  return { statistic: w, pValue, z, probabilisticIndex: w / (n * m), n, m };
}

function sum(v: readonly number[]): number {
  return v.reduce((s, a) => s + a, 0);
}

/**
 * {@link rankSumTest} on two cumulative `le` histograms with the same buckets (canary first):
 * is the canary stochastically slower than the primary, looking once?
 */
export function rankSumTestHistograms(
  x: Histogram,
  y: Histogram,
  opts: { alternative?: Alternative; correct?: boolean } = {},
): RankSumTest {
  if (!sameLayout(x, y)) throw new RangeError('histograms must have the same buckets');
  return rankSumTest(binCounts(x), binCounts(y), opts);
}
