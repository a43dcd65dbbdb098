/**
 * The sequential judge of error ratios: canary vs primary from request and error **counts**.
 *
 * Model (Lindon & Malek 2022, "Anytime-valid inference for multinomial count data", applied to
 * a canary): within one analysis interval k the canary served a share s_k = n_c/(n_c + n_p) of the
 * requests. If the canary's error rate is λ times the primary's, an error of that interval came
 * from the canary with probability π_k(λ) = s_k·λ / (s_k·λ + 1 − s_k). The judge therefore only
 * looks at **which version each error came from**; the primary's own error rate — and any drift
 * of it over time that both versions share — cancels out. With η = ln λ the log-likelihood is
 *
 *   ℓ(η) = Σ_k [ x_k·η − E_k · ln(1 − s_k + s_k·e^η) ] + const    (x_k canary errors, E_k all errors)
 *
 * At η = 0 ("canary no worse") the errors of an interval are a uniformly random subset of its
 * requests, i.e. hypergeometric, which is dominated in convex order by the binomial the model
 * uses (Hoeffding 1963): the fail test at zero tolerance is exact, not asymptotic. The mixture
 * e-processes of eprocess.ts turn ℓ into anytime-valid bounds on λ.
 *
 * The verdict is stated in percentage points: Δ = p_c − p_p = p_p·(λ − 1). Its bounds combine the
 * ratio bounds with anytime-valid bounds on each version's own rate (rates.ts), and also
 * p_c − p_p directly from those, which is what helps when one version has no errors at all.
 * Pure; the evidence can be accumulated step by step (`addErrorSnapshot`).
 */
import { halfNormalLogWeights, makeGrid, mixtureBounds } from './eprocess.js';
import { extrapolate } from './extrapolate.js';
import { explainErrors } from './explain.js';
import { rateBounds } from './rates.js';
import type { CompareOptions, Counts, CountSnapshot, Judgement } from './types.js';

/** The grid of η = ln(rate ratio): ratios from e^−5 ≈ 0.007 to e^5 ≈ 148. */
const ERROR_GRID = makeGrid(-5, 5, 0.05);
/** Mixture scale: ratios around e^±1 ≈ 2.7× carry most weight. */
const ERROR_MIXTURE_TAU = 1;
const LOG_W = halfNormalLogWeights(ERROR_GRID.step, ERROR_MIXTURE_TAU);

/** Everything the judge keeps between steps: JSON-serialisable, and small. */
export interface ErrorEvidence {
  /** ℓ(η) on {@link ERROR_GRID}, up to a constant. */
  loglik: number[];
  /** Sums of the (clamped) increments seen so far. */
  canary: Counts;
  primary: Counts;
  /** The last cumulative snapshot, to difference the next one against. */
  last?: CountSnapshot;
  /** Canary requests per second in the latest interval, when snapshots carry `at`. */
  canaryRate?: number;
  warnings: string[];
}

/** Evidence before the first snapshot. */
export function emptyErrorEvidence(): ErrorEvidence {
  return {
    loglik: new Array<number>(ERROR_GRID.size).fill(0),
    canary: { requests: 0, errors: 0 },
    primary: { requests: 0, errors: 0 },
    warnings: [],
  };
}

/** Adds one cumulative snapshot (the next step's); returns new evidence. */
export function addErrorSnapshot(ev: ErrorEvidence, snap: CountSnapshot): ErrorEvidence {
  const warnings = [...ev.warnings];
  const c = increment('canary', snap.canary, ev.last?.canary, warnings);
  const p = increment('primary', snap.primary, ev.last?.primary, warnings);
  const loglik = [...ev.loglik];
  const n = c.requests + p.requests;
  const errors = c.errors + p.errors;
  if (c.requests > 0 && p.requests > 0 && errors > 0) {
    const s = c.requests / n;
    for (let i = 0; i < loglik.length; i++) {
      const eta = ERROR_GRID.min + i * ERROR_GRID.step;
      loglik[i] += c.errors * eta - errors * Math.log1p(s * Math.expm1(eta));
    }
  }
  const next: ErrorEvidence = {
    loglik,
    canary: add(ev.canary, c),
    primary: add(ev.primary, p),
    last: snap,
    warnings,
  };
  const dt = snap.at !== undefined && ev.last?.at !== undefined ? (snap.at - ev.last.at) / 1000 : 0;
  if (dt > 0) next.canaryRate = c.requests / dt;
  else if (ev.canaryRate !== undefined) next.canaryRate = ev.canaryRate;
  return next;
}

function add(a: Counts, b: Counts): Counts {
  return { requests: a.requests + b.requests, errors: a.errors + b.errors };
}

/** The increment since `prev`, clamped to be a valid count (with a warning when it was not). */
function increment(who: string, now: Counts, prev: Counts | undefined, warnings: string[]): Counts {
  let requests = now.requests - (prev?.requests ?? 0);
  let errors = now.errors - (prev?.errors ?? 0);
  if (requests < 0 || errors < 0) {
    warnings.push(`${who} counts went down between two steps (counter reset?); that step is ignored`);
    requests = Math.max(0, requests);
    errors = Math.max(0, errors);
  }
  if (errors > requests) {
    warnings.push(`${who} reported more errors than requests in one step; errors capped`);
    errors = requests;
  }
  return { requests: Math.round(requests), errors: Math.round(errors) };
}

/** Judges cumulative snapshots (one per step, oldest first). */
export function judgeErrors(
  metric: string,
  snapshots: readonly CountSnapshot[],
  o: CompareOptions,
): Judgement {
  return judgeErrorEvidence(metric, snapshots.reduce(addErrorSnapshot, emptyErrorEvidence()), o);
}

/** Bounds in percentage points on p_c − p_p (see the module comment), and the rate ratio's. */
interface PpBounds {
  estimate: number;
  lower: number;
  upper: number;
  ratio: { estimate: number; lower: number; upper: number };
}

/**
 * α accounting. The ratio's lower bound uses alphaFail (alphaFail/2 with a tolerance), its upper
 * bound alphaPass/2; each of the four one-sided rate bounds a = min(alphaFail, alphaPass)/8. The
 * fail test at zero tolerance is the exact ratio test alone (alphaFail); with a tolerance it uses
 * the ratio and three rate bounds (≤ alphaFail/2 + 3a < alphaFail); the pass test the ratio and
 * three rate bounds (≤ alphaPass/2 + 3a < alphaPass); the whole interval covers with probability
 * ≥ 1 − alphaFail − alphaPass.
 */
function ppBounds(ev: ErrorEvidence, o: CompareOptions): PpBounds {
  const r = mixtureBounds(
    ev.loglik,
    ERROR_GRID,
    LOG_W,
    o.tolerance === 0 ? o.alphaFail : o.alphaFail / 2,
    o.alphaPass / 2,
  );
  const a = Math.min(o.alphaFail, o.alphaPass) / 8;
  const c = rateBounds(ev.canary.errors, ev.canary.requests, a, a);
  const p = rateBounds(ev.primary.errors, ev.primary.requests, a, a);
  const ratio = { lower: Math.exp(r.lower), upper: Math.exp(r.upper) };
  const rc = ev.canary.requests > 0 ? ev.canary.errors / ev.canary.requests : 0;
  const rp = ev.primary.requests > 0 ? ev.primary.errors / ev.primary.requests : 0;
  const region = { c, p, ratio };
  return {
    estimate: 100 * (rc - rp),
    lower: 100 * minDifference(region),
    upper: 100 * maxDifference(region),
    ratio: { estimate: Math.exp(r.estimate), ...ratio },
  };
}

interface Range {
  lower: number;
  upper: number;
}

/** Where (p_c, p_p) can be: each rate in its box and their ratio in its interval. */
interface Region {
  c: Range;
  p: Range;
  ratio: Range;
}

/**
 * max p_c − p_p over the region. For a given p_p the best p_c is min(c.upper, λ_U·p_p); with
 * λ_U ≥ 1 the difference grows with p_p while λ_U·p_p < c.upper and shrinks after, so the optimum
 * is at p_p = c.upper/λ_U clamped to p's box; with λ_U < 1 it only shrinks.
 */
function maxDifference({ c, p, ratio }: Region): number {
  const best = (pp: number): number => Math.min(c.upper, ratio.upper * pp) - pp;
  if (ratio.upper === Infinity) return c.upper - p.lower;
  if (ratio.upper < 1) return best(p.lower);
  return best(Math.min(p.upper, Math.max(p.lower, c.upper / ratio.upper)));
}

/** min p_c − p_p over the region (mirror image of {@link maxDifference}). */
function minDifference({ c, p, ratio }: Region): number {
  const worst = (pp: number): number => Math.max(c.lower, ratio.lower * pp) - pp;
  if (ratio.lower <= 1) return worst(p.upper);
  return worst(Math.min(p.upper, Math.max(p.lower, c.lower / ratio.lower)));
}

/** The verdict from accumulated evidence. */
export function judgeErrorEvidence(metric: string, ev: ErrorEvidence, o: CompareOptions): Judgement {
  const { ratio, ...b } = ppBounds(ev, o);
  const fail = o.tolerance === 0 ? ratio.lower > 1 - 1e-12 : b.lower > o.tolerance;
  const pass = !fail && b.upper <= o.margin;
  const j: Judgement = {
    metric,
    kind: 'errors',
    verdict: fail ? 'fail' : pass ? 'pass' : 'inconclusive',
    canary: arm(ev.canary),
    primary: arm(ev.primary),
    effect: { unit: 'pp', ...b, confidence: 1 - o.alphaFail - o.alphaPass },
    rateRatio: ratio,
    tolerance: o.tolerance,
    margin: o.margin,
    explanation: '',
    warnings: ev.warnings,
  };
  if (j.verdict === 'inconclusive') {
    const x = extrapolate({ n: ev.canary.requests, ...b, tolerance: o.tolerance, margin: o.margin });
    if (x.more !== undefined) j.moreCanaryRequests = x.more;
    if (x.detectable !== undefined) j.detectable = x.detectable;
    if (x.more !== undefined && ev.canaryRate) j.moreSeconds = x.more / ev.canaryRate;
  }
  j.explanation = explainErrors(j);
  return j;
}

function arm(c: Counts): Judgement['canary'] {
  return {
    requests: c.requests,
    errors: c.errors,
    errorRatePercent: c.requests > 0 ? (100 * c.errors) / c.requests : 0,
  };
}
