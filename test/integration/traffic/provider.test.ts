/**
 * The sandbox metrics provider answers the builtin checks (the exact PromQL of `builtinQuery`)
 * from the simulator's counters, and agrees with a real Prometheus scraping the same simulator.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { judgeBucketQuery, judgeCountQueries } from '../../../lib/adapters/prometheus/judge-queries.js';
import { builtinQuery, type BuiltinQueryInput } from '../../../lib/adapters/prometheus/queries.js';
import type { VectorResult } from '../../../lib/ports/metrics.js';
import {
  sandboxMetricsProvider,
  startTrafficSimulator,
  UNSUPPORTED_QUERY,
  UNSUPPORTED_VECTOR_QUERY,
  type TrafficSimulator,
} from '../../../sandbox/traffic/index.js';
import { histogramQuantile } from '../../../sandbox/traffic/provider.js';
import { prometheusAvailability, startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { manualClock, NS, putDeployment, putPodinfo, putVirtualService, weighted } from './world.js';

// Never aborted: the provider answers synchronously from memory.
const signal = new AbortController().signal;
const istio = (interval: string, target = 'podinfo'): BuiltinQueryInput => ({
  provider: 'istio',
  namespace: NS,
  target,
  interval,
});

let sandbox: Sandbox;
const open: TrafficSimulator[] = [];
beforeEach(async () => {
  sandbox = await startSandbox({ namespaces: [NS] });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await sandbox.close();
});

async function manualSimulator() {
  const clock = manualClock();
  const sim = await startTrafficSimulator({
    store: sandbox.store,
    autoStart: false,
    serve: false,
    now: clock.now,
    rps: 20,
  });
  open.push(sim);
  const advance = (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      clock.advance(1000);
      sim.tick();
    }
  };
  return { sim, advance, provider: sandboxMetricsProvider(sim) };
}

describe('sandbox metrics provider', () => {
  it('answers the success rate of a faulty canary (30 % errors) for Istio and App Mesh queries', async () => {
    putPodinfo(sandbox, { image: 'podinfo:6.0.2-faulty' });
    putVirtualService(sandbox, [weighted(50, 50)]);
    const { advance, provider } = await manualSimulator();
    advance(60);
    const rate = await provider.query(builtinQuery('request-success-rate', istio('30s')), signal);
    expect(rate.kind === 'value' && rate.value).toBeCloseTo(70, 0);
    const primary = await provider.query(
      builtinQuery('request-success-rate', istio('1m', 'podinfo-primary')),
      signal,
    );
    expect(primary).toEqual({ kind: 'value', value: 100 });
    const envoy = await provider.query(
      builtinQuery('request-success-rate', {
        provider: 'appmesh',
        namespace: NS,
        target: 'podinfo',
        interval: '30s',
      }),
      signal,
    );
    expect(envoy.kind === 'value' && envoy.value).toBeCloseTo(70, 0);
  });

  it('measures only the window: a version that turned faulty shows in a short window first', async () => {
    putPodinfo(sandbox);
    putVirtualService(sandbox, [weighted(50, 50)]);
    const { advance, provider } = await manualSimulator();
    advance(60);
    putDeployment(sandbox, 'podinfo', { annotations: { 'sandbox.flagger.app/error-rate': '0.5' } });
    advance(30);
    const short = await provider.query(builtinQuery('request-success-rate', istio('30s')), signal);
    const long = await provider.query(builtinQuery('request-success-rate', istio('1m')), signal);
    expect(short.kind === 'value' && short.value).toBeCloseTo(50, 0);
    expect(long.kind === 'value' && long.value).toBeCloseTo(75, 0);
  });

  it('answers the P99 duration in ms from both Istio histograms, and for App Mesh', async () => {
    putPodinfo(sandbox, { image: 'podinfo:6.0.1-slow' });
    putVirtualService(sandbox, [weighted(50, 50)]);
    const { advance, provider } = await manualSimulator();
    advance(30);
    const ms = await provider.query(builtinQuery('request-duration', istio('30s')), signal);
    const s = await provider.query(
      builtinQuery('request-duration', { ...istio('30s'), istioDurationUnit: 'seconds' }),
      signal,
    );
    const envoy = await provider.query(
      builtinQuery('request-duration', {
        provider: 'appmesh',
        namespace: NS,
        target: 'podinfo',
        interval: '30s',
      }),
      signal,
    );
    const healthy = await provider.query(
      builtinQuery('request-duration', istio('30s', 'podinfo-primary')),
      signal,
    );
    // 800 ms P99 interpolates inside the (500, 1000] bucket, as histogram_quantile does.
    expect(ms.kind === 'value' && ms.value).toBeGreaterThan(800);
    expect(ms.kind === 'value' && ms.value).toBeLessThanOrEqual(1000);
    expect(s.kind === 'value' && s.value).toBeCloseTo(ms.kind === 'value' ? ms.value : NaN, 6);
    expect(envoy.kind === 'value' && envoy.value).toBeGreaterThan(500);
    expect(healthy.kind === 'value' && healthy.value).toBeLessThanOrEqual(100);
  });

  it('answers no data without traffic, and an error for queries that are not builtin checks', async () => {
    putPodinfo(sandbox);
    putVirtualService(sandbox, [weighted(100, 0)]);
    const { advance, provider } = await manualSimulator();
    advance(30);
    expect((await provider.query(builtinQuery('request-success-rate', istio('30s')), signal)).kind).toBe(
      'noData',
    );
    expect((await provider.query(builtinQuery('request-duration', istio('30s')), signal)).kind).toBe(
      'noData',
    );
    expect(
      (await provider.query(builtinQuery('request-success-rate', istio('30s', 'other')), signal)).kind,
    ).toBe('noData');
    // The canary received traffic once; a window after it stopped is 0/0: no data, as in Prometheus.
    putVirtualService(sandbox, [weighted(50, 50)]);
    advance(10);
    putVirtualService(sandbox, [weighted(100, 0)]);
    advance(40);
    expect((await provider.query(builtinQuery('request-success-rate', istio('30s')), signal)).kind).toBe(
      'noData',
    );
    expect(await provider.query('up', signal)).toEqual({ kind: 'error', message: UNSUPPORTED_QUERY });
    expect(await provider.isOnline(signal)).toBe(true);
  });

  it("answers the judge's raw cumulative counters of canary and primary (Istio, App Mesh)", async () => {
    putPodinfo(sandbox, { image: 'podinfo:6.0.2-faulty' });
    putVirtualService(sandbox, [weighted(50, 50)]);
    const { sim, advance, provider } = await manualSimulator();
    advance(45);
    const only = (r: VectorResult) => {
      expect(r.kind).toBe('vector');
      const samples = r.kind === 'vector' ? r.samples : [];
      expect(samples).toHaveLength(1);
      expect(samples[0].labels).toEqual({});
      return samples[0].value;
    };
    for (const provider_ of ['istio', 'appmesh'] as const) {
      for (const [side, workload] of [
        ['canary', 'podinfo'],
        ['primary', 'podinfo-primary'],
      ] as const) {
        const input = { provider: provider_, namespace: NS, target: 'podinfo' };
        const want = sim.totals(NS, workload);
        expect(want.requests).toBeGreaterThan(300);
        const q = judgeCountQueries(input, side);
        const requests = only(await provider.queryVector(q.requests, signal));
        const ok = only(await provider.queryVector(q.ok, signal));
        expect(requests).toBe(want.requests);
        expect(requests - ok).toBe(want.errors);
        // A sum is also a single number for `query` (a template may use it).
        expect(await provider.query(q.requests, signal)).toEqual({ kind: 'value', value: want.requests });
        const h = await provider.queryVector(judgeBucketQuery(input, side).buckets, signal);
        const buckets = h.kind === 'vector' ? h.samples : [];
        expect(buckets).toHaveLength(20);
        expect(buckets.find((b) => b.labels.le === '+Inf')?.value).toBe(want.requests);
      }
    }
    expect(sim.totals(NS, 'podinfo').errors).toBeGreaterThan(0);
    expect(sim.totals(NS, 'podinfo-primary').errors).toBe(0);
  });

  it("answers the judge's Istio seconds histogram with the same counts, bounds in seconds", async () => {
    putPodinfo(sandbox, { image: 'podinfo:6.0.1-slow' });
    putVirtualService(sandbox, [weighted(50, 50)]);
    const { advance, provider } = await manualSimulator();
    advance(20);
    const input = { provider: 'istio', namespace: NS, target: 'podinfo' } as const;
    const read = async (unit: 'milliseconds' | 'seconds') => {
      const q = judgeBucketQuery({ ...input, istioDurationUnit: unit }, 'canary');
      const r = await provider.queryVector(q.buckets, signal);
      const samples = r.kind === 'vector' ? r.samples : [];
      return new Map(
        samples.map((b) => [b.labels.le === '+Inf' ? Infinity : Number(b.labels.le) * q.scale, b.value]),
      );
    };
    const ms = await read('milliseconds');
    const s = await read('seconds');
    expect(ms.size).toBe(20);
    expect([...s.keys()].sort((a, b) => a - b)).toEqual([...ms.keys()].sort((a, b) => a - b));
    for (const [le, count] of ms) expect(s.get(le)).toBe(count);
    // The slow canary's requests sit above 500 ms: the 500 ms bucket holds fewer than +Inf.
    expect(ms.get(500)!).toBeLessThan(ms.get(Infinity)!);
  });

  it('answers an empty vector for a canary without series yet, and errors for other vector queries', async () => {
    putPodinfo(sandbox);
    putVirtualService(sandbox, [weighted(100, 0)]);
    const { advance, provider } = await manualSimulator();
    advance(10);
    const input = { provider: 'istio', namespace: NS, target: 'podinfo' } as const;
    const canary = judgeCountQueries(input, 'canary');
    expect(await provider.queryVector(canary.requests, signal)).toEqual({ kind: 'vector', samples: [] });
    expect(await provider.queryVector(judgeBucketQuery(input, 'canary').buckets, signal)).toEqual({
      kind: 'vector',
      samples: [],
    });
    expect((await provider.query(canary.requests, signal)).kind).toBe('noData');
    const primary = await provider.queryVector(judgeCountQueries(input, 'primary').requests, signal);
    expect(primary.kind === 'vector' && primary.samples[0]?.value).toBeGreaterThan(0);
    expect(await provider.queryVector('sum(up)', signal)).toEqual({
      kind: 'error',
      message: UNSUPPORTED_VECTOR_QUERY,
    });
    expect(await provider.queryVector(builtinQuery('request-success-rate', istio('30s')), signal)).toEqual({
      kind: 'error',
      message: UNSUPPORTED_VECTOR_QUERY,
    });
  });

  it('implements histogram_quantile like Prometheus', () => {
    const b = (le: number, count: number) => ({ le, count });
    expect(histogramQuantile(0.5, [b(10, 50), b(20, 100), b(Infinity, 100)])).toBe(10);
    expect(histogramQuantile(0.75, [b(10, 50), b(20, 100), b(Infinity, 100)])).toBe(15);
    expect(histogramQuantile(0.99, [b(10, 50), b(20, 50), b(Infinity, 100)])).toBe(20);
    expect(histogramQuantile(0.99, [b(10, 0), b(Infinity, 0)])).toBeNaN();
  });
});

const availability = prometheusAvailability('traffic simulator + prometheus');

describe.skipIf(availability.skip)('the simulator scraped by a real Prometheus', () => {
  let prometheus: PrometheusServer | undefined;
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('gives the same success rate for a faulty canary as the sandbox provider', async () => {
    putPodinfo(sandbox, { image: 'podinfo:6.0.2-faulty' });
    putVirtualService(sandbox, [weighted(50, 50)]);
    const sim = await startTrafficSimulator({ store: sandbox.store, rps: 40, tickMs: 100 });
    open.push(sim);
    prometheus = await startPrometheus({ targets: [sim.target] });
    const query = builtinQuery('request-success-rate', istio('10s'));
    const fromPrometheus = await prometheus.waitForValue(query, { timeoutMs: 30_000 });
    const fromSandbox = await sandboxMetricsProvider(sim).query(query, signal);
    expect(fromPrometheus).toBeGreaterThan(66);
    expect(fromPrometheus).toBeLessThan(74);
    // Real time: the window's edges cut the evenly spread errors at arbitrary points.
    expect(fromSandbox.kind === 'value' && fromSandbox.value).toBeGreaterThan(66);
    expect(fromSandbox.kind === 'value' && fromSandbox.value).toBeLessThan(74);
    const p99 = await prometheus.waitForValue(
      builtinQuery('request-duration', istio('10s', 'podinfo-primary')),
    );
    expect(p99).toBeLessThanOrEqual(100);
  }, 120_000);
});
