/**
 * The replay use case (lib/app/replay.ts) with in-memory fakes: which range queries it runs over
 * which window, how a matrix becomes each step's outcome (as an instant query at that step would
 * have answered), and how counters become the judge's readings.
 */
import { describe, expect, it } from 'vitest';
import { outcomesByInstant, replayRelease, type ReplayDeps } from '../../../lib/app/replay.js';
import { ValidationError } from '../../../lib/app/errors.js';
import type { QueryRange, RangeResult, RangeSeries } from '../../../lib/ports/metrics.js';
import { aCanary, MINUTE, T0, type CanaryOverrides } from '../../support/builders.js';
import { FakeMetrics, FakeResolver } from '../../support/fakes/checks.js';

/** One series sampled at every step of `range`, valued `f(k)` at step k (undefined: no point). */
function series(range: QueryRange, f: (k: number) => number | undefined, labels = {}): RangeSeries {
  const points: [number, number][] = [];
  for (let t = range.start, k = 0; t <= range.end; t += range.stepSeconds * 1000, k++) {
    const v = f(k);
    if (v !== undefined) points.push([t, v]);
  }
  return { labels, points };
}

function world(answer: (q: string, range: QueryRange) => RangeResult) {
  const metrics = new FakeMetrics();
  metrics.answerRange = answer;
  const deps: ReplayDeps = { metrics, resolver: new FakeResolver() };
  return { metrics, deps };
}

describe('replayRelease', () => {
  it('runs one range query per check over the steps of the window (its end rounded down to a step)', async () => {
    const { metrics, deps } = world((q, range) => ({
      kind: 'series',
      series: [series(range, () => (q.startsWith('request-success-rate') ? 99.9 : 120))],
    }));
    const r = await replayRelease(
      deps,
      {
        canary: aCanary(),
        provider: 'istio',
        from: T0,
        to: T0 + 2 * MINUTE + 59_000,
        cluster: { name: 'prod', labels: { c: 'p' } },
      },
      AbortSignal.timeout(1000),
    );
    const window = { start: T0, end: T0 + 2 * MINUTE, stepSeconds: 60 };
    const ranges = metrics.calls.args('queryRange');
    expect(ranges.filter(([q]) => !String(q).startsWith('requests{'))).toEqual([
      ['request-success-rate{c="p"}', window],
      ['request-duration{c="p"}', window],
    ]);
    expect(r.window).toEqual(window);
    expect(r.steps.map((s) => s.action)).toEqual(['start', 'advance', 'advance']);
    expect(r.steps[1].checks.map((c) => [c.value, c.query])).toEqual([
      [99.9, 'request-success-rate{c="p"}'],
      [120, 'request-duration{c="p"}'],
    ]);
  });

  it('feeds the judge cumulative counts; a canary without series yet has served nothing', async () => {
    const { deps } = world((q, range) => {
      const canary = !q.includes('primary');
      const per = canary ? 100 : 900;
      const errors = canary ? 0.2 : 0.005;
      const base = canary ? 0 : 1000;
      const v = (k: number) =>
        canary && k === 0 ? undefined : base + k * per * (q.startsWith('requests') ? 1 : 1 - errors);
      return { kind: 'series', series: q.startsWith('buckets') ? [] : [series(range, v)] };
    });
    const canary = aCanary({
      metrics: [{ name: 'request-success-rate', interval: '1m', compare: {} } as never],
    } as CanaryOverrides);
    const r = await replayRelease(
      deps,
      { canary, provider: 'istio', from: T0, to: T0 + 3 * MINUTE },
      AbortSignal.timeout(1000),
    );
    expect(r.steps[1].judgements[0]).toMatchObject({
      verdict: 'fail',
      canary: { requests: 100, errors: 20 },
      primary: { requests: 900 },
    });
    expect(r.outcome).toMatchObject({ kind: 'rolledBack', at: T0 + MINUTE });
    expect(r.queries['judge request-success-rate canary ok']).toBe('ok{workload="podinfo"}');
  });

  it('says once per metric and reason when the judge had no reading', async () => {
    const { deps } = world((q) =>
      q.startsWith('buckets') ? { kind: 'error', message: 'HTTP 503' } : { kind: 'series', series: [] },
    );
    const canary = aCanary({
      metrics: [{ name: 'request-duration', interval: '1m', compare: {} } as never],
    } as CanaryOverrides);
    const r = await replayRelease(
      deps,
      { canary, provider: 'istio', from: T0, to: T0 + 2 * MINUTE },
      AbortSignal.timeout(1000),
    );
    expect(r.steps.map((s) => s.judgements.map((j) => j.verdict))).toEqual([
      [],
      ['inconclusive'],
      ['inconclusive'],
    ]);
    expect(r.warnings).toEqual([
      `request-duration: no judge reading at 3 step(s) from ${new Date(T0).toISOString()}: canary podinfo latency buckets: HTTP 503`,
    ]);
  });

  it.each([
    { name: 'the window ends before it starts', from: T0, to: T0 - 1, want: /ends before it starts/ },
    {
      name: 'more steps than Prometheus answers',
      from: T0,
      to: T0 + 11_000 * MINUTE,
      want: /at most 11000 points/,
    },
  ])('refuses a window where $name', async ({ from, to, want }) => {
    const { deps } = world(() => ({ kind: 'series', series: [] }));
    const p = replayRelease(
      deps,
      { canary: aCanary(), provider: 'istio', from, to },
      AbortSignal.timeout(1000),
    );
    await expect(p).rejects.toThrow(ValidationError);
    await expect(p).rejects.toThrow(want);
  });
});

describe('outcomesByInstant: what an instant query at each step would have answered', () => {
  const at = [1000, 2000];
  it.each([
    {
      name: 'one series',
      r: { kind: 'series', series: [{ labels: {}, points: [[1000, 5]] }] },
      want: { kind: 'value', value: 5 },
    },
    {
      name: 'no point at the step',
      r: { kind: 'series', series: [{ labels: {}, points: [[2000, 5]] }] },
      want: { kind: 'noData' },
    },
    {
      name: 'NaN',
      r: { kind: 'series', series: [{ labels: {}, points: [[1000, NaN]] }] },
      want: { kind: 'noData', message: 'no values found (value is NaN)' },
    },
    {
      name: '+Inf',
      r: { kind: 'series', series: [{ labels: {}, points: [[1000, Infinity]] }] },
      want: { kind: 'noData', message: 'no values found (value is +Inf)' },
    },
    {
      name: 'several series',
      r: {
        kind: 'series',
        series: [
          { labels: { a: '1' }, points: [[1000, 1]] },
          { labels: { a: '2' }, points: [[1000, 2]] },
        ],
      },
      want: {
        kind: 'error',
        message: 'query returned 2 series; a check needs exactly one (aggregate with sum/avg)',
      },
    },
    {
      name: 'a failed query',
      r: { kind: 'error', message: 'HTTP 500' },
      want: { kind: 'error', message: 'HTTP 500' },
    },
  ] as { name: string; r: RangeResult; want: object }[])('$name', ({ r, want }) => {
    expect(outcomesByInstant(r, at)(1000)).toMatchObject(want);
  });
});
