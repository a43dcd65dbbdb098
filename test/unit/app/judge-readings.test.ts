/**
 * readJudgeReadings with in-memory port fakes: the resolver's queries (`requests{workload="…"}`,
 * `ok{…}`, `buckets{…}`) answered from a table of vectors.
 */
import { describe, expect, it } from 'vitest';

import { readJudgeReadings } from '../../../lib/app/judge-readings.js';
import type {
  CheckContext,
  JudgeComparison,
  JudgeSideQueries,
  MetricsProvider,
  QueryResult,
  VectorResult,
  WorkloadSide,
} from '../../../lib/ports/metrics.js';
import { FakeResolver, noRangeQueries } from '../../support/fakes/checks.js';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const context: CheckContext = {
  name: 'podinfo',
  namespace: 'test',
  target: 'podinfo',
  service: 'podinfo',
  provider: 'istio',
};
const errors: JudgeComparison = { name: 'request-success-rate', kind: 'errors' };
const latency: JudgeComparison = { name: 'request-duration', kind: 'latency' };

const C = '{workload="podinfo"}';
const P = '{workload="podinfo-primary"}';

const sum = (value: number): VectorResult => ({ kind: 'vector', samples: [{ labels: {}, value }] });
const none: VectorResult = { kind: 'vector', samples: [] };
const buckets = (...pairs: [string, number][]): VectorResult => ({
  kind: 'vector',
  samples: pairs.map(([le, value]) => ({ labels: { le }, value })),
});

/** A metrics server answering vector queries from `table` (unknown queries are empty vectors). */
class TableMetrics implements MetricsProvider {
  readonly events: string[] = [];
  constructor(private readonly table: Record<string, VectorResult>) {}

  query(): Promise<QueryResult> {
    return Promise.resolve({ kind: 'error', message: 'not used' });
  }

  queryRange = noRangeQueries;

  async queryVector(q: string, signal: AbortSignal): Promise<VectorResult> {
    this.events.push(`start ${q}`);
    // Let every other query of the reading start before this one answers.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) throw signal.reason;
    this.events.push(`end ${q}`);
    return this.table[q] ?? none;
  }

  isOnline(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

/** The shared fake resolver, with the latency scale of a seconds histogram when `scale` says so. */
class ScaledResolver extends FakeResolver {
  constructor(private readonly scale: number) {
    super();
  }
  override judgeQueries(
    c: Pick<JudgeComparison, 'kind'>,
    canary: CheckContext,
    side: WorkloadSide,
  ): JudgeSideQueries {
    const q = super.judgeQueries(c, canary, side);
    return q.kind === 'latency' ? { ...q, scale: this.scale } : q;
  }
}

function read(
  table: Record<string, VectorResult>,
  comparisons: readonly JudgeComparison[],
  resolver = new FakeResolver(),
  signal = new AbortController().signal,
) {
  const metrics = new TableMetrics(table);
  const deps = { resolver, metricsFor: () => metrics };
  return { metrics, readings: readJudgeReadings(deps, context, comparisons, NOW, signal) };
}

describe('readJudgeReadings: errors', () => {
  it.each([
    {
      name: 'requests and errors (requests − ok) of both sides, stamped with now',
      table: {
        [`requests${C}`]: sum(100),
        [`ok${C}`]: sum(96),
        [`requests${P}`]: sum(1000),
        [`ok${P}`]: sum(1000),
      },
      want: { canary: { requests: 100, errors: 4 }, primary: { requests: 1000, errors: 0 } },
    },
    {
      name: 'a fresh canary without series yet has zero counts',
      table: { [`requests${P}`]: sum(250), [`ok${P}`]: sum(245) },
      want: { canary: { requests: 0, errors: 0 }, primary: { requests: 250, errors: 5 } },
    },
    {
      name: 'no 5xx series yet: ok equals requests',
      table: { [`requests${C}`]: sum(7), [`ok${C}`]: sum(7), [`requests${P}`]: sum(9), [`ok${P}`]: sum(9) },
      want: { canary: { requests: 7, errors: 0 }, primary: { requests: 9, errors: 0 } },
    },
    {
      name: 'ok ahead of requests (scraped between the two queries) clamps errors at 0',
      table: { [`requests${C}`]: sum(10), [`ok${C}`]: sum(12), [`requests${P}`]: sum(3), [`ok${P}`]: sum(1) },
      want: { canary: { requests: 10, errors: 0 }, primary: { requests: 3, errors: 2 } },
    },
  ] as { name: string; table: Record<string, VectorResult>; want: object }[])(
    '$name',
    async ({ table, want }) => {
      const { readings } = read(table, [errors]);
      expect(await readings).toEqual({
        'request-success-rate': { kind: 'errors', snapshot: { at: NOW, ...want } },
      });
    },
  );

  it('starts the four queries of a reading before any answers (both sides at the same instant)', async () => {
    const { metrics, readings } = read({}, [errors]);
    await readings;
    expect(metrics.events.slice(0, 4).every((e) => e.startsWith('start '))).toBe(true);
    expect(metrics.events.slice(0, 4).sort()).toEqual(
      [`start ok${C}`, `start ok${P}`, `start requests${C}`, `start requests${P}`].sort(),
    );
  });

  it.each([
    {
      name: 'a query error names the side, the counter and the error',
      table: { [`ok${P}`]: { kind: 'error', message: 'Prometheus http://prom:9090 query failed: HTTP 503' } },
      message:
        'primary podinfo-primary successful requests: Prometheus http://prom:9090 query failed: HTTP 503',
    },
    {
      name: 'a value that is not a count',
      table: { [`requests${C}`]: sum(NaN) },
      message: 'canary podinfo requests: NaN is not a count',
    },
    {
      name: 'a negative count',
      table: { [`requests${C}`]: sum(-1) },
      message: 'canary podinfo requests: -1 is not a count',
    },
  ] as { name: string; table: Record<string, VectorResult>; message: string }[])(
    'unavailable: $name',
    async ({ table, message }) => {
      const { readings } = read(table, [errors]);
      expect(await readings).toEqual({ 'request-success-rate': { kind: 'unavailable', message } });
    },
  );
});

const LAYOUT = [
  ['0.5', 0],
  ['25', 8],
  ['500', 9],
  ['+Inf', 10],
] as [string, number][];

describe('readJudgeReadings: latency', () => {
  it('parses le (+Inf included) into buckets sorted by bound', async () => {
    const table = {
      [`buckets${C}`]: buckets(['+Inf', 10], ['25', 8], ['0.5', 0], ['500', 9]),
      [`buckets${P}`]: buckets(['500', 40], ['+Inf', 40], ['0.5', 1], ['25', 30]),
    };
    expect(await read(table, [latency]).readings).toEqual({
      'request-duration': {
        kind: 'latency',
        snapshot: {
          at: NOW,
          canary: [
            { le: 0.5, count: 0 },
            { le: 25, count: 8 },
            { le: 500, count: 9 },
            { le: Infinity, count: 10 },
          ],
          primary: [
            { le: 0.5, count: 1 },
            { le: 25, count: 30 },
            { le: 500, count: 40 },
            { le: Infinity, count: 40 },
          ],
        },
      },
    });
  });

  it('turns seconds bounds into ms with the scale', async () => {
    const seconds = buckets(['0.0005', 1], ['0.025', 2], ['2.5', 3], ['+Inf', 4]);
    const table = { [`buckets${C}`]: seconds, [`buckets${P}`]: seconds };
    const r = await read(table, [latency], new ScaledResolver(1000)).readings;
    const h = r['request-duration'];
    expect(h.kind === 'latency' && h.snapshot.canary.map((b) => b.le)).toEqual([0.5, 25, 2500, Infinity]);
  });

  it("gives a side without buckets yet the other side's bounds with zero counts", async () => {
    const r = await read({ [`buckets${P}`]: buckets(...LAYOUT) }, [latency]).readings;
    expect(r['request-duration']).toEqual({
      kind: 'latency',
      snapshot: {
        at: NOW,
        canary: [
          { le: 0.5, count: 0 },
          { le: 25, count: 0 },
          { le: 500, count: 0 },
          { le: Infinity, count: 0 },
        ],
        primary: [
          { le: 0.5, count: 0 },
          { le: 25, count: 8 },
          { le: 500, count: 9 },
          { le: Infinity, count: 10 },
        ],
      },
    });
  });

  it.each([
    {
      name: 'neither side has buckets yet',
      table: {},
      message: 'no latency buckets yet for either workload',
    },
    {
      name: 'the bounds differ',
      table: {
        [`buckets${C}`]: buckets(...LAYOUT),
        [`buckets${P}`]: buckets(['0.5', 0], ['50', 8], ['500', 9], ['+Inf', 10]),
      },
      message:
        'the latency buckets differ: canary podinfo has le=[0.5, 25, 500, +Inf], primary podinfo-primary has le=[0.5, 50, 500, +Inf]',
    },
    {
      name: 'a bucket without a number as le',
      table: { [`buckets${C}`]: buckets(['fast', 1], ['+Inf', 1]) },
      message: 'canary podinfo latency buckets: a series has le="fast", expected a number or "+Inf"',
    },
    {
      name: 'no +Inf bucket',
      table: { [`buckets${C}`]: buckets(['1', 1], ['2', 2]), [`buckets${P}`]: buckets(['1', 1], ['2', 2]) },
      message: 'canary podinfo latency buckets: the last bucket must be le="+Inf"',
    },
    {
      name: 'a query error',
      table: {
        [`buckets${C}`]: {
          kind: 'error',
          message: 'Prometheus http://prom:9090 query timed out after 5000ms',
        },
      },
      message: 'canary podinfo latency buckets: Prometheus http://prom:9090 query timed out after 5000ms',
    },
  ] as { name: string; table: Record<string, VectorResult>; message: string }[])(
    'unavailable: $name',
    async ({ table, message }) => {
      expect(await read(table, [latency]).readings).toEqual({
        'request-duration': { kind: 'unavailable', message },
      });
    },
  );
});

describe('readJudgeReadings: several metrics', () => {
  it('reads every comparison in spec order; one that cannot be queried is unavailable, the rest are read', async () => {
    const resolver = new FakeResolver();
    resolver.judgeQueries = (c, canary, side) => {
      if (c.kind === 'latency') throw new Error('provider "nginx" exports only a mean duration');
      return FakeResolver.prototype.judgeQueries.call(resolver, c, canary, side);
    };
    const table = { [`requests${C}`]: sum(1), [`ok${C}`]: sum(1) };
    const r = await read(table, [latency, errors], resolver).readings;
    expect(Object.keys(r)).toEqual(['request-duration', 'request-success-rate']);
    expect(r['request-duration']).toEqual({
      kind: 'unavailable',
      message: 'provider "nginx" exports only a mean duration',
    });
    expect(r['request-success-rate']).toMatchObject({ kind: 'errors' });
  });

  it('rejects when the step is aborted instead of reporting unavailable', async () => {
    const ctrl = new AbortController();
    ctrl.abort(new Error('lambda deadline'));
    await expect(read({}, [errors], new FakeResolver(), ctrl.signal).readings).rejects.toThrow(
      'lambda deadline',
    );
  });
});
