/**
 * The seeded samplers of sandbox/traffic/random.ts (shared by the traffic simulator and the judge's
 * bench): reproducible streams, and means, variances and shares over many draws with fixed seeds,
 * each within five standard errors of the distribution's own value.
 */
import { describe, expect, it } from 'vitest';
import { ENVOY_BUCKETS_MS } from '../../../sandbox/traffic/buckets.js';
import {
  lognormalCdf,
  lognormalQuantile,
  lognormalWithP99,
  seededRng,
  streamOf,
  type Rng,
} from '../../../sandbox/traffic/random.js';
import { binomialBounds, expectWithin } from '../../support/stochastic.js';

const N = 40_000;

/** Mean and (unbiased) variance of `n` draws. */
function moments(n: number, draw: () => number): { mean: number; variance: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: (sq - n * mean * mean) / (n - 1) };
}

/**
 * Asserts the sample moments of `draw` against the distribution's mean and variance: the mean
 * within 5 standard errors (σ/√N), the variance within 5 of its own (σ²·√((κ − 1)/N), κ the
 * kurtosis).
 */
function expectMoments(draw: () => number, mean: number, variance: number, kurtosis: number): void {
  const got = moments(N, draw);
  expect(Math.abs(got.mean - mean)).toBeLessThanOrEqual(5 * Math.sqrt(variance / N));
  expect(Math.abs(got.variance - variance)).toBeLessThanOrEqual(5 * variance * Math.sqrt((kurtosis - 1) / N));
}

const draws = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.next());

describe('seeded streams', () => {
  it('repeat for a seed and differ between seeds', () => {
    expect(draws(seededRng(42), 5)).toEqual(draws(seededRng(42), 5));
    expect(draws(seededRng(42), 5)).not.toEqual(draws(seededRng(43), 5));
  });

  it('give each key its own stream under a seed', () => {
    expect(draws(streamOf(1, 'outcomes:test/podinfo'), 5)).toEqual(
      draws(streamOf(1, 'outcomes:test/podinfo'), 5),
    );
    expect(draws(streamOf(1, 'outcomes:test/podinfo'), 5)).not.toEqual(
      draws(streamOf(1, 'outcomes:test/podinfo-primary'), 5),
    );
    expect(draws(streamOf(1, 'outcomes:test/podinfo'), 5)).not.toEqual(
      draws(streamOf(2, 'outcomes:test/podinfo'), 5),
    );
  });
});

describe('samplers (means and variances over 40 000 draws)', () => {
  it('uniform on [0, 1)', () => {
    const rng = seededRng(1);
    expectMoments(() => rng.next(), 0.5, 1 / 12, 1.8);
    expect(Math.min(...draws(rng, 10_000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws(rng, 10_000))).toBeLessThan(1);
  });

  it('standard normal', () => {
    const rng = seededRng(2);
    expectMoments(() => rng.normal(), 0, 1, 3);
  });

  it('exponential with rate 4', () => {
    const rng = seededRng(3);
    expectMoments(() => rng.exponential(4), 1 / 4, 1 / 16, 9);
  });

  it.each([0.003, 0.3, 0.9])('Bernoulli(%s)', (p) => {
    const rng = seededRng(4);
    let hits = 0;
    for (let i = 0; i < N; i++) if (rng.bernoulli(p)) hits++;
    expectWithin(hits, binomialBounds(N, p), 'hits');
  });

  it.each([0.2, 4, 40, 499, 2000, 1e6])('Poisson(%s): inversion up to 500, normal above', (mean) => {
    const rng = seededRng(5);
    expectMoments(() => rng.poisson(mean), mean, mean, 3 + 1 / mean);
  });

  it('Poisson draws are whole and 0 for a mean of 0 or less', () => {
    const rng = seededRng(6);
    expect(Array.from({ length: 1000 }, () => rng.poisson(3)).every(Number.isInteger)).toBe(true);
    expect([rng.poisson(0), rng.poisson(-1), rng.poisson(NaN)]).toEqual([0, 0, 0]);
  });
});

describe('lognormal latencies', () => {
  const latency = lognormalWithP99(300);

  it('take the P99 given and a median a third of it (the bench’s primary: 100 ms, 300 ms)', () => {
    expect(latency.medianMs).toBe(100);
    expect(lognormalQuantile(latency, 0.99)).toBeCloseTo(300, 9);
    expect(lognormalQuantile(latency, 0.5)).toBeCloseTo(100, 9);
    expect(lognormalCdf(latency, 300)).toBeCloseTo(0.99, 9);
    expect([lognormalCdf(latency, 0), lognormalCdf(latency, Infinity)]).toEqual([0, 1]);
  });

  it('fill Istio’s buckets in the shares of the lognormal CDF', () => {
    const rng = seededRng(7);
    const counts = ENVOY_BUCKETS_MS.map(() => 0);
    for (let i = 0; i < N; i++) {
      const ms = rng.lognormal(latency);
      ENVOY_BUCKETS_MS.forEach((le, j) => {
        if (ms <= le) counts[j]++;
      });
    }
    ENVOY_BUCKETS_MS.forEach((le, j) =>
      expectWithin(counts[j], binomialBounds(N, lognormalCdf(latency, le)), `le=${le}`),
    );
    // The tail is long: some requests take more than the P99, a few more than twice it.
    expect(counts[ENVOY_BUCKETS_MS.indexOf(250)]).toBeLessThan(N * 0.99);
    expect(N - counts[ENVOY_BUCKETS_MS.indexOf(500)]).toBeGreaterThan(0);
  });

  it('have the moments of a lognormal', () => {
    const rng = seededRng(8);
    const { medianMs: m, sigma: s } = latency;
    const mean = m * Math.exp((s * s) / 2);
    const variance = (Math.exp(s * s) - 1) * m * m * Math.exp(s * s);
    const kurtosis = Math.exp(4 * s * s) + 2 * Math.exp(3 * s * s) + 3 * Math.exp(2 * s * s) - 3;
    expectMoments(() => rng.lognormal(latency), mean, variance, kurtosis);
  });
});
