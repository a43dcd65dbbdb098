/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) and the samplers the
 * release simulator needs. Deterministic: the same seed gives the same releases on every machine.
 * (The sandbox's traffic simulator can adopt this file when it gets stochastic traffic.)
 */

/** Uniform, normal, exponential and Bernoulli draws from one seeded stream. */
export interface Rng {
  /** Uniform in [0, 1), 53 bits. */
  next(): number;
  /** Standard normal. */
  normal(): number;
  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number;
  /** true with probability p. */
  bernoulli(p: number): boolean;
  /** Poisson with the given mean (inversion for small means, normal approximation above 500). */
  poisson(mean: number): number;
}

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
    if (mean <= 0) return 0;
    if (mean > 500) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
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
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
