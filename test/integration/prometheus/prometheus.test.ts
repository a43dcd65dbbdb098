/**
 * The Prometheus adapter against a real Prometheus (Debian's binary) scraping the test exporter
 * every second. One Prometheus per file; queries use a 5s window so data is usable within ~7 s.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrometheusClient } from '../../../lib/adapters/prometheus/client.js';
import { builtinQuery } from '../../../lib/adapters/prometheus/queries.js';
import { resolveCheckQuery } from '../../../lib/adapters/prometheus/resolve.js';
import type { CheckContext, MetricTemplate, TemplateLookup } from '../../../lib/ports/metrics.js';
import { startExporter, type TestExporter } from '../../support/exporter.js';
import { prometheusAvailability, startPrometheus, type PrometheusServer } from '../../support/prometheus.js';

/** A port nobody listens on: bound to 0, then closed. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

const availability = prometheusAvailability('prometheus adapter');
const WINDOW = '5s';
const signal = () => AbortSignal.timeout(10_000);

describe.skipIf(availability.skip)('Prometheus adapter against a real Prometheus', () => {
  let exporter: TestExporter;
  let prom: PrometheusServer;
  let client: PrometheusClient;

  beforeAll(async () => {
    exporter = await startExporter({
      workloads: [
        // The canary: 100 req/s, 4 % 5xx, P99 ≈ 500 ms.
        { namespace: 'test', workload: 'podinfo', pod: 'podinfo-5f7b9c6d8-x2k4q', rps: 100, errorRate: 0.04 },
        // The primary must never leak into the canary's numbers (anchored regexes).
        {
          namespace: 'test',
          workload: 'podinfo-primary',
          pod: 'podinfo-primary-7c9d8b6f4-q8w2e',
          rps: 50,
          errorRate: 0,
          latency: [{ ms: 20, fraction: 1 }],
        },
      ],
    });
    prom = await startPrometheus({ bin: availability.bin, targets: [exporter.target] });
    client = new PrometheusClient({ address: prom.url });
    // Both the success rate and the histogram must have two samples in the window.
    const probe = builtinQuery('request-duration', {
      provider: 'istio',
      namespace: 'test',
      target: 'podinfo',
      interval: WINDOW,
    });
    await prom.waitForValue(probe, { timeoutMs: 25_000 });
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    await exporter?.close();
  });

  const cases = [
    { name: 'Istio success rate', provider: 'istio', check: 'request-success-rate', want: 96, tol: 0.01 },
    {
      name: 'Istio P99 (milliseconds histogram)',
      provider: 'istio',
      check: 'request-duration',
      want: 500,
      tol: 1,
    },
    {
      name: 'Istio P99 (seconds histogram × 1000)',
      provider: 'istio',
      check: 'request-duration',
      unit: 'seconds',
      want: 500,
      tol: 1,
    },
    {
      name: 'App Mesh success rate',
      provider: 'appmesh',
      check: 'request-success-rate',
      want: 96,
      tol: 0.01,
    },
    { name: 'App Mesh P99', provider: 'appmesh', check: 'request-duration', want: 500, tol: 1 },
    {
      name: 'Gateway API success rate',
      provider: 'gatewayapi',
      check: 'request-success-rate',
      want: 96,
      tol: 0.01,
    },
    { name: 'Gateway API P99', provider: 'gatewayapi', check: 'request-duration', want: 500, tol: 1 },
  ] as const;

  it.each(cases)('$name ≈ $want', async (c) => {
    const q = builtinQuery(c.check, {
      provider: c.provider,
      namespace: 'test',
      target: 'podinfo',
      interval: WINDOW,
      istioDurationUnit: 'unit' in c ? c.unit : undefined,
    });
    const r = await client.query(q, signal());
    expect(r.kind).toBe('value');
    if (r.kind !== 'value') return;
    expect(Math.abs(r.value - c.want)).toBeLessThanOrEqual(c.tol);
  });

  it('returns noData for a workload without traffic', async () => {
    const q = builtinQuery('request-success-rate', {
      provider: 'istio',
      namespace: 'test',
      target: 'unknown',
      interval: WINDOW,
    });
    expect(await client.query(q, signal())).toMatchObject({
      kind: 'noData',
      message: expect.stringMatching(/no values/),
    });
  });

  it("returns an error carrying Prometheus's message for a malformed query", async () => {
    const r = await client.query('sum(rate(istio_requests_total[5s]', signal());
    expect(r).toMatchObject({ kind: 'error' });
    if (r.kind !== 'error') return;
    expect(r.message).toContain(`Prometheus ${prom.url}`);
    expect(r.message).toContain('HTTP 400 bad_data');
    expect(r.message).toMatch(/parse error/);
  });

  it('returns an error when the query yields several series', async () => {
    const r = await client.query(
      `rate(istio_requests_total{reporter="destination",destination_workload="podinfo"}[${WINDOW}])`,
      signal(),
    );
    expect(r).toMatchObject({ kind: 'error', message: expect.stringContaining('query returned 2 series') });
  });

  it('accepts a scalar result', async () => {
    expect(await client.query('scalar(vector(3.5))', signal())).toEqual({ kind: 'value', value: 3.5 });
  });

  it('returns an error for a range (matrix) result', async () => {
    const r = await client.query(
      `istio_requests_total{reporter="destination",destination_workload="podinfo",response_code="200"}[${WINDOW}]`,
      signal(),
    );
    expect(r).toMatchObject({ kind: 'error', message: expect.stringContaining('matrix') });
  });

  it('runs a MetricTemplate rendered with template variables', async () => {
    const template: MetricTemplate = {
      name: 'error-rate',
      namespace: 'flagger-system',
      provider: { type: 'prometheus', address: prom.url },
      query:
        '100 - sum(rate(istio_requests_total{reporter="{{ variables.reporter }}",destination_workload_namespace="{{ namespace }}",destination_workload=~"{{ target }}",response_code!~"5.*"}[{{ interval }}]))' +
        ' / sum(rate(istio_requests_total{reporter="{{ variables.reporter }}",destination_workload_namespace="{{namespace}}",destination_workload=~"{{target}}"}[{{ interval }}])) * 100',
    };
    const lookup: TemplateLookup = {
      get: (ns, name) =>
        Promise.resolve(ns === template.namespace && name === template.name ? template : undefined),
    };
    const canary: CheckContext = {
      name: 'podinfo',
      namespace: 'test',
      target: 'podinfo',
      service: 'podinfo',
      provider: 'istio',
    };
    const resolved = await resolveCheckQuery(
      {
        name: 'error-rate',
        templateRef: { name: 'error-rate', namespace: 'flagger-system' },
        templateVariables: { reporter: 'destination' },
        interval: WINDOW,
      },
      canary,
      lookup,
      signal(),
    );
    const provider = resolved.template!.provider;
    if (provider.type !== 'prometheus') throw new Error('a prometheus template');
    const r = await new PrometheusClient({ address: provider.address }).query(resolved.query, signal());
    expect(r.kind).toBe('value');
    if (r.kind === 'value') expect(r.value).toBeCloseTo(4, 1);
  });

  it('runs a MetricTemplate that compares the canary with {{ primary }}', async () => {
    const errorPercent = (w: string) =>
      `(1 - sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{ namespace }}",destination_workload=~"${w}",response_code!~"5.*"}[{{ interval }}]))` +
      ` / sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="{{ namespace }}",destination_workload=~"${w}"}[{{ interval }}]))) * 100`;
    const template: MetricTemplate = {
      name: 'error-gap',
      namespace: 'test',
      provider: { type: 'prometheus', address: prom.url },
      // Percentage points of error rate the canary has above the primary.
      query: `${errorPercent('{{ target }}')} - ${errorPercent('{{ primary }}')}`,
    };
    const resolved = await resolveCheckQuery(
      { name: 'error-gap', templateRef: { name: 'error-gap' }, interval: WINDOW },
      { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', provider: 'istio' },
      { get: () => Promise.resolve(template) },
      signal(),
    );
    expect(resolved.query).toContain('destination_workload=~"podinfo-primary"');
    const r = await client.query(resolved.query, signal());
    expect(r.kind).toBe('value');
    // The canary answers 4 % 5xx, the primary none.
    if (r.kind === 'value') expect(r.value).toBeCloseTo(4, 1);
  });

  it('isOnline is true for the running server', async () => {
    expect(await client.isOnline(signal())).toBe(true);
  });

  it('isOnline is false against a closed port, and the error names the address', async () => {
    const port = await closedPort();
    const closed = new PrometheusClient({ address: `http://127.0.0.1:${port}`, timeoutMs: 2_000 });
    expect(await closed.isOnline(signal())).toBe(false);
    const r = await closed.query('vector(1)', signal());
    expect(r).toMatchObject({
      kind: 'error',
      message: expect.stringContaining(`Prometheus http://127.0.0.1:${port} query failed`),
    });
  });
});
