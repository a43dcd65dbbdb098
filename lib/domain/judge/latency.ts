/**
 * The sequential judge of latency: canary vs primary from the histogram **buckets** of both.
 *
 * Model (the multinomial construction of Lindon & Malek 2022, and the stochastic-order view of
 * Lindon, Sanden & Shirikian 2022): in interval k the canary served a share s_k of the requests.
 * A request that landed in bucket j came from the canary with probability
 *
 *   π_kj(θ) = s_k·f_j(θ) / (s_k·f_j(θ) + (1 − s_k)·f_j(1))
 *
 * where f_j(θ) is the probability of bucket j under the reference distribution slowed down by θ
 * (latency-model.ts). At θ = 1 ("no slower") π = s_k for every bucket, whatever the distribution:
 * the fail test needs no model of the latencies at all. Other values of θ use the reference
 * (the primary's buckets of earlier intervals plus this interval's totals, both of which the test
 * may condition on), so bounds away from 1 — and hence the pass test — rest on the shift model.
 * The log-likelihood ℓ(ln θ) sums Bernoulli terms over buckets and intervals; the mixture
 * e-processes of eprocess.ts turn it into anytime-valid bounds on θ. Pure; the evidence can be
 * accumulated step by step (`addLatencySnapshot`).
 */
import { halfNormalLogWeights, makeGrid, mixtureBounds } from './eprocess.js';
import { explainLatency } from './explain.js';
import { extrapolate } from './extrapolate.js';
import {
  binCounts,
  finiteBounds,
  fromBins,
  histogramProblem,
  histogramQuantile,
  sameLayout,
} from './histogram.js';
import { binProbabilities, evalSmoothCdf, referenceCdf, smoothCdf } from './latency-model.js';
import type { CompareOptions, HistogramSnapshot, Judgement } from './types.js';

/** The grid of η = ln θ: factors from e^−1 ≈ 0.37 to e^1.4 ≈ 4, in steps of 2 %. */
const LATENCY_GRID = makeGrid(-1, 1.4, 0.02);
const PI_FLOOR = 1e-9;

/** Everything the judge keeps between steps: JSON-serialisable. */
export interface LatencyEvidence {
  /** ℓ(η) on {@link LATENCY_GRID}, up to a constant. */
  loglik: number[];
  /** Finite bucket bounds (ms), fixed by the first usable snapshot. */
  bounds: number[];
  /** Per-bin sums of the (clamped) increments seen so far. */
  canaryBins: number[];
  primaryBins: number[];
  last?: HistogramSnapshot;
  canaryRate?: number;
  warnings: string[];
}

/** Evidence before the first snapshot. */
export function emptyLatencyEvidence(): LatencyEvidence {
  return {
    loglik: new Array<number>(LATENCY_GRID.size).fill(0),
    bounds: [],
    canaryBins: [],
    primaryBins: [],
    warnings: [],
  };
}

/** Why a snapshot cannot be used, if it cannot. */
function snapshotProblem(ev: LatencyEvidence, snap: HistogramSnapshot): string | undefined {
  const bad = histogramProblem(snap.canary) ?? histogramProblem(snap.primary);
  if (bad) return `latency histogram ignored: ${bad}`;
  if (!sameLayout(snap.canary, snap.primary))
    return 'canary and primary histograms have different buckets; step ignored';
  if (ev.bounds.length > 0 && finiteBounds(snap.canary).join() !== ev.bounds.join())
    return 'histogram buckets changed during the analysis; step ignored';
  return undefined;
}

function diff(
  now: readonly number[],
  prev: readonly number[] | undefined,
  who: string,
  warnings: string[],
): number[] {
  const out = now.map((n, j) => n - (prev?.[j] ?? 0));
  if (out.some((d) => d < 0)) {
    warnings.push(
      `${who} bucket counts went down between two steps (counter reset?); negative changes ignored`,
    );
  }
  return out.map((d) => Math.max(0, Math.round(d)));
}

/** Adds one cumulative snapshot (the next step's); returns new evidence. */
export function addLatencySnapshot(ev: LatencyEvidence, snap: HistogramSnapshot): LatencyEvidence {
  const problem = snapshotProblem(ev, snap);
  if (problem) return { ...ev, warnings: [...ev.warnings, problem] };
  const warnings = [...ev.warnings];
  const bounds = ev.bounds.length > 0 ? ev.bounds : finiteBounds(snap.canary);
  const c = diff(binCounts(snap.canary), ev.last && binCounts(ev.last.canary), 'canary', warnings);
  const p = diff(binCounts(snap.primary), ev.last && binCounts(ev.last.primary), 'primary', warnings);
  const primaryBefore = ev.primaryBins.length > 0 ? ev.primaryBins : p.map(() => 0);
  const loglik = accumulate(ev.loglik, bounds, c, p, primaryBefore);
  const next: LatencyEvidence = {
    loglik,
    bounds,
    canaryBins: c.map((n, j) => n + (ev.canaryBins[j] ?? 0)),
    primaryBins: p.map((n, j) => n + primaryBefore[j]),
    last: snap,
    warnings,
  };
  const dt = snap.at !== undefined && ev.last?.at !== undefined ? (snap.at - ev.last.at) / 1000 : 0;
  const nc = c.reduce((s, n) => s + n, 0);
  if (dt > 0) next.canaryRate = nc / dt;
  else if (ev.canaryRate !== undefined) next.canaryRate = ev.canaryRate;
  return next;
}

/** ℓ plus one interval's Bernoulli terms (see the module comment). */
function accumulate(
  prev: readonly number[],
  bounds: readonly number[],
  c: readonly number[],
  p: readonly number[],
  primaryBefore: readonly number[],
): number[] {
  const loglik = [...prev];
  const nc = c.reduce((s, n) => s + n, 0);
  const np = p.reduce((s, n) => s + n, 0);
  if (nc === 0 || np === 0) return loglik;
  const s = nc / (nc + np);
  const cdf = referenceCdf(primaryBefore.map((n, j) => n + c[j] + p[j]));
  const smooth = smoothCdf(bounds, cdf);
  const base = binProbabilities(cdf);
  const used = c.map((_, j) => j).filter((j) => c[j] + p[j] > 0);
  const last = bounds.length;
  const shiftedCdf = new Float64Array(last);
  const zero = Math.round(-LATENCY_GRID.min / LATENCY_GRID.step);
  for (let i = 0; i < LATENCY_GRID.size; i++) {
    let sum = 0;
    if (i === zero) {
      for (const j of used) sum += c[j] * Math.log(s) + p[j] * Math.log1p(-s);
    } else {
      const theta = Math.exp(LATENCY_GRID.min + i * LATENCY_GRID.step);
      for (const j of used) {
        if (j < last) shiftedCdf[j] = evalSmoothCdf(smooth, bounds[j] / theta);
        if (j > 0) shiftedCdf[j - 1] = evalSmoothCdf(smooth, bounds[j - 1] / theta);
      }
      for (const j of used) {
        const f = (j < last ? shiftedCdf[j] : 1) - (j > 0 ? shiftedCdf[j - 1] : 0);
        const a = s * f;
        const denom = a + (1 - s) * base[j];
        const pi = denom > 0 ? Math.min(1 - PI_FLOOR, Math.max(PI_FLOOR, a / denom)) : s;
        sum += c[j] * Math.log(pi) + p[j] * Math.log1p(-pi);
      }
    }
    loglik[i] += sum;
  }
  return loglik;
}

/** Judges cumulative snapshots (one per step, oldest first). */
export function judgeLatency(
  metric: string,
  snapshots: readonly HistogramSnapshot[],
  o: CompareOptions,
): Judgement {
  return judgeLatencyEvidence(metric, snapshots.reduce(addLatencySnapshot, emptyLatencyEvidence()), o);
}

const weightsByTau = new Map<number, number[]>();

/** Mixture weights scaled to the margin: slowdowns of about the margin's size carry most weight. */
function logWeights(margin: number): number[] {
  const tau = Math.min(1, Math.max(0.05, Math.log(margin)));
  let w = weightsByTau.get(tau);
  if (!w) weightsByTau.set(tau, (w = halfNormalLogWeights(LATENCY_GRID.step, tau)));
  return w;
}

/** The verdict from accumulated evidence. */
export function judgeLatencyEvidence(metric: string, ev: LatencyEvidence, o: CompareOptions): Judgement {
  const b = mixtureBounds(ev.loglik, LATENCY_GRID, logWeights(o.margin), o.alphaFail, o.alphaPass);
  const tol = Math.log(o.tolerance);
  const mar = Math.log(o.margin);
  const fail = b.lower >= tol - 1e-9;
  const pass = !fail && b.upper <= mar + 1e-9;
  const j: Judgement = {
    metric,
    kind: 'latency',
    verdict: fail ? 'fail' : pass ? 'pass' : 'inconclusive',
    canary: arm(ev.bounds, ev.canaryBins),
    primary: arm(ev.bounds, ev.primaryBins),
    effect: {
      unit: 'ratio',
      estimate: Math.exp(b.estimate),
      lower: Math.exp(b.lower),
      upper: Math.exp(b.upper),
      confidence: 1 - o.alphaFail - o.alphaPass,
    },
    tolerance: o.tolerance,
    margin: o.margin,
    explanation: '',
    warnings: ev.warnings,
  };
  if (j.verdict === 'inconclusive') {
    const n = ev.canaryBins.reduce((s, x) => s + x, 0);
    const x = extrapolate({
      n,
      estimate: b.estimate,
      lower: b.lower,
      upper: b.upper,
      tolerance: tol,
      margin: mar,
    });
    if (x.more !== undefined) j.moreCanaryRequests = x.more;
    if (x.detectable !== undefined) j.detectable = Math.exp(x.detectable);
    if (x.more !== undefined && ev.canaryRate) j.moreSeconds = x.more / ev.canaryRate;
  }
  j.explanation = explainLatency(j);
  return j;
}

function arm(bounds: readonly number[], bins: readonly number[]): Judgement['canary'] {
  const requests = bins.reduce((s, x) => s + x, 0);
  if (requests === 0 || bounds.length === 0) return { requests };
  const h = fromBins(bounds, bins);
  return {
    requests,
    p50Ms: histogramQuantile(0.5, h),
    p90Ms: histogramQuantile(0.9, h),
    p99Ms: histogramQuantile(0.99, h),
  };
}
