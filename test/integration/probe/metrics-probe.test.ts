/**
 * The initialization probe (lib/app/probe-metrics.ts) with the real resolver and the real template
 * providers against real servers: a local Prometheus-compatible receiver (`vector(1)`), the
 * Datadog test server (`GET /api/v1/validate` with the keys) and the sandbox's CloudWatch (an
 * empty GetMetricData, a validation error when the role may call it). Each server is asked exactly
 * once per distinct provider; one that does not answer is named in the warning, its keys never.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrometheusCheckQueries } from '../../../lib/adapters/prometheus/resolve.js';
import { templateMetrics } from '../../../lib/adapters/template-metrics.js';
import { probeMetrics, type ProbedCluster } from '../../../lib/app/probe-metrics.js';
import type { MetricSpec } from '../../../lib/domain/spec/schema.js';
import type { MetricTemplate } from '../../../lib/ports/metrics.js';
import type { RecordedEvent } from '../../../lib/ports/workloads.js';
import { CloudWatchFault } from '../../../sandbox/cloudwatch/get-metric-data.js';
import { startCloudWatch, type LocalCloudWatch } from '../../../sandbox/cloudwatch/server.js';
import { aCanary, T0 } from '../../support/builders.js';
import { serveDatadogApi, type DatadogApi } from '../../support/datadog-api.js';
import { FakeLogger } from '../../support/fakes/messaging.js';

const API_KEY = 'dd-Api-K3y-0123456789';
const APP_KEY = 'dd-App-K3y-9876543210';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
const signal = new AbortController().signal;

let dd: DatadogApi;
let cw: LocalCloudWatch;
let prom: Server;
let promUrl: string;
/** The `query` of each request the Prometheus receiver got. */
const promQueries: string[] = [];
let promUp = true;
let keys: Record<string, string>;

beforeAll(async () => {
  dd = await serveDatadogApi({ apiKey: API_KEY, applicationKey: APP_KEY });
  cw = await startCloudWatch(() => new Map());
  prom = createServer((req, res) => {
    promQueries.push(new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '');
    if (!promUp) return void res.writeHead(503).end('down');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [T0 / 1000, '1'] }] },
      }),
    );
  });
  await new Promise<void>((r) => prom.listen(0, '127.0.0.1', r));
  promUrl = `http://127.0.0.1:${(prom.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([dd.close(), cw.close(), new Promise((r) => prom.close(r))]);
});
beforeEach(() => {
  dd.paths.length = 0;
  cw.requests.length = 0;
  promQueries.length = 0;
  promUp = true;
  keys = { datadog_api_key: API_KEY, datadog_application_key: APP_KEY };
});

const templates = (): MetricTemplate[] => [
  { name: 'errors', namespace: 'test', provider: { type: 'prometheus', address: promUrl }, query: 'up' },
  {
    name: 'not-found',
    namespace: 'test',
    provider: { type: 'datadog', address: dd.url, secretRef: { name: 'datadog' } },
    query: 'avg:404{*}',
  },
  { name: 'alb-5xx', namespace: 'test', provider: { type: 'cloudwatch', region: 'eu-west-1' }, query: '[]' },
];

const check = (name: string, template: string): MetricSpec => ({
  name,
  templateRef: { name: template },
  thresholdRange: { max: 1 },
  interval: '1m',
});

/** Two checks on each template, none builtin: three providers. */
const metrics = ['errors', 'not-found', 'alb-5xx'].flatMap((t) => [check(`${t}-a`, t), check(`${t}-b`, t)]);

/** Probes `metrics` with the real resolver and providers; what was recorded and logged. */
async function probe(): Promise<{ events: RecordedEvent[]; logger: FakeLogger }> {
  const byName = new Map(templates().map((t) => [`${t.namespace}/${t.name}`, t]));
  const resolver = new PrometheusCheckQueries({
    get: (ns, name) => Promise.resolve(byName.get(`${ns}/${name}`)),
  });
  const events: RecordedEvent[] = [];
  const cluster: ProbedCluster = {
    record: { name: 'test-cluster', kind: 'endpoint', server: 'https://10.0.0.1:6443' },
    events: { record: (_c, e) => (events.push(e), Promise.resolve()) },
    metrics: (template) => {
      if (!template) throw new Error('no builtin check here: the default server is not asked');
      return templateMetrics(template, {
        secret: () => Promise.resolve(JSON.stringify(keys)),
        now: () => T0,
        cloudWatch: (region = 'eu-west-1') => ({
          client: new CloudWatchClient({
            region,
            endpoint: cw.url,
            maxAttempts: 1,
            credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: AWS_SECRET },
          }),
          region,
        }),
      });
    },
  };
  const logger = new FakeLogger();
  await probeMetrics({ resolver, logger }, aCanary({ metrics }), cluster, 'istio', T0, signal);
  return { events, logger };
}

describe('metrics provider probe against real servers', () => {
  it('asks each template provider once, as Flagger does: vector(1), /api/v1/validate, an empty GetMetricData', async () => {
    const { events, logger } = await probe();

    expect(promQueries).toEqual(['vector(1)']);
    expect(dd.paths).toEqual(['/api/v1/validate']);
    expect(cw.requests).toHaveLength(1);
    expect(cw.requests[0]).toMatchObject({ MetricDataQueries: [] });
    expect(events).toEqual([]);
    expect(logger.lines).toEqual([]);
  });

  it('warns about each provider that does not answer, naming its template and never its keys', async () => {
    promUp = false;
    keys = { datadog_api_key: 'dd-revoked-key', datadog_application_key: APP_KEY };
    cw.failNext(1, new CloudWatchFault('AccessDeniedException', 'not authorized', 403));
    const { events, logger } = await probe();

    expect(events.map((e) => [e.type, e.reason])).toEqual(
      Array.from({ length: 3 }, () => ['Warning', 'MetricsProviderUnavailable']),
    );
    expect(events.map((e) => e.message)).toEqual([
      'Error checking metric providers: prometheus in metric template test/errors did not answer vector(1); checks on it will fail until it does',
      'Error checking metric providers: datadog in metric template test/not-found did not answer the key validation (GET /api/v1/validate); checks on it will fail until it does',
      'Error checking metric providers: cloudwatch in metric template test/alb-5xx did not answer an empty GetMetricData; checks on it will fail until it does',
    ]);
    expect(logger.lines.map((l) => l.message)).toEqual(events.map((e) => e.message));
    expect([dd.paths.length, promQueries.length, cw.requests.length]).toEqual([1, 1, 1]);
    const text = JSON.stringify([events, logger.lines]);
    for (const secret of ['dd-revoked-key', APP_KEY, AWS_SECRET, dd.url]) expect(text).not.toContain(secret);
  });
});
