/**
 * Linkerd end to end: releases routed by the SMI TrafficSplit Flagger's `linkerd` provider writes
 * (v1alpha1, quantity weights) and by Linkerd's Gateway API path (an HTTPRoute attached to the
 * apex Service), analysed with Linkerd's `response_total` / `response_latency_ms_bucket`.
 */
import { describe, expect, it } from 'vitest';
import { podinfoCanary } from '../../support/release.js';
import {
  AB_ANALYSIS,
  analysedChecks,
  BG_ANALYSIS,
  expectBlueGreenAnalysis,
  expectPromoted,
  expectRolledBack,
  LOAD_TESTED,
  ANALYSIS,
  initialize,
  metricNames,
  primaryImage,
  release,
  expectCanaryShares,
  lastIntervalSuccessRate,
  startMeshWorld,
  type MeshWorld,
} from './mesh-harness.js';

const LINKERD_METRICS = ['response_latency_ms_bucket', 'response_total'];

interface SplitView {
  apiVersion: string;
  spec: { service: string; backends: { service: string; weight: string }[] };
}

const split = (w: MeshWorld) =>
  w.sandbox.store.get('split.smi-spec.io/v1alpha1', 'TrafficSplit', 'test', 'podinfo') as unknown as
    SplitView | undefined;

const splitCanaryWeight = (w: MeshWorld) =>
  Number(split(w)?.spec.backends.find((b) => b.service === 'podinfo-canary')?.weight ?? NaN);

interface RouteView {
  spec: {
    parentRefs: unknown[];
    rules: { matches: unknown[]; backendRefs: { name: string; weight?: number }[] }[];
  };
}

const httpRoute = (w: MeshWorld) =>
  w.sandbox.store.get('gateway.networking.k8s.io/v1beta1', 'HTTPRoute', 'test', 'podinfo') as unknown as
    RouteView | undefined;

const routeCanaryWeight = (w: MeshWorld) =>
  httpRoute(w)?.spec.rules[0].backendRefs.find((b) => b.name === 'podinfo-canary')?.weight ?? NaN;

/** Flagger v1.44's Linkerd guide: the HTTPRoute attaches to the apex Service itself. */
const SERVICE_PARENT =
  'service: { port: 9898, gatewayRefs: [{ name: podinfo, namespace: test, group: core, kind: Service, port: 9898 }] }';

describe('Linkerd (SMI TrafficSplit)', () => {
  it('promotes a healthy version step by step through the TrafficSplit', async () => {
    const w = await startMeshWorld();
    await initialize(w, podinfoCanary(ANALYSIS, { provider: 'linkerd' }));
    expect(split(w)?.spec).toEqual({
      service: 'podinfo',
      backends: [
        { service: 'podinfo-canary', weight: '0' },
        { service: 'podinfo-primary', weight: '100' },
      ],
    });
    const run = await release(
      w,
      'podinfo:6.0.1',
      (p) => p === 'Succeeded',
      () => splitCanaryWeight(w),
    );
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 10, 20, 30, 0]);
    expect(primaryImage(w)).toBe('podinfo:6.0.1');
    const checks = (await analysedChecks(w)).flatMap((s) => s.checks);
    expect(checks.filter((c) => c.name === 'request-success-rate').map((c) => c.value)).toEqual([
      100, 100, 100,
    ]);
    expect(metricNames(w.queries)).toEqual(LINKERD_METRICS);
    // The canary's share of the simulated requests follows the split, interval by interval.
    expect(run.during).toEqual([0, 0, 10, 20, 30, 30, 0]);
    expectCanaryShares(w, run, (weight) => weight / 100);
  });

  it('rolls back a version that answers 30 % errors', async () => {
    const w = await startMeshWorld();
    await initialize(w, podinfoCanary(ANALYSIS, { provider: 'linkerd' }));
    const run = await release(
      w,
      'podinfo:6.0.1-faulty',
      (p) => p === 'Failed',
      () => splitCanaryWeight(w),
    );
    expect(run.row?.status).toMatchObject({ phase: 'Failed', failedChecks: 2, canaryWeight: 0 });
    expect(run.weights).toEqual([0, 10, 0]);
    const last = (await analysedChecks(w)).at(-1)!;
    const rate = last.checks.find((c) => c.name === 'request-success-rate')!;
    expect(rate.verdict).toBe('fail');
    expect(rate.value).toBeCloseTo(lastIntervalSuccessRate(run), 9);
    expect(primaryImage(w)).toBe('podinfo:6.0.0');
    expect(metricNames(w.queries)).toEqual(LINKERD_METRICS);
  });
});

describe('Linkerd (SMI TrafficSplit) blue/green', () => {
  it('keeps every request on the primary through the iterations, switches for the promotion, then back', async () => {
    const w = await startMeshWorld({}, LOAD_TESTED);
    await initialize(w, podinfoCanary(BG_ANALYSIS, { provider: 'linkerd' }));
    await expectPromoted(w, () => splitCanaryWeight(w), [0, 100, 0]);
    await expectBlueGreenAnalysis(w);
    expect(metricNames(w.queries)).toEqual(LINKERD_METRICS);
  });

  it('rolls back a faulty version without ever routing clients to it', async () => {
    const w = await startMeshWorld({}, LOAD_TESTED);
    await initialize(w, podinfoCanary(BG_ANALYSIS, { provider: 'linkerd' }));
    await expectRolledBack(w, () => splitCanaryWeight(w), [0]);
  });
});

describe('Linkerd (SMI TrafficSplit) A/B', () => {
  it('is refused at registration, at the field that asks for it', async () => {
    const w = await startMeshWorld();
    await w.cp.api('POST', '/clusters', {
      name: 'sandbox',
      kind: 'endpoint',
      server: w.sandbox.httpUrl,
      token: w.sandbox.token,
    });
    const r = await w.cp.api('POST', '/canaries', podinfoCanary(AB_ANALYSIS, { provider: 'linkerd' }), {
      cluster: 'sandbox',
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        path: 'spec.analysis.match',
        message: expect.stringMatching(/^provider "linkerd" routes with an SMI TrafficSplit/),
      }),
    ]);
  });
});

describe('Linkerd (Gateway API HTTPRoute, as Flagger v1.44 runs it)', () => {
  const manifest = (analysis: string) =>
    podinfoCanary(analysis, { provider: 'linkerd' }).replace('service: { port: 9898 }', SERVICE_PARENT);

  it('promotes through the HTTPRoute backend weights and writes no TrafficSplit', async () => {
    const w = await startMeshWorld();
    await initialize(w, manifest(ANALYSIS));
    expect(httpRoute(w)?.spec.parentRefs).toEqual([
      { group: 'core', kind: 'Service', name: 'podinfo', namespace: 'test', port: 9898 },
    ]);
    const run = await release(
      w,
      'podinfo:6.0.1',
      (p) => p === 'Succeeded',
      () => routeCanaryWeight(w),
    );
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 10, 20, 30, 0]);
    expect(split(w)).toBeUndefined();
    expect(metricNames(w.queries)).toEqual(LINKERD_METRICS);
  });

  it('rolls back a faulty version', async () => {
    const w = await startMeshWorld();
    await initialize(w, manifest(ANALYSIS));
    const run = await release(
      w,
      'podinfo:6.0.1-faulty',
      (p) => p === 'Failed',
      () => routeCanaryWeight(w),
    );
    expect(run.row?.status).toMatchObject({ phase: 'Failed', canaryWeight: 0 });
    expect(run.weights).toEqual([0, 10, 0]);
    expect(primaryImage(w)).toBe('podinfo:6.0.0');
  });

  it('A/B: only requests with the header reach the canary, then the version is promoted', async () => {
    const w = await startMeshWorld();
    await initialize(w, manifest(AB_ANALYSIS));
    const run = await release(
      w,
      'podinfo:6.0.1',
      (p) => p === 'Succeeded',
      () => routeCanaryWeight(w),
    );
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 100, 0]);
    // The matched rule sends every request carrying x-canary: insider (10 %) to the canary.
    const tested = run.during.filter((x) => x === 100).length;
    expect(tested).toBeGreaterThanOrEqual(2);
    // The simulator's 10 % of requests with the header, in the intervals the canary was tested.
    expectCanaryShares(w, run, (weight) => (weight === 100 ? 0.1 : 0));
    expect(primaryImage(w)).toBe('podinfo:6.0.1');
  });
});
