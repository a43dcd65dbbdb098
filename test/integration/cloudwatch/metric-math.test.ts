/**
 * The sandbox CloudWatch's metric math over the real @aws-sdk/client-cloudwatch: SEARCH over the
 * metrics its source lists, SUM/MAX/MIN/AVG of the series a SEARCH returns, FILL, arithmetic, and
 * an error naming any other function (as CloudWatch refuses what it does not know). Then the
 * alb builtins' queries (lib/adapters/cloudwatch/alb-builtins.ts) through the CloudWatch provider:
 * the success rate with and without 5XX datapoints, and no requests as no data.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { albCheckQuery } from '../../../lib/adapters/cloudwatch/alb-builtins.js';
import { cloudWatchProvider } from '../../../lib/adapters/cloudwatch/provider.js';
import type { Datapoints, MetricId, MetricSource } from '../../../sandbox/cloudwatch/get-metric-data.js';
import { startCloudWatch, type LocalCloudWatch } from '../../../sandbox/cloudwatch/server.js';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const T = NOW / 1000;
const signal = new AbortController().signal;
const TG_A = 'targetgroup/k8s-test-podinfoc-0d1e2f3a4b/73e2d6bc24d8a067';
const TG_B = 'targetgroup/k8s-test-podinfop-9a8b7c6d5e/0123456789abcdef';
const LB_1 = 'app/k8s-test-podinfo-1a2b3c/50dc6c495c0c9188';
const LB_2 = 'app/k8s-test-other-4d5e6f/0000000000000001';

const metric = (name: string, tg: string, lb: string): MetricId => ({
  Namespace: 'AWS/ApplicationELB',
  MetricName: name,
  Dimensions: [
    { Name: 'LoadBalancer', Value: lb },
    { Name: 'TargetGroup', Value: tg },
  ],
});

/** Datapoints per metric (by `name|tg|lb`), as epoch-second → value, for the minutes before NOW. */
let table: Record<string, [number, number][]> = {};
let cw: LocalCloudWatch;
const key = (m: MetricId) =>
  [
    m.MetricName,
    ...['TargetGroup', 'LoadBalancer'].map((d) => m.Dimensions?.find((x) => x.Name === d)?.Value),
  ].join('|');

beforeAll(async () => {
  const source: MetricSource = Object.assign(
    (m: MetricId, _stat: string, _period: number, start: number, end: number): Datapoints =>
      new Map((table[key(m)] ?? []).filter(([t]) => t >= start && t < end)),
    {
      list: () =>
        Object.keys(table).map((k) => {
          const [name, tg, lb] = k.split('|');
          return metric(name, tg, lb);
        }),
    },
  );
  cw = await startCloudWatch(source);
});
afterAll(() => cw.close());
afterEach(() => {
  table = {};
  cw.requests.length = 0;
});

const client = () =>
  new CloudWatchClient({
    region: 'us-east-1',
    endpoint: cw.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });

/** GetMetricData of the last 10 minutes; the returned series as `Id` → values, newest first. */
async function get(queries: MetricDataQuery[]): Promise<Record<string, number[]>> {
  const out = await client().send(
    new GetMetricDataCommand({
      MetricDataQueries: queries,
      StartTime: new Date((T - 600) * 1000),
      EndTime: new Date(T * 1000),
    }),
  );
  return Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id!, r.Values ?? []]));
}

const search = (name: string, tg: string, stat = 'Sum') =>
  `SEARCH('{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName="${name}" TargetGroup="${tg}"', '${stat}', 60)`;
const m = (minutesAgo: number) => T - minutesAgo * 60;

describe('sandbox CloudWatch metric math', () => {
  it.each([
    { fn: 'SUM', want: [30, 3] },
    { fn: 'MAX', want: [20, 2] },
    { fn: 'MIN', want: [10, 1] },
    { fn: 'AVG', want: [15, 1.5] },
  ])(
    '$fn of a SEARCH: per timestamp over the series found (both ALBs, not the other target group)',
    async ({ fn, want }) => {
      table = {
        [`RequestCount|${TG_A}|${LB_1}`]: [
          [m(2), 1],
          [m(1), 10],
        ],
        [`RequestCount|${TG_A}|${LB_2}`]: [
          [m(2), 2],
          [m(1), 20],
        ],
        [`RequestCount|${TG_B}|${LB_1}`]: [[m(1), 1000]],
        [`HTTPCode_Target_5XX_Count|${TG_A}|${LB_1}`]: [[m(1), 500]],
      };
      const r = await get([{ Id: 'x', Expression: `${fn}(${search('RequestCount', TG_A)})`, Period: 60 }]);
      expect(r).toEqual({ x: want });
    },
  );

  it('SEARCH alone returns one series per metric found; none when nothing matches', async () => {
    table = { [`RequestCount|${TG_A}|${LB_1}`]: [[m(1), 7]], [`RequestCount|${TG_A}|${LB_2}`]: [[m(1), 8]] };
    const out = await client().send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          { Id: 'found', Expression: search('RequestCount', TG_A), Period: 60 },
          { Id: 'none', Expression: `SUM(${search('RequestCount', TG_B)})`, Period: 60 },
        ],
        StartTime: new Date((T - 600) * 1000),
        EndTime: new Date(T * 1000),
      }),
    );
    const results = out.MetricDataResults ?? [];
    expect(results.filter((x) => x.Id === 'found').map((x) => x.Values)).toEqual([[7], [8]]);
    expect(results.find((x) => x.Id === 'none')?.Values).toEqual([]);
  });

  it('FILL gives every period of the window without a datapoint the value; arithmetic then aligns', async () => {
    table = {
      [`RequestCount|${TG_A}|${LB_1}`]: [
        [m(3), 100],
        [m(1), 50],
      ],
      [`HTTPCode_Target_5XX_Count|${TG_A}|${LB_1}`]: [[m(3), 10]],
    };
    const r = await get([
      { Id: 'requests', Expression: `SUM(${search('RequestCount', TG_A)})`, Period: 60, ReturnData: false },
      { Id: 'errors', Expression: `SUM(${search('HTTPCode_Target_5XX_Count', TG_A)})`, Period: 60 },
      { Id: 'filled', Expression: 'FILL(errors, 0)', Period: 60 },
      { Id: 'rate', Expression: '100 * (1 - FILL(errors, 0) / requests)', Period: 60 },
      { Id: 'unfilled', Expression: '100 * (1 - errors / requests)', Period: 60 },
    ]);
    expect(r.errors).toEqual([10]);
    expect(r.filled).toEqual(Array.from({ length: 10 }, (_, i) => (i === 2 ? 10 : 0)));
    expect(r.rate).toEqual([100, 90]);
    expect(r.unfilled).toEqual([90]);
  });

  it('evaluates expressions that name later ones, and refuses a cycle', async () => {
    table = { [`RequestCount|${TG_A}|${LB_1}`]: [[m(1), 40]] };
    const r = await get([
      { Id: 'half', Expression: 'requests / 2', Period: 60 },
      { Id: 'requests', Expression: `SUM(${search('RequestCount', TG_A)})`, Period: 60, ReturnData: false },
    ]);
    expect(r).toEqual({ half: [20] });
    await expect(
      get([
        { Id: 'a', Expression: 'b * 2', Period: 60 },
        { Id: 'b', Expression: 'a * 2', Period: 60 },
      ]),
    ).rejects.toThrow(/depends on itself/);
  });

  it.each([
    { expr: 'RATE(m1)', want: /unsupported function RATE/ },
    { expr: 'SUM(m1, m1)', want: /unsupported function SUM \(with 2 arguments\)/ },
    { expr: `SEARCH('{AWS/ApplicationELB,TargetGroup} RequestCount', 'Sum', 60)`, want: /unsupported term/ },
    { expr: 'FILL(m1, REPEAT)', want: /unsupported expression/ },
  ])('refuses $expr with a ValidationError naming it', async ({ expr, want }) => {
    const q = [
      { Id: 'm1', MetricStat: { Metric: metric('RequestCount', TG_A, LB_1), Period: 60, Stat: 'Sum' } },
      { Id: 'x', Expression: expr, Period: 60 },
    ];
    await expect(get(q)).rejects.toThrow(want);
  });
});

describe('the alb builtin queries on the sandbox CloudWatch', () => {
  const provider = (intervalSeconds = 60) =>
    cloudWatchProvider({
      client: client(),
      region: 'us-east-1',
      label: 'builtin',
      now: () => NOW,
      intervalSeconds,
    });

  it.each<{ name: string; rows: Record<string, [number, number][]>; want: Record<string, unknown> }>([
    {
      name: 'no 5XX metric at all (a target group that never erred): 100 %',
      rows: { [`RequestCount|${TG_A}|${LB_1}`]: [[m(2), 40] as [number, number]] },
      want: { kind: 'value', value: 100 },
    },
    {
      name: 'a 5XX count: the newest minute, 5 of 50 → 90 %',
      rows: {
        [`RequestCount|${TG_A}|${LB_1}`]: [[m(3), 40] as [number, number], [m(2), 50] as [number, number]],
        [`HTTPCode_Target_5XX_Count|${TG_A}|${LB_1}`]: [[m(2), 5] as [number, number]],
      },
      want: { kind: 'value', value: 90 },
    },
    {
      name: 'no requests in the window: no data, never a pass',
      rows: { [`HTTPCode_Target_5XX_Count|${TG_A}|${LB_1}`]: [[m(2), 5] as [number, number]] },
      want: { kind: 'noData' },
    },
  ])('success rate, $name', async ({ rows, want }) => {
    table = rows;
    const r = await provider().query(albCheckQuery('request-success-rate', TG_A, 60), signal);
    expect(r).toMatchObject(want);
    expect(cw.requests).toHaveLength(1);
    // Flagger's window: ten check intervals back from now.
    expect(cw.requests[0]).toMatchObject({ StartTime: T - 600, EndTime: T, MaxDatapoints: 20 });
  });

  it('duration: the p99 TargetResponseTime in milliseconds; a 10 s check looks back two minutes', async () => {
    table = { [`TargetResponseTime|${TG_A}|${LB_1}`]: [[m(1), 0.25]] };
    const r = await provider(10).query(albCheckQuery('request-duration', TG_A, 10), signal);
    expect(r).toEqual({ kind: 'value', value: 250 });
    expect(cw.requests[0]).toMatchObject({ StartTime: T - 120, EndTime: T });
  });
});
