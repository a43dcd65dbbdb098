/** The latency judge: verdicts on deterministic bucketed data, and what bucketed data cannot show. */
import { describe, expect, it } from 'vitest';
import {
  addLatencySnapshot,
  emptyLatencyEvidence,
  judgeLatency,
  judgeLatencyEvidence,
} from '../../../lib/domain/judge/latency.js';
import { referenceCdf, shiftInformation } from '../../../lib/domain/judge/latency-model.js';
import { BOUNDS, histogramSnapshots, latencyOptions, lognormalBins, repeat } from './fixtures.js';

const SIGMA = Math.log(3) / 2.3263478740408399; // P99 = 3 × median

describe('judgeLatency verdicts', () => {
  it('fails a canary 1.5× slower than the primary', () => {
    const canary = lognormalBins(2000, 150, SIGMA);
    const steps = repeat(5, { canary, primary: lognormalBins(4000, 100, SIGMA) });
    const j = judgeLatency('request-duration', histogramSnapshots(steps), latencyOptions);
    const n = 5 * canary.reduce((s, x) => s + x, 0);
    expect(j).toMatchObject({
      verdict: 'fail',
      kind: 'latency',
      canary: { requests: n },
      primary: { requests: 20000 },
    });
    expect(j.effect.unit).toBe('ratio');
    expect(j.effect.estimate).toBeGreaterThan(1.4);
    expect(j.effect.estimate).toBeLessThan(1.6);
    expect(j.effect.lower).toBeGreaterThan(1.3);
    expect(j.canary.p50Ms).toBeGreaterThan(j.primary.p50Ms!);
    expect(j.explanation).toMatch(
      /^request-duration: fail — canary P50\/P99 \d+ ms\/\d+ ms over 10,005 requests vs primary \d+ ms\/\d+ ms over 20,000; the canary is slower by a factor above 1\.\d+× \(\+\d+%\)/,
    );
  });

  it('passes a canary with the same distribution once the bound is inside the margin', () => {
    const steps = repeat(6, {
      canary: lognormalBins(1000, 100, SIGMA),
      primary: lognormalBins(1000, 100, SIGMA),
    });
    const j = judgeLatency('request-duration', histogramSnapshots(steps), latencyOptions);
    expect(j.verdict).toBe('pass');
    expect(j.effect.estimate).toBeCloseTo(1, 6);
    expect(j.effect.upper).toBeLessThanOrEqual(1.2);
    expect(j.explanation).toMatch(
      /pass — .*at most 1\.\d+× \(\+\d+%\) the primary's latency at 98\.5% confidence/,
    );
  });

  it('is inconclusive on a few requests, with an extrapolation', () => {
    const steps = repeat(2, {
      canary: lognormalBins(20, 110, SIGMA),
      primary: lognormalBins(180, 100, SIGMA),
    });
    const j = judgeLatency('request-duration', histogramSnapshots(steps), latencyOptions);
    expect(j.verdict).toBe('inconclusive');
    expect(j.moreCanaryRequests).toBeGreaterThan(40);
    expect(j.moreSeconds).toBeGreaterThan(0);
    expect(j.explanation).toMatch(
      /inconclusive — .*more canary requests .* should tell a 1\.2× \(\+20%\) slowdown from none/,
    );
  });

  it('a slowdown confined to one bucket is invisible: identical bucket counts, a (wrong) pass', () => {
    // Every request of both versions lies in (250, 500] ms: the primary around 300 ms, the canary
    // around 400 ms (33 % slower). The buckets cannot tell them apart, so neither can the judge —
    // nor any judge of bucketed data. docs/analysis.md states this limit.
    const primary = lognormalBins(3000, 300, 0.05);
    const canary = lognormalBins(3000, 400, 0.05);
    expect(canary).toEqual(primary);
    const j = judgeLatency(
      'request-duration',
      histogramSnapshots(repeat(10, { canary, primary })),
      latencyOptions,
    );
    expect(j.effect.estimate).toBe(1);
    expect(j.verdict).toBe('pass');
  });

  it('the bucketed primary carries less information about a shift when it sits in fewer buckets', () => {
    const wide = shiftInformation(BOUNDS, referenceCdf(lognormalBins(3000, 100, 0.8)));
    const usual = shiftInformation(BOUNDS, referenceCdf(lognormalBins(3000, 100, SIGMA)));
    // Continuous lognormal data would give 1/σ² per request: 1.56 and 4.5.
    expect(wide).toBeGreaterThan(1);
    expect(wide).toBeLessThan(1 / 0.8 ** 2);
    expect(usual).toBeLessThan(1 / SIGMA ** 2);
  });
});

describe('judgeLatency data handling', () => {
  it('accumulating step by step equals judging all snapshots at once; evidence is JSON', () => {
    const snaps = histogramSnapshots([
      { canary: lognormalBins(100, 110, SIGMA), primary: lognormalBins(900, 100, SIGMA) },
      { canary: lognormalBins(200, 120, SIGMA), primary: lognormalBins(800, 100, SIGMA) },
    ]);
    const folded = snaps.reduce(addLatencySnapshot, emptyLatencyEvidence());
    expect(judgeLatencyEvidence('l', folded, latencyOptions)).toEqual(
      judgeLatency('l', snaps, latencyOptions),
    );
    expect(JSON.parse(JSON.stringify(folded, (_k, v) => (v === Infinity ? 'Infinity' : v)))).toBeTruthy();
  });

  it('ignores a step whose buckets differ between canary and primary, with a warning', () => {
    const [snap] = histogramSnapshots([
      { canary: lognormalBins(100, 100, SIGMA), primary: lognormalBins(100, 100, SIGMA) },
    ]);
    const bad = { ...snap, primary: snap.primary.filter((b) => b.le !== 0.5) };
    const j = judgeLatency('l', [bad], latencyOptions);
    expect(j.warnings).toEqual(['canary and primary histograms have different buckets; step ignored']);
    expect(j.canary.requests).toBe(0);
  });

  it('no canary traffic yet is inconclusive, not a failure', () => {
    const j = judgeLatency(
      'l',
      histogramSnapshots(
        repeat(3, { canary: new Array<number>(20).fill(0), primary: lognormalBins(500, 100, SIGMA) }),
      ),
      latencyOptions,
    );
    expect(j.verdict).toBe('inconclusive');
    expect(j.explanation).toMatch(/no requests yet/);
  });
});
