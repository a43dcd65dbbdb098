/**
 * Consul service mesh end to end: podinfo's pods register as the Consul service `podinfo`
 * (`consul.hashicorp.com/connect-service`), the ServiceResolver's subsets tell the primary and
 * canary instances apart, the ServiceSplitter carries the weights and, for A/B tests, the
 * ServiceRouter sends matching requests to the canary subset. The analysis reads the Envoy
 * inbound cluster `local_app` of each side's pods.
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

const ENVOY_METRICS = ['envoy_cluster_upstream_rq', 'envoy_cluster_upstream_rq_time_bucket'];
const CONNECT = { 'consul.hashicorp.com/connect-service': 'podinfo' };
const V1 = 'consul.hashicorp.com/v1alpha1';

const entry = (w: MeshWorld, kind: string) =>
  w.sandbox.store.get(V1, kind, 'test', 'podinfo') as unknown as
    { spec: Record<string, unknown> } | undefined;

const splitterCanaryWeight = (w: MeshWorld) => {
  const splits = (entry(w, 'ServiceSplitter')?.spec.splits ?? []) as {
    serviceSubset: string;
    weight: number;
  }[];
  return splits.find((s) => s.serviceSubset === 'canary')?.weight ?? NaN;
};

/** 100 while the ServiceRouter sends matched requests to the canary subset, else 0. */
const routerCanaryWeight = (w: MeshWorld) => {
  const routes = (entry(w, 'ServiceRouter')?.spec.routes ?? []) as {
    destination: { serviceSubset: string };
  }[];
  return routes[0]?.destination.serviceSubset === 'canary' ? 100 : 0;
};

describe('Consul service mesh', () => {
  it('creates the config entries and promotes a healthy version through the splitter', async () => {
    const w = await startMeshWorld(CONNECT);
    await initialize(w, podinfoCanary(ANALYSIS, { provider: 'consul' }));
    expect(entry(w, 'ServiceDefaults')?.spec).toEqual({ protocol: 'http' });
    expect(entry(w, 'ServiceResolver')?.spec).toEqual({
      defaultSubset: 'primary',
      subsets: {
        primary: {
          filter: 'Service.ID matches "^podinfo-primary-[a-z0-9]+-[a-z0-9]+-podinfo$"',
          onlyPassing: true,
        },
        canary: { filter: 'Service.ID matches "^podinfo-[a-z0-9]+-[a-z0-9]+-podinfo$"', onlyPassing: true },
      },
    });
    expect(entry(w, 'ServiceRouter')).toBeUndefined();

    const run = await release(
      w,
      'podinfo:6.0.1',
      (p) => p === 'Succeeded',
      () => splitterCanaryWeight(w),
    );
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 10, 20, 30, 0]);
    expect(primaryImage(w)).toBe('podinfo:6.0.1');
    expect(metricNames(w.queries)).toEqual(ENVOY_METRICS);
    expect(w.queries.every((q) => q.includes('envoy_cluster_name="local_app"'))).toBe(true);
    expectCanaryShares(w, run, (weight) => weight / 100);
  });

  it('rolls back a version that answers 30 % errors', async () => {
    const w = await startMeshWorld(CONNECT);
    await initialize(w, podinfoCanary(ANALYSIS, { provider: 'consul' }));
    const run = await release(
      w,
      'podinfo:6.0.1-faulty',
      (p) => p === 'Failed',
      () => splitterCanaryWeight(w),
    );
    expect(run.row?.status).toMatchObject({ phase: 'Failed', failedChecks: 2, canaryWeight: 0 });
    expect(run.weights).toEqual([0, 10, 0]);
    const rate = (await analysedChecks(w)).at(-1)!.checks.find((c) => c.name === 'request-success-rate')!;
    expect(rate.value).toBeCloseTo(lastIntervalSuccessRate(run), 9);
    expect(primaryImage(w)).toBe('podinfo:6.0.0');
  });

  it('A/B: the ServiceRouter sends requests with the header to the canary subset', async () => {
    const w = await startMeshWorld(CONNECT);
    await initialize(w, podinfoCanary(AB_ANALYSIS, { provider: 'consul' }));
    expect(entry(w, 'ServiceRouter')?.spec).toEqual({
      routes: [
        {
          match: { http: { header: [{ name: 'x-canary', exact: 'insider' }] } },
          destination: { serviceSubset: 'primary' },
        },
      ],
    });
    const run = await release(
      w,
      'podinfo:6.0.1',
      (p) => p === 'Succeeded',
      () => routerCanaryWeight(w),
    );
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 100, 0]);
    expect(splitterCanaryWeight(w)).toBe(0);
    const tested = run.during.filter((x) => x === 100).length;
    expect(tested).toBeGreaterThanOrEqual(2);
    // The simulator's 10 % of requests with the header, in the intervals the canary was tested.
    expectCanaryShares(w, run, (weight) => (weight === 100 ? 0.1 : 0));
  });

  it('A/B: rolls back a faulty version tested by the matched requests only', async () => {
    const w = await startMeshWorld(CONNECT);
    await initialize(w, podinfoCanary(AB_ANALYSIS, { provider: 'consul' }));
    const run = await release(
      w,
      'podinfo:6.0.1-faulty',
      (p) => p === 'Failed',
      () => routerCanaryWeight(w),
    );
    expect(run.row?.status.phase).toBe('Failed');
    expect(routerCanaryWeight(w)).toBe(0);
    expect(primaryImage(w)).toBe('podinfo:6.0.0');
  });

  it('blue/green: the splitter keeps clients on the primary through the iterations, then switches for the promotion', async () => {
    const w = await startMeshWorld(CONNECT, LOAD_TESTED);
    await initialize(w, podinfoCanary(BG_ANALYSIS, { provider: 'consul' }));
    await expectPromoted(w, () => splitterCanaryWeight(w), [0, 100, 0]);
    await expectBlueGreenAnalysis(w);
    expect(metricNames(w.queries)).toEqual(ENVOY_METRICS);
  });

  it('blue/green: rolls back a faulty version without ever routing clients to it', async () => {
    const w = await startMeshWorld(CONNECT, LOAD_TESTED);
    await initialize(w, podinfoCanary(BG_ANALYSIS, { provider: 'consul' }));
    await expectRolledBack(w, () => splitterCanaryWeight(w), [0]);
  });
});
