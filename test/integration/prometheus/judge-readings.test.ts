/**
 * The judge's readings (lib/app/judge-readings.ts) through the real Prometheus adapter
 * (PrometheusCheckQueries + PrometheusClient) against a real Prometheus scraping the test
 * exporter. The exporter's clock is frozen 100 s after its start, so every counter is a constant
 * Prometheus scrapes again and again, and the readings are exact numbers.
 */
import { createServer, type AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrometheusClient } from '../../../lib/adapters/prometheus/client.js';
import { PrometheusCheckQueries } from '../../../lib/adapters/prometheus/resolve.js';
import { readJudgeReadings } from '../../../lib/app/judge-readings.js';
import type { CheckContext, JudgeComparison, MetricsProvider } from '../../../lib/ports/metrics.js';
import { startExporter, type TestExporter } from '../../support/exporter.js';
import { prometheusAvailability, startPrometheus, type PrometheusServer } from '../../support/prometheus.js';

const availability = prometheusAvailability('judge readings');
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const ELAPSED_S = 100;

/** Istio's default request duration buckets (ms), as the exporter exports them. */
const ISTIO_BOUNDS = [
  0.5,
  1,
  5,
  10,
  25,
  50,
  100,
  250,
  500,
  1000,
  2500,
  5000,
  10000,
  30000,
  60000,
  300000,
  600000,
  1800000,
  3600000,
  Infinity,
];

/** Cumulative buckets of `requests` spread over latencies (ms → count). */
function cumulative(latencies: Record<number, number>): { le: number; count: number }[] {
  return ISTIO_BOUNDS.map((le) => ({
    le,
    count: Object.entries(latencies).reduce((n, [ms, count]) => (Number(ms) <= le ? n + count : n), 0),
  }));
}

const context = (target: string, provider: CheckContext['provider'] = 'istio'): CheckContext => ({
  name: target,
  namespace: 'test',
  target,
  service: target,
  provider,
});
const errors: JudgeComparison = { name: 'request-success-rate', kind: 'errors' };
const latency: JudgeComparison = { name: 'request-duration', kind: 'latency' };
const latencySeconds: JudgeComparison = {
  name: 'istio_request_duration_seconds_bucket',
  kind: 'latency',
  istioDurationUnit: 'seconds',
};
const signal = () => AbortSignal.timeout(10_000);
const noTemplates = { get: () => Promise.resolve(undefined) };

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe.skipIf(availability.skip)('judge readings against a real Prometheus', () => {
  let exporter: TestExporter;
  let prom: PrometheusServer;
  const deps = (metrics?: MetricsProvider) => ({
    resolver: new PrometheusCheckQueries(noTemplates),
    metricsFor: () => metrics ?? prom.client,
  });

  beforeAll(async () => {
    let clock = Date.now();
    exporter = await startExporter({
      now: () => clock,
      workloads: [
        // The canary: 2 req/s, a quarter 5xx, half at 40 ms and half at 400 ms.
        {
          namespace: 'test',
          workload: 'podinfo',
          rps: 2,
          errorRate: 0.25,
          latency: [
            { ms: 40, fraction: 0.5 },
            { ms: 400, fraction: 0.5 },
          ],
        },
        // The primary: 4 req/s, no errors, all at 20 ms.
        {
          namespace: 'test',
          workload: 'podinfo-primary',
          rps: 4,
          errorRate: 0,
          latency: [{ ms: 20, fraction: 1 }],
        },
        // A canary that has had no request yet: only its primary has series.
        {
          namespace: 'test',
          workload: 'fresh-primary',
          rps: 1,
          errorRate: 0.5,
          latency: [{ ms: 3, fraction: 1 }],
        },
      ],
    });
    clock += ELAPSED_S * 1000;
    prom = await startPrometheus({ bin: availability.bin, targets: [exporter.target] });
    // Every series of the last workload has been scraped once its +Inf bucket shows.
    await prom.waitForValue(
      'sum(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload="fresh-primary",le="+Inf"})',
      { timeoutMs: 25_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    await exporter?.close();
  });

  it('reads the exact cumulative requests and 5xx of canary and primary, and their buckets', async () => {
    const r = await readJudgeReadings(deps(), context('podinfo'), [errors, latency], NOW, signal());
    expect(r).toEqual({
      'request-success-rate': {
        kind: 'errors',
        snapshot: { at: NOW, canary: { requests: 200, errors: 50 }, primary: { requests: 400, errors: 0 } },
      },
      'request-duration': {
        kind: 'latency',
        snapshot: { at: NOW, canary: cumulative({ 40: 100, 400: 100 }), primary: cumulative({ 20: 400 }) },
      },
    });
  });

  it('reads the Istio seconds histogram with its bounds in ms: the same buckets', async () => {
    const r = await readJudgeReadings(deps(), context('podinfo'), [latencySeconds], NOW, signal());
    expect(r[latencySeconds.name]).toEqual({
      kind: 'latency',
      snapshot: { at: NOW, canary: cumulative({ 40: 100, 400: 100 }), primary: cumulative({ 20: 400 }) },
    });
  });

  it('reads App Mesh (Envoy) counters of the same workloads by pod name', async () => {
    const r = await readJudgeReadings(
      deps(),
      context('podinfo', 'appmesh'),
      [errors, latency],
      NOW,
      signal(),
    );
    expect(r).toEqual({
      'request-success-rate': {
        kind: 'errors',
        snapshot: { at: NOW, canary: { requests: 200, errors: 50 }, primary: { requests: 400, errors: 0 } },
      },
      'request-duration': {
        kind: 'latency',
        snapshot: { at: NOW, canary: cumulative({ 40: 100, 400: 100 }), primary: cumulative({ 20: 400 }) },
      },
    });
  });

  it("gives a canary without series zero counts and the primary's bounds", async () => {
    const r = await readJudgeReadings(deps(), context('fresh'), [errors, latency], NOW, signal());
    expect(r).toEqual({
      'request-success-rate': {
        kind: 'errors',
        snapshot: { at: NOW, canary: { requests: 0, errors: 0 }, primary: { requests: 100, errors: 50 } },
      },
      'request-duration': {
        kind: 'latency',
        snapshot: { at: NOW, canary: cumulative({}), primary: cumulative({ 3: 100 }) },
      },
    });
  });

  it('says so when neither workload has latency buckets yet', async () => {
    const r = await readJudgeReadings(deps(), context('nobody'), [errors, latency], NOW, signal());
    expect(r).toEqual({
      'request-success-rate': {
        kind: 'errors',
        snapshot: { at: NOW, canary: { requests: 0, errors: 0 }, primary: { requests: 0, errors: 0 } },
      },
      'request-duration': { kind: 'unavailable', message: 'no latency buckets yet for either workload' },
    });
  });

  it('makes a metric unavailable when Prometheus cannot be reached, naming the side and no password', async () => {
    const port = await closedPort();
    const down = new PrometheusClient({
      address: `http://admin:hunter2@127.0.0.1:${port}`,
      timeoutMs: 2_000,
    });
    const r = await readJudgeReadings(deps(down), context('podinfo'), [errors], NOW, signal());
    const reading = r['request-success-rate'];
    expect(reading.kind).toBe('unavailable');
    const message = reading.kind === 'unavailable' ? reading.message : '';
    expect(message).toMatch(
      new RegExp(
        `^canary podinfo requests: Prometheus http://127\\.0\\.0\\.1:${port} query failed: .*ECONNREFUSED`,
      ),
    );
    expect(message).not.toContain('hunter2');
  });

  it('makes request-duration unavailable for NGINX (a mean, no buckets) and still reads its counters', async () => {
    const r = await readJudgeReadings(deps(), context('podinfo', 'nginx'), [latency, errors], NOW, signal());
    expect(r['request-duration']).toEqual({
      kind: 'unavailable',
      message: expect.stringContaining('provider "nginx" exports only a mean duration') as unknown,
    });
    // The exporter has no NGINX series: both sides read zero.
    expect(r['request-success-rate']).toEqual({
      kind: 'errors',
      snapshot: { at: NOW, canary: { requests: 0, errors: 0 }, primary: { requests: 0, errors: 0 } },
    });
  });
});
