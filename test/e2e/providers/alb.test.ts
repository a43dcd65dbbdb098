/**
 * AWS Load Balancer Controller end to end, CloudWatch only: the router's weighted forward action on
 * the `podinfo` Ingress moves the traffic the simulator sends, the sandbox's CloudWatch
 * (GetMetricData over HTTP, reached by the real SDK client) answers the ALB's per-target-group
 * metrics from that traffic, and the analysis reads them through the builtin checks (the target
 * group from the TargetGroupBinding the sandbox's load balancer controller made for
 * `podinfo-canary`, the load balancer by SEARCH) or through `cloudwatch` MetricTemplates.
 * There is no Prometheus at all. The Lambda handlers run on a virtual clock.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { albRouteWeights } from '../../../lib/adapters/routers/alb/ingress.js';
import {
  albMetricSource,
  albTargetGroup,
  boundTargetGroups,
} from '../../../sandbox/cloudwatch/alb-source.js';
import { startCloudWatch, type LocalCloudWatch } from '../../../sandbox/cloudwatch/server.js';
import { podinfoKey } from '../../support/release.js';
import { accessOf, rbacGrants } from '../../support/rbac.js';
import type { Sandbox } from '../../support/sandbox.js';
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
  type ProviderWorld,
} from './ingress-harness.js';

const canaryTg = albTargetGroup('test', 'podinfo-canary', 'podinfo');
const primaryTg = albTargetGroup('test', 'podinfo-primary', 'podinfo');
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
    // Every check of every step was one GetMetricData call; the others are the availability
    // probes at initialization (an empty query per template, docs/analysis.md).
    const history = await w.cp.core.history.list(podinfoKey, { limit: 100 }, new AbortController().signal);
    const all = history.flatMap((h) => h.checks ?? []);
    expect(all.length).toBeGreaterThan(checks.length);
    const probe = (r: Record<string, unknown>) =>
      (r.MetricDataQueries as unknown[] | undefined)?.length === 0;
    expect(cloudwatch!.requests.filter((r) => !probe(r)).length).toBe(all.length);
    expect(cloudwatch!.requests.filter(probe).length).toBe(2);
    // Templates name their target group: no step read a TargetGroupBinding.
    expect(bindingLists(w.sandbox)).toBe(0);
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

/** LISTs of TargetGroupBindings the control plane sent. */
function bindingLists(sandbox: Sandbox): number {
  return sandbox.selectRequests({ proxied: false }).filter((r) => r.path.includes('/targetgroupbindings'))
    .length;
}

/** Every Kubernetes request the control plane made (the test's own writes aside) is one rbac.yaml grants. */
function expectGrantedByRbac(sandbox: Sandbox): void {
  const step = rbacGrants('flagger-serverless');
  const sweep = rbacGrants('flagger-serverless-sweep');
  const denied = sandbox
    .selectRequests({ proxied: false })
    .filter((r) => /^\/apis?\//.test(r.path) && !r.query.includes('fieldManager=e2e'))
    .map((r) => ({ sweep: r.accept.includes('PartialObjectMetadata'), ...accessOf(r) }))
    .filter((a) => !(a.sweep ? sweep : step)(a));
  expect(denied).toEqual([]);
}

/**
 * The builtins with one-minute checks: a minute of traffic before each step, and steps one second
 * after a minute starts, so the newest complete CloudWatch minute is (almost all) the last interval.
 */
const builtins: ProviderSetup = {
  ...alb,
  objects: [podinfoIngress({ annotations: { 'kubernetes.io/ingress.class': 'alb' } })],
  secondsPerInterval: 60,
  analysis: `threshold: 2
maxWeight: 30
stepWeight: 10
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 1m }
  - { name: request-duration, thresholdRange: { max: 500 }, interval: 1m }`,
  async metrics(sim, sandbox) {
    // The target groups are those of the TargetGroupBindings in the cluster, as they are now.
    cloudwatch = await startCloudWatch(albMetricSource(sim, () => boundTargetGroups(sandbox.store)));
    const endpoint = cloudwatch.url;
    const credentials = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret-key' };
    return { cloudwatch: (region) => new CloudWatchClient({ region, endpoint, credentials }) };
  },
  prepare: undefined,
};

/** Runs traffic until the virtual clock is one second into a minute. */
function alignToMinute(w: ProviderWorld): void {
  w.cp.clock.now = Math.ceil(w.cp.clock.now / 1000) * 1000;
  while (Math.floor(w.cp.clock.now / 1000) % 60 !== 1) {
    w.cp.clock.now += 1000;
    w.sim.tick();
  }
}

describe('ALB release analysed by the builtin checks on CloudWatch (no Prometheus, no template)', () => {
  it('promotes a healthy version; one TargetGroupBinding list per analysed step', async () => {
    const w = await startProvider(builtins);
    alignToMinute(w);
    const run = await release(w, builtins, 'podinfo:6.0.1', (p) => p === 'Succeeded');
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 10, 20, 30, 0]);
    const checks = await analysedChecks(w);
    const rates = checks.filter((c) => c.name === 'request-success-rate');
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.every((c) => c.verdict === 'pass' && c.value === 100)).toBe(true);
    const [requests] = JSON.parse(rates[0].query!) as { Expression: string }[];
    expect(requests.Expression).toContain(`TargetGroup="${canaryTg.targetGroup}"`);
    const durations = checks.filter((c) => c.name === 'request-duration');
    expect(durations.every((c) => c.verdict === 'pass' && c.value! > 0 && c.value! < 500)).toBe(true);
    expect(primaryImage(w.sandbox)).toBe('podinfo:6.0.1');
    // Each step that ran the two checks listed the bindings once; each check was one GetMetricData.
    const history = await w.cp.core.history.list(podinfoKey, { limit: 100 }, new AbortController().signal);
    const analysed = history.filter((h) => (h.checks ?? []).length > 0);
    expect(analysed.every((h) => h.checks!.length === 2)).toBe(true);
    expect(bindingLists(w.sandbox)).toBe(analysed.length);
    expect(cloudwatch!.requests.length).toBe(2 * analysed.length);
    expectGrantedByRbac(w.sandbox);
  });

  it('rolls back a version answering 30 % errors (5xx against requests of its target group)', async () => {
    const w = await startProvider(builtins);
    alignToMinute(w);
    const run = await release(w, builtins, 'podinfo:6.0.1-faulty', (p) => p === 'Failed');
    expect(run.row?.status).toMatchObject({ phase: 'Failed', failedChecks: 2, canaryWeight: 0 });
    expect(run.weights).toEqual([0, 10, 0]);
    const failing = (await lastChecks(w)).find((c) => c.name === 'request-success-rate')!;
    expect(failing.verdict).toBe('fail');
    expect(failing.value).toBeGreaterThan(40);
    expect(failing.value).toBeLessThan(90);
    expect(primaryImage(w.sandbox)).toBe('podinfo:6.0.0');
  });

  it('rolls back a slow version (p99 TargetResponseTime over 500 ms)', async () => {
    const w = await startProvider(builtins);
    alignToMinute(w);
    const run = await release(w, builtins, 'podinfo:6.0.1-slow', (p) => p === 'Failed');
    expect(run.row?.status).toMatchObject({ phase: 'Failed', canaryWeight: 0 });
    expect(run.weights).toEqual([0, 10, 0]);
    const last = await lastChecks(w);
    expect(last.find((c) => c.name === 'request-success-rate')?.verdict).toBe('pass');
    const slow = last.find((c) => c.name === 'request-duration')!;
    expect(slow.verdict).toBe('fail');
    expect(slow.value).toBeGreaterThan(500);
    expect(primaryImage(w.sandbox)).toBe('podinfo:6.0.0');
  });

  it('fails the checks, naming the Service and the kubectl command, when no binding exists', async () => {
    // An Ingress of another class: the load balancer controller binds nothing.
    const unbound: ProviderSetup = { ...builtins, objects: [podinfoIngress()] };
    const w = await startProvider(unbound);
    alignToMinute(w);
    const run = await release(w, unbound, 'podinfo:6.0.1', (p) => p === 'Failed');
    expect(run.row?.status.phase).toBe('Failed');
    const failing = (await lastChecks(w)).find((c) => c.name === 'request-success-rate') as
      (Record<string, unknown> & { verdict: string }) | undefined;
    expect(failing?.verdict).toBe('error');
    expect(JSON.stringify(failing)).toContain('no TargetGroupBinding binds Service test/podinfo-canary');
    expect(JSON.stringify(failing)).toContain('kubectl get targetgroupbindings -n test');
    expect(cloudwatch!.requests).toHaveLength(0);
  });
});
