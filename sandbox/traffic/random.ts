/**
 * Seeded randomness for the sandbox's traffic simulator and the judge's bench (test/bench/quality):
 * a pseudo-random generator (xoshiro128**, seeded through splitmix32), the samplers both need and
 * the lognormal latency model. Deterministic: the same seed gives the same draws on every machine.
 */
import { pnorm, qnorm } from '../../lib/domain/judge/special.js';

/** Uniform, normal, exponential, Bernoulli, Poisson and lognormal draws from one seeded stream. */
export interface Rng {
  /** Uniform in [0, 1), 53 bits. */
  next(): number;
  /** Standard normal (Marsaglia's polar method; draws come in pairs). */
  normal(): number;
  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number;
  /** true with probability p. */
  bernoulli(p: number): boolean;
  /** Poisson with the given mean (inversion up to a mean of 500, normal approximation above). */
  poisson(mean: number): number;
  /** A latency from `l`, ms. */
  lognormal(l: Lognormal): number;
}

/** Above this mean a Poisson draw is normal: inversion would take about `mean` steps. */
const POISSON_INVERSION_MAX = 500;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator for `seed` (any 32-bit integer). */
export function seededRng(seed: number): Rng {
  const init = splitmix32(seed);
  const s = new Uint32Array([init(), init(), init(), init()]);
  const u32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const next = (): number => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    let u: number;
    let v: number;
    let q: number;
    do {
      u = 2 * next() - 1;
      v = 2 * next() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    spare = v * f;
    return u * f;
  };
  const poisson = (mean: number): number => {
    if (!(mean > 0)) return 0;
    if (mean > POISSON_INVERSION_MAX) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
    let k = 0;
    let p = Math.exp(-mean);
    let cdf = p;
    const u = next();
    while (u > cdf && k < 10_000) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  };
  return {
    next,
    normal,
    exponential: (rate) => -Math.log(1 - next()) / rate,
    bernoulli: (p) => next() < p,
    poisson,
    lognormal: (l) => l.medianMs * Math.exp(l.sigma * normal()),
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * An independent stream for one `key` (a workload, an app) under `seed`: the draws of one key do
 * not depend on how many draws the others took, so adding an app or a request to one version
 * leaves the outcomes of the others as they were.
 */
export function streamOf(seed: number, key: string): Rng {
  let h = 0x811c9dc5; // FNV-1a over the key's UTF-16 code units
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return seededRng((h ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}

/** A lognormal latency distribution: its median and the standard deviation of ln(latency). */
export interface Lognormal {
  /** Median, ms. */
  medianMs: number;
  sigma: number;
}

/**
 * P99 over median of the latencies the simulator draws: the bench's primary answers with a median
 * of 100 ms and a P99 of 300 ms.
 */
const P99_OVER_MEDIAN = 3;

/** The lognormal with the given 99th percentile and a median a third of it. */
export function lognormalWithP99(p99Ms: number): Lognormal {
  return { medianMs: p99Ms / P99_OVER_MEDIAN, sigma: Math.log(P99_OVER_MEDIAN) / qnorm(0.99) };
}

/** The `q` quantile of `l`, ms. */
export function lognormalQuantile(l: Lognormal, q: number): number {
  return l.medianMs * Math.exp(l.sigma * qnorm(q));
}

/** P(latency ≤ ms) under `l`; 1 at +Infinity. */
export function lognormalCdf(l: Lognormal, ms: number): number {
  if (ms === Infinity) return 1;
  return ms > 0 ? pnorm(Math.log(ms / l.medianMs) / l.sigma) : 0;
}
