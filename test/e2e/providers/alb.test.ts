/**
 * AWS Load Balancer Controller end to end, CloudWatch only: the router's weighted forward action on
 * the `podinfo` Ingress moves the traffic the simulator sends, the sandbox's CloudWatch
 * (GetMetricData over HTTP, reached by the real SDK client) answers the ALB's per-target-group
 * metrics from that traffic, and the analysis reads them through a `cloudwatch` MetricTemplate.
 * There is no Prometheus at all. The Lambda handlers run on a virtual clock.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { albRouteWeights } from '../../../lib/adapters/routers/alb/ingress.js';
import { albMetricSource, albTargetGroup } from '../../../sandbox/cloudwatch/alb-source.js';
import { startCloudWatch, type LocalCloudWatch } from '../../../sandbox/cloudwatch/server.js';
import { podinfoKey } from '../../support/release.js';
import { expectShare } from '../../support/stochastic.js';
import { podinfoIngress } from '../../unit/routers/ingress-fixtures.js';
import {
  analysedChecks,
  lastChecks,
  primaryImage,
  expectAbSplit,
  release,
  startProvider,
  type ProviderSetup,
} from './ingress-harness.js';

const canaryTg = albTargetGroup('test', 'podinfo-canary', 'podinfo', 'podinfo');
const primaryTg = albTargetGroup('test', 'podinfo-primary', 'podinfo-primary', 'podinfo');
let cloudwatch: LocalCloudWatch | undefined;

afterEach(async () => {
  await cloudwatch?.close();
  cloudwatch = undefined;
});

/** Flagger's CloudWatch template shape, per target group (its dimensions from templateVariables). */
const stat = (id: string, name: string, s: string) => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: 'AWS/ApplicationELB',
      MetricName: name,
      Dimensions: [
        { Name: 'TargetGroup', Value: '{{ variables.targetGroup }}' },
        { Name: 'LoadBalancer', Value: '{{ variables.loadBalancer }}' },
      ],
    },
    Period: 10,
    Stat: s,
  },
  ReturnData: false,
});
const TEMPLATES = {
  'alb-error-rate': [
    stat('requests', 'RequestCount', 'Sum'),
    stat('errors', 'HTTPCode_Target_5XX_Count', 'Sum'),
    { Id: 'rate', Expression: '100 * errors / requests', ReturnData: true },
  ],
  'alb-p99-ms': [
    stat('p99', 'TargetResponseTime', 'p99'),
    { Id: 'ms', Expression: 'p99 * 1000', ReturnData: true },
  ],
};
const vars = `templateVariables: { targetGroup: "${canaryTg.targetGroup}", loadBalancer: "${canaryTg.loadBalancer}" }`;

const alb: ProviderSetup = {
  provider: 'alb',
  extraSpec: '  ingressRef: { apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo }\n',
  objects: [podinfoIngress()],
  analysis: `threshold: 2
maxWeight: 30
stepWeight: 10
metrics:
  - { name: error-rate, templateRef: { name: alb-error-rate }, ${vars}, thresholdRange: { max: 1 }, interval: 10s }
  - { name: latency, templateRef: { name: alb-p99-ms }, ${vars}, thresholdRange: { max: 500 }, interval: 10s }`,
  weights: (sandbox, canary) => {
    const ing = sandbox.store.get('networking.k8s.io/v1', 'Ingress', 'test', 'podinfo');
    const w = albRouteWeights(canary, ing?.metadata.annotations);
    return w ? [w.primary, w.canary] : [100, 0];
  },
  async metrics(sim) {
    cloudwatch = await startCloudWatch(albMetricSource(sim, [canaryTg, primaryTg]));
    const endpoint = cloudwatch.url;
    const credentials = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret-key' };
    return { cloudwatch: (region) => new CloudWatchClient({ region, endpoint, credentials }) };
  },
  async prepare(cp) {
    for (const [name, query] of Object.entries(TEMPLATES)) {
      const body = {
        provider: { type: 'cloudwatch', region: 'ap-northeast-1' },
        query: JSON.stringify(query),
      };
      expect((await cp.api('PUT', `/templates/test/${name}`, body)).status).toBeLessThan(300);
    }
  },
};

describe('ALB release analysed on CloudWatch only (no Prometheus)', () => {
  it('promotes a healthy version step by step through the weighted forward action', async () => {
    const w = await startProvider(alb);
    const run = await release(w, alb, 'podinfo:6.0.1', (p) => p === 'Succeeded');
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 10, 20, 30, 0]);
    const during = run.traffic.filter((t) => t.weight > 0);
    for (const t of during) {
      expectShare(t.canary, t.sent, t.weight / 100, 2);
      expect(t.primary).toBe(t.sent - t.canary);
    }
    const checks = await analysedChecks(w);
    const rates = checks.filter((c) => c.name === 'error-rate');
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.every((c) => c.verdict === 'pass' && c.value === 0)).toBe(true);
    expect(rates[0].query).toContain(canaryTg.targetGroup);
    const latency = checks.filter((c) => c.name === 'latency');
    expect(latency.every((c) => c.verdict === 'pass' && c.value! > 0)).toBe(true);
    expect(primaryImage(w.sandbox)).toBe('podinfo:6.0.1');
    // Every check of every step was one GetMetricData call.
    const history = await w.cp.core.history.list(podinfoKey, { limit: 100 }, new AbortController().signal);
    const all = history.flatMap((h) => h.checks ?? []);
    expect(all.length).toBeGreaterThan(checks.length);
    expect(cloudwatch!.requests.length).toBe(all.length);
  });

  it('rolls back a version answering 30 % errors', async () => {
    const w = await startProvider(alb);
    const run = await release(w, alb, 'podinfo:6.0.1-faulty', (p) => p === 'Failed');
    expect(run.row?.status).toMatchObject({ phase: 'Failed', failedChecks: 2, canaryWeight: 0 });
    expect(run.weights).toEqual([0, 10, 0]);
    const failing = (await lastChecks(w)).find((c) => c.name === 'error-rate')!;
    expect(failing.verdict).toBe('fail');
    expect(failing.value).toBeGreaterThan(10);
    expect(failing.value).toBeLessThan(60);
    expect(primaryImage(w.sandbox)).toBe('podinfo:6.0.0');
  });

  it('A/B: only insiders (an http-header condition) reach the canary, then it is promoted', async () => {
    const ab: ProviderSetup = {
      ...alb,
      analysis: `threshold: 2
iterations: 2
match:
  - headers: { x-canary: { exact: insider } }
metrics:
  - { name: error-rate, templateRef: { name: alb-error-rate }, ${vars}, thresholdRange: { max: 1 }, interval: 10s }`,
    };
    const w = await startProvider(ab);
    const run = await release(w, ab, 'podinfo:6.0.1', (p) => p === 'Succeeded');
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 100, 0]);
    // 10 % of the simulated requests carry the insider header.
    expectAbSplit(run, 0.1);
  });
});
