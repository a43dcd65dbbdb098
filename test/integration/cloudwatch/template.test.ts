/**
 * The `cloudwatch` MetricTemplate provider over the real @aws-sdk/client-cloudwatch against the
 * sandbox's CloudWatch (GetMetricData in AwsJson1_0 over HTTP), with queries shaped as the AWS API
 * reference and Flagger's metrics.md write them.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cloudWatchProvider } from '../../../lib/adapters/cloudwatch/provider.js';
import { parseTemplate } from '../../../lib/app/views.js';
import { CloudWatchFault, type MetricId } from '../../../sandbox/cloudwatch/get-metric-data.js';
import { startCloudWatch, type LocalCloudWatch } from '../../../sandbox/cloudwatch/server.js';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
const signal = new AbortController().signal;

/** Per metric name: datapoints (epoch seconds → value) the source answers for the ALB dimensions. */
let table: Record<string, [number, number][]> = {};
const seen: { metric: MetricId; stat: string; period: number; start: number; end: number }[] = [];
let cw: LocalCloudWatch;

beforeAll(async () => {
  cw = await startCloudWatch((metric, stat, period, start, end) => {
    seen.push({ metric, stat, period, start, end });
    return new Map((table[metric.MetricName] ?? []).filter(([t]) => t >= start && t < end));
  });
});
afterAll(() => cw.close());
afterEach(() => {
  table = {};
  seen.length = 0;
  cw.requests.length = 0;
});

function provider(maxAttempts = 3) {
  const client = new CloudWatchClient({
    region: 'ap-northeast-1',
    endpoint: cw.url,
    maxAttempts,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
  });
  return cloudWatchProvider({ client, region: 'ap-northeast-1', label: 'template test/alb', now: () => NOW });
}

const dims = [
  { Name: 'LoadBalancer', Value: 'app/k8s-test-podinfo-1a2b3c/50dc6c495c0c9188' },
  { Name: 'TargetGroup', Value: 'targetgroup/k8s-test-podinfoc-0d1e2f/73e2d6bc24d8a067' },
];
const stat = (id: string, name: string, s: string, returnData = false) => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: 'AWS/ApplicationELB', MetricName: name, Dimensions: dims },
    Period: 60,
    Stat: s,
  },
  ReturnData: returnData,
});
/** Flagger's docs example shape: two MetricStats and the expression that is returned. */
const errorRate = JSON.stringify([
  stat('requests', 'RequestCount', 'Sum'),
  stat('errors', 'HTTPCode_Target_5XX_Count', 'Sum'),
  { Id: 'rate', Expression: '100 * errors / requests', ReturnData: true },
]);
const t = (minutesAgo: number) => NOW / 1000 - minutesAgo * 60;

describe('cloudwatch MetricTemplate provider', () => {
  it('sends ten periods back from now, at most 20 datapoints, and answers the newest value of the first series', async () => {
    table = {
      RequestCount: [
        [t(3), 200],
        [t(2), 100],
      ],
      HTTPCode_Target_5XX_Count: [
        [t(3), 50],
        [t(2), 5],
      ],
    };
    await expect(provider().query(errorRate, signal)).resolves.toEqual({ kind: 'value', value: 5 });
    expect(cw.requests).toHaveLength(1);
    expect(cw.requests[0]).toMatchObject({
      StartTime: NOW / 1000 - 600,
      EndTime: NOW / 1000,
      MaxDatapoints: 20,
    });
    expect(seen.map((s) => [s.metric.MetricName, s.stat, s.period])).toEqual([
      ['RequestCount', 'Sum', 60],
      ['HTTPCode_Target_5XX_Count', 'Sum', 60],
    ]);
    expect(seen[0].metric.Dimensions).toEqual(dims);
  });

  it('takes a p99 extended statistic as CloudWatch returns it', async () => {
    table = { TargetResponseTime: [[t(1), 0.25]] };
    const q = JSON.stringify([stat('p99', 'TargetResponseTime', 'p99', true)]);
    await expect(provider().query(q, signal)).resolves.toEqual({ kind: 'value', value: 0.25 });
    expect(seen[0].stat).toBe('p99');
  });

  it('answers no data when the series has no datapoints in the window (never a value)', async () => {
    table = { RequestCount: [[t(30), 100]] };
    const r = await provider().query(errorRate, signal);
    expect(r).toMatchObject({ kind: 'noData' });
    expect(r.kind === 'noData' && r.message).toContain('series "rate" has no datapoints');
  });

  it('answers an error naming the AWS code after the SDK gave up on throttling; no credentials in it', async () => {
    cw.failNext(3, new CloudWatchFault('Throttling', 'Rate exceeded'));
    const r = await provider(3).query(errorRate, signal);
    expect(cw.requests).toHaveLength(3);
    expect(r).toMatchObject({ kind: 'error' });
    const message = r.kind === 'error' ? r.message : '';
    expect(message).toMatch(
      /template test\/alb: CloudWatch ap-northeast-1: GetMetricData failed: Throttling/,
    );
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('AKIDEXAMPLE');
  });

  it('answers an error for a request CloudWatch refuses (unknown id in an expression)', async () => {
    const q = JSON.stringify([stat('a', 'RequestCount', 'Sum'), { Id: 'x', Expression: 'a / b' }]);
    const r = await provider().query(q, signal);
    expect(r).toMatchObject({ kind: 'error' });
    expect(r.kind === 'error' && r.message).toMatch(/\(HTTP 400\): expression "a \/ b" names unknown id "b"/);
  });

  it.each([
    { query: '{"Id":"a"}', want: 'non-empty JSON array' },
    { query: 'not json', want: 'query is not JSON' },
    { query: '[{"Expression":"1"}]', want: 'query[0].Id is required' },
    { query: '[{"Id":"a"}]', want: 'exactly one of Expression and MetricStat' },
  ])('refuses $query without calling AWS', async ({ query, want }) => {
    const r = await provider().query(query, signal);
    expect(r.kind === 'error' && r.message).toContain(want);
    expect(cw.requests).toHaveLength(0);
  });

  it('is online when CloudWatch answers an empty query with a validation error (Flagger IsOnline)', async () => {
    await expect(provider().isOnline(signal)).resolves.toBe(true);
  });

  it('has no range or vector queries', async () => {
    const p = provider();
    expect(await p.queryVector('[]', signal)).toMatchObject({ kind: 'error' });
    expect(await p.queryRange('[]', { start: 0, end: 1, stepSeconds: 1 }, signal)).toMatchObject({
      kind: 'error',
    });
  });
});

describe('cloudwatch MetricTemplate bodies', () => {
  it("reads Flagger's manifest", () => {
    const body = {
      kind: 'MetricTemplate',
      spec: { provider: { type: 'cloudwatch', region: 'ap-northeast-1' }, query: errorRate },
    };
    expect(parseTemplate(body, 'test', 'alb').provider).toEqual({
      type: 'cloudwatch',
      region: 'ap-northeast-1',
    });
  });

  it('refuses a region that is not one, with the field path', () => {
    const body = { provider: { type: 'cloudwatch', region: 'Tokyo' }, query: errorRate };
    expect(() => parseTemplate(body, 'test', 'alb')).toThrow('provider.region');
  });
});
