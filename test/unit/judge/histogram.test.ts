/** Bucketed histograms: Prometheus' histogram_quantile semantics, bins, the judge's interpolated CDF. */
import { describe, expect, it } from 'vitest';
import {
  binCounts,
  fromBins,
  histogramProblem,
  histogramQuantile,
  interpolateCdf,
  total,
  type Histogram,
} from '../../../lib/domain/judge/histogram.js';

const h: Histogram = [
  { le: 100, count: 10 },
  { le: 250, count: 90 },
  { le: 500, count: 99 },
  { le: Infinity, count: 100 },
];

describe('histogramQuantile (Prometheus semantics)', () => {
  it.each([
    { q: 0.05, want: 50, why: 'first bucket interpolates from 0' },
    { q: 0.5, want: 175, why: '100 + 150·40/80' },
    { q: 0.99, want: 500, why: 'rank 99 is the top of (250, 500]' },
    { q: 0.995, want: 500, why: 'rank in +Inf: the highest finite bound' },
    { q: 0, want: 0, why: 'rank 0 sits at the start of the first bucket' },
  ])('q=$q → $want ($why)', ({ q, want }) => {
    expect(histogramQuantile(q, h)).toBeCloseTo(want, 9);
  });

  it('NaN without observations, ±Inf outside [0, 1]', () => {
    expect(
      histogramQuantile(
        0.5,
        h.map((b) => ({ ...b, count: 0 })),
      ),
    ).toBeNaN();
    expect(histogramQuantile(-0.1, h)).toBe(-Infinity);
    expect(histogramQuantile(1.1, h)).toBe(Infinity);
  });

  it('makes decreasing counts monotone before interpolating', () => {
    const racy: Histogram = [
      { le: 1, count: 5 },
      { le: 2, count: 4 },
      { le: Infinity, count: 10 },
    ];
    expect(binCounts(racy)).toEqual([5, 0, 5]);
    expect(histogramQuantile(0.5, racy)).toBe(1);
  });
});

describe('bins and layout', () => {
  it('binCounts and fromBins round-trip', () => {
    expect(binCounts(h)).toEqual([10, 80, 9, 1]);
    expect(fromBins([100, 250, 500], [10, 80, 9, 1])).toEqual(h);
    expect(total(h)).toBe(100);
  });

  it.each([
    { name: 'too few buckets', h: [{ le: Infinity, count: 1 }], want: /at least 2/ },
    {
      name: 'no +Inf',
      h: [
        { le: 1, count: 1 },
        { le: 2, count: 2 },
      ],
      want: /\+Inf/,
    },
    {
      name: 'bounds not increasing',
      h: [
        { le: 2, count: 1 },
        { le: 1, count: 2 },
        { le: Infinity, count: 3 },
      ],
      want: /increase/,
    },
    {
      name: 'negative count',
      h: [
        { le: 1, count: -1 },
        { le: Infinity, count: 2 },
      ],
      want: /invalid count/,
    },
  ])('rejects: $name', ({ h: bad, want }) => {
    expect(histogramProblem(bad)).toMatch(want);
  });

  it('accepts a well-formed histogram', () => {
    expect(histogramProblem(h)).toBeUndefined();
  });
});

describe('interpolateCdf (log-linear inside buckets)', () => {
  const bounds = [10, 100];
  const cdf = [0.2, 0.8];
  it.each([
    { x: Math.sqrt(1000), want: 0.5, why: 'the log-midpoint of (10, 100] is half-way' },
    { x: 5, want: 0.1, why: 'the first bucket is linear from 0' },
    { x: 100, want: 0.8, why: 'at a bound' },
    { x: 1000, want: 0.8, why: 'flat beyond the last finite bound' },
    { x: 0, want: 0, why: 'nothing at or below 0' },
  ])('F($x) = $want ($why)', ({ x, want }) => {
    expect(interpolateCdf(bounds, cdf, x)).toBeCloseTo(want, 12);
  });
});
