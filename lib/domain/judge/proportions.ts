/**
 * Fixed-sample tests on counts, with R's definitions so that results can be checked against
 * `prop.test` and `binom.test`. They answer "is this one look significant?" and are **not** valid
 * under repeated looks; the sequential judge (errors.ts) uses them only as reference points and in
 * tests. Pure.
 */
import { betaQuantile, chisqUpper, lchoose, pnorm, pnormUpper, qnorm } from './special.js';

/** Direction of the alternative hypothesis, as in R. */
export type Alternative = 'two.sided' | 'less' | 'greater';

/** Result of a two-sample proportion test. */
export interface TwoProportionTest {
  /** Pearson's chi-squared statistic (with Yates' correction when `correct`). */
  statistic: number;
  pValue: number;
  /** Sample proportions x1/n1 and x2/n2. */
  estimates: [number, number];
  /** Confidence interval for p1 − p2 (Wald, with the continuity correction when `correct`). */
  confInt: [number, number];
}

/**
 * Two-sample test for equality of proportions (R: `prop.test(c(x1, x2), c(n1, n2), correct,
 * alternative, conf.level)`): x successes out of n trials in each group.
 */
export function twoProportionTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  opts: { correct?: boolean; alternative?: Alternative; confLevel?: number } = {},
): TwoProportionTest {
  const correct = opts.correct ?? true;
  const alternative = opts.alternative ?? 'two.sided';
  const conf = opts.confLevel ?? 0.95;
  if (!(n1 > 0 && n2 > 0)) throw new RangeError('prop.test needs n1 > 0 and n2 > 0');
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const invN = 1 / n1 + 1 / n2;
  const yates = correct ? Math.min(0.5, Math.abs(p1 - p2) / invN) : 0;
  const confInt = differenceInterval(p1, n1, p2, n2, yates, alternative, conf);
  const statistic = pearson(x1, n1, x2, n2, yates);
  let pValue: number;
  if (alternative === 'two.sided') pValue = chisqUpper(statistic, 1);
  else {
    const zs = Math.sign(p1 - p2) * Math.sqrt(statistic);
    pValue = alternative === 'less' ? pnorm(zs) : pnormUpper(zs);
  }
  return { statistic, pValue, estimates: [p1, p2], confInt };
}

/** R's Wald interval for p1 − p2, widened by the continuity correction and clipped to [−1, 1]. */
function differenceInterval(
  p1: number,
  n1: number,
  p2: number,
  n2: number,
  yates: number,
  alternative: Alternative,
  conf: number,
): [number, number] {
  const delta = p1 - p2;
  const z = qnorm(alternative === 'two.sided' ? (1 + conf) / 2 : conf);
  const width = z * Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2) + yates * (1 / n1 + 1 / n2);
  if (alternative === 'less') return [-1, Math.min(delta + width, 1)];
  if (alternative === 'greater') return [Math.max(delta - width, -1), 1];
  return [Math.max(delta - width, -1), Math.min(delta + width, 1)];
}

/** Pearson's chi-squared statistic of the 2×2 table, each |O − E| reduced by `yates`. */
function pearson(x1: number, n1: number, x2: number, n2: number, yates: number): number {
  const pooled = (x1 + x2) / (n1 + n2);
  let statistic = 0;
  for (const [x, n] of [
    [x1, n1],
    [x2, n2],
  ]) {
    for (const [obs, exp] of [
      [x, n * pooled],
      [n - x, n * (1 - pooled)],
    ]) {
      if (exp > 0) statistic += (Math.abs(obs - exp) - yates) ** 2 / exp;
    }
  }
  return statistic;
}

/** The binomial probability mass P(X = k), X ~ Bin(n, p). */
export function dbinom(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(lchoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** P(X ≤ k) for X ~ Bin(n, p), by summing the smaller tail. */
export function pbinom(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (k < n * p) {
    let s = 0;
    for (let i = 0; i <= k; i++) s += dbinom(i, n, p);
    return Math.min(1, s);
  }
  let s = 0;
  for (let i = k + 1; i <= n; i++) s += dbinom(i, n, p);
  return Math.max(0, 1 - s);
}

/** P(X > k) for X ~ Bin(n, p). */
function pbinomUpper(k: number, n: number, p: number): number {
  if (k < 0) return 1;
  if (k >= n) return 0;
  if (k >= n * p) {
    let s = 0;
    for (let i = k + 1; i <= n; i++) s += dbinom(i, n, p);
    return Math.min(1, s);
  }
  return Math.max(0, 1 - pbinom(k, n, p));
}

/** Result of an exact binomial test. */
export interface BinomialTest {
  pValue: number;
  estimate: number;
  /** Clopper-Pearson interval for p. */
  confInt: [number, number];
}

/**
 * Exact binomial test of H0: P(success) = p (R: `binom.test(x, n, p, alternative, conf.level)`);
 * the two-sided p-value sums the probabilities of outcomes no more likely than x, as R does.
 */
export function binomialTest(
  x: number,
  n: number,
  p = 0.5,
  opts: { alternative?: Alternative; confLevel?: number } = {},
): BinomialTest {
  const alternative = opts.alternative ?? 'two.sided';
  const conf = opts.confLevel ?? 0.95;
  let pValue: number;
  if (alternative === 'less') pValue = pbinom(x, n, p);
  else if (alternative === 'greater') pValue = pbinomUpper(x - 1, n, p);
  else pValue = twoSidedBinomialP(x, n, p);
  const a = alternative === 'two.sided' ? (1 - conf) / 2 : 1 - conf;
  const lower = alternative === 'less' || x === 0 ? 0 : betaQuantile(a, x, n - x + 1);
  const upper = alternative === 'greater' || x === n ? 1 : betaQuantile(1 - a, x + 1, n - x);
  return { pValue: Math.min(1, pValue), estimate: x / n, confInt: [lower, upper] };
}

function twoSidedBinomialP(x: number, n: number, p: number): number {
  const relErr = 1 + 1e-7;
  const d = dbinom(x, n, p);
  const m = n * p;
  if (x === m) return 1;
  let y = 0;
  if (x < m) {
    for (let i = Math.ceil(m); i <= n; i++) if (dbinom(i, n, p) <= d * relErr) y++;
    return pbinom(x, n, p) + pbinomUpper(n - y, n, p);
  }
  for (let i = 0; i <= Math.floor(m); i++) if (dbinom(i, n, p) <= d * relErr) y++;
  return pbinom(y - 1, n, p) + pbinomUpper(x - 1, n, p);
}
