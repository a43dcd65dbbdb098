/**
 * The alb builtins as CloudWatch queries (pure) and their resolution for a canary: the Service's
 * target group from its TargetGroupBinding (an in-memory CheckCluster here), a synthesized
 * `cloudwatch` MetricTemplate of the ARN's region, and a clear error when no binding (or several)
 * names the Service, or its ARN is malformed.
 */
import { describe, expect, it } from 'vitest';
import {
  albCheckQuery,
  albPeriodSeconds,
  targetGroupMetrics,
} from '../../../lib/adapters/cloudwatch/alb-builtins.js';
import { resolveAlbBuiltin } from '../../../lib/adapters/cloudwatch/alb-resolve.js';
import { parseQueries, windowSeconds } from '../../../lib/adapters/cloudwatch/query.js';
import { CheckResolutionError } from '../../../lib/adapters/prometheus/errors.js';
import { PrometheusCheckQueries } from '../../../lib/adapters/prometheus/resolve.js';
import type { CheckCluster, CheckContext } from '../../../lib/ports/metrics.js';

const TG = 'targetgroup/k8s-test-podinfoc-0d1e2f3a4b/73e2d6bc24d8a067';
const ARN = `arn:aws:elasticloadbalancing:eu-west-1:123456789012:${TG}`;
const PRIMARY_TG = 'targetgroup/k8s-test-podinfop-9a8b7c6d5e/0123456789abcdef';
const signal = AbortSignal.timeout(5_000);
const SEARCH = (metric: string, tg: string, stat: string, p: number) =>
  `SEARCH('{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName="${metric}" TargetGroup="${tg}"', '${stat}', ${p})`;

describe('albCheckQuery', () => {
  it.each([
    {
      name: 'success rate: 5xx against requests, FILLed, summed over the searched series',
      check: 'request-success-rate' as const,
      interval: 60,
      want: [
        {
          Id: 'requests',
          Expression: `SUM(${SEARCH('RequestCount', TG, 'Sum', 60)})`,
          Period: 60,
          ReturnData: false,
        },
        {
          Id: 'errors',
          Expression: `SUM(${SEARCH('HTTPCode_Target_5XX_Count', TG, 'Sum', 60)})`,
          Period: 60,
          ReturnData: false,
        },
        { Id: 'rate', Expression: '100 * (1 - FILL(errors, 0) / requests)', Period: 60, ReturnData: true },
      ],
    },
    {
      name: 'duration: the worst p99 TargetResponseTime in milliseconds',
      check: 'request-duration' as const,
      interval: 60,
      want: [
        {
          Id: 'p99',
          Expression: `MAX(${SEARCH('TargetResponseTime', TG, 'p99', 60)})`,
          Period: 60,
          ReturnData: false,
        },
        { Id: 'ms', Expression: 'p99 * 1000', Period: 60, ReturnData: true },
      ],
    },
    {
      name: 'a 5-minute interval reads 5-minute periods',
      check: 'request-duration' as const,
      interval: 300,
      want: [
        {
          Id: 'p99',
          Expression: `MAX(${SEARCH('TargetResponseTime', TG, 'p99', 300)})`,
          Period: 300,
          ReturnData: false,
        },
        { Id: 'ms', Expression: 'p99 * 1000', Period: 300, ReturnData: true },
      ],
    },
  ])('$name', ({ check, interval, want }) => {
    const text = albCheckQuery(check, TG, interval);
    expect(JSON.parse(text)).toEqual(want);
    // What the CloudWatch provider checks before calling AWS.
    expect(() => parseQueries(text)).not.toThrow();
  });

  it.each([
    { interval: 10, want: 60 },
    { interval: 60, want: 60 },
    { interval: 61, want: 120 },
    { interval: 90, want: 120 },
    { interval: 300, want: 300 },
  ])('a $interval s interval has periods of $want s (the ALB reports per minute)', ({ interval, want }) => {
    expect(albPeriodSeconds(interval)).toBe(want);
  });

  it.each([
    { interval: 10, want: 120, why: 'ten intervals are 100 s: two one-minute periods' },
    { interval: 60, want: 600, why: "ten intervals (Flagger's window)" },
    { interval: 90, want: 900, why: 'ten intervals' },
  ])('the window of a $interval s check is $want s: $why', ({ interval, want }) => {
    expect(windowSeconds(parseQueries(albCheckQuery('request-success-rate', TG, interval)), interval)).toBe(
      want,
    );
  });
});

describe('targetGroupMetrics', () => {
  it.each([
    { arn: ARN, want: { region: 'eu-west-1', targetGroup: TG } },
    {
      arn: `arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:${TG}`,
      want: { region: 'cn-north-1', targetGroup: TG },
    },
  ])('$arn', ({ arn, want }) => {
    expect(targetGroupMetrics(arn)).toEqual(want);
  });

  it.each([
    'targetgroup/k8s-test-podinfoc-0d1e2f3a4b/73e2d6bc24d8a067',
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/k8s-test/50dc6c495c0c9188',
    `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/a"b/73e2d6bc24d8a067`,
    `arn:aws:elasticloadbalancing:eu-west-1:123456789012:${TG}' ) or x`,
  ])('refuses %s', (arn) => {
    expect(() => targetGroupMetrics(arn)).toThrow(/is not a target group ARN/);
  });
});

const canary: CheckContext = {
  name: 'podinfo',
  namespace: 'test',
  target: 'podinfo',
  service: 'podinfo',
  provider: 'alb',
};
const def = { name: 'request-success-rate', interval: '60s' };

/** An in-memory cluster: ARNs by `namespace/service`, and the questions asked. */
function cluster(arns: Record<string, string[]>): CheckCluster & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    targetGroups: (namespace, service) => {
      asked.push(`${namespace}/${service}`);
      return Promise.resolve(arns[`${namespace}/${service}`] ?? []);
    },
  };
}

describe('resolving the alb builtins', () => {
  it("runs the canary target group's queries as a cloudwatch template of the ARN's region", async () => {
    const c = cluster({ 'test/podinfo-canary': [ARN] });
    const r = await resolveAlbBuiltin('request-success-rate', def, canary, c, signal);
    expect(c.asked).toEqual(['test/podinfo-canary']);
    expect(r).toMatchObject({ source: 'builtin', builtin: 'request-success-rate' });
    expect(r.query).toBe(albCheckQuery('request-success-rate', TG, 60));
    expect(r.template).toEqual({
      name: 'podinfo-request-success-rate',
      namespace: 'test',
      provider: { type: 'cloudwatch', region: 'eu-west-1' },
      query: r.query,
      label: `builtin request-success-rate of ${TG}`,
    });
  });

  it("reads the primary's target group for the primary side", async () => {
    const c = cluster({
      'test/podinfo-primary': [`arn:aws:elasticloadbalancing:eu-west-1:123456789012:${PRIMARY_TG}`],
    });
    const r = await resolveAlbBuiltin('request-duration', def, canary, c, signal, 'primary');
    expect(c.asked).toEqual(['test/podinfo-primary']);
    expect(r.query).toContain(PRIMARY_TG);
  });

  it('goes through the resolver for the builtin names and their window', async () => {
    const resolver = new PrometheusCheckQueries({ get: () => Promise.resolve(undefined) });
    const c = cluster({ 'test/podinfo-canary': [ARN] });
    const r = await resolver.resolve({ name: 'request-duration', interval: '2m' }, canary, signal, c);
    expect(r.query).toBe(albCheckQuery('request-duration', TG, 120));
    expect(r.builtin).toBe('request-duration');
  });

  it.each([
    {
      name: 'no binding: names the Service and the kubectl command',
      arns: {} as Record<string, string[]>,
      reason: 'NoTargetGroup',
      message:
        /^metric "request-success-rate": no TargetGroupBinding binds Service test\/podinfo-canary .*; see kubectl get targetgroupbindings -n test$/,
    },
    {
      name: 'two target groups: names both',
      arns: { 'test/podinfo-canary': [ARN, ARN.replace('73e2', 'ffff')] },
      reason: 'NoTargetGroup',
      message: /is bound to 2 target groups \(arn:.*, arn:.*\); the builtin reads one/,
    },
    {
      name: 'a malformed ARN',
      arns: { 'test/podinfo-canary': ['arn:aws:elasticloadbalancing:eu-west-1:1:nope'] },
      reason: 'InvalidInput',
      message:
        /TargetGroupBinding of Service test\/podinfo-canary has spec.targetGroupARN "arn:.*nope" is not a target group ARN/,
    },
  ])('refuses with $name', async ({ arns, reason, message }) => {
    const call = resolveAlbBuiltin('request-success-rate', def, canary, cluster(arns), signal);
    await expect(call).rejects.toThrow(CheckResolutionError);
    await expect(call).rejects.toMatchObject({ reason, message: expect.stringMatching(message) });
  });

  it('refuses without a cluster to read (a replay)', async () => {
    const resolver = new PrometheusCheckQueries({ get: () => Promise.resolve(undefined) });
    await expect(resolver.resolve(def, canary, signal)).rejects.toMatchObject({
      reason: 'BuiltinNotAvailable',
      message: expect.stringContaining('TargetGroupBinding, which needs the cluster'),
    });
  });
});
