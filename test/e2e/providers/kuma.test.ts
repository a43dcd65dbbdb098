/**
 * Kuma end to end: the cluster-scoped TrafficRoute Flagger's `kuma` provider writes (in the mesh
 * the Canary's `kuma.io/mesh` annotation names) splits `podinfo_test_svc_9898` between the primary
 * and canary services, and the analysis reads Envoy's series by Kuma service, as Flagger's kuma
 * observer does.
 */
import { describe, expect, it } from 'vitest';
import { podinfoCanary } from '../../support/release.js';
import {
  AB_ANALYSIS,
  analysedChecks,
  ANALYSIS,
  BG_ANALYSIS,
  expectBlueGreenAnalysis,
  expectPromoted,
  expectRolledBack,
  LOAD_TESTED,
  initialize,
  metricNames,
  primaryImage,
  release,
  expectCanaryShares,
  lastIntervalSuccessRate,
  startMeshWorld,
  type MeshWorld,
} from './mesh-harness.js';
import { trafficRouteWeight } from './mesh-weights.js';

interface TrafficRouteView {
  mesh?: string;
  metadata: { namespace?: string; labels?: Record<string, string> };
}

const route = (w: MeshWorld) =>
  w.sandbox.store.get('kuma.io/v1alpha1', 'TrafficRoute', '', 'podinfo') as unknown as
    TrafficRouteView | undefined;

/** The protocol annotation Flagger's Kuma guide puts on the generated Services. */
const HTTP = { '9898.service.kuma.io/protocol': 'http' };
const HTTP_YAML = "{ annotations: { '9898.service.kuma.io/protocol': http } }";

const kumaCanary = (analysis: string) =>
  podinfoCanary(analysis, { provider: 'kuma' })
    .replace(
      'metadata: { name: podinfo, namespace: test }',
      "metadata: { name: podinfo, namespace: test, annotations: { 'kuma.io/mesh': demo } }",
    )
    .replace(
      'service: { port: 9898 }',
      `service: { port: 9898, apex: ${HTTP_YAML}, canary: ${HTTP_YAML}, primary: ${HTTP_YAML} }`,
    );

describe('Kuma', () => {
  it('promotes a healthy version through the cluster-scoped TrafficRoute', async () => {
    const w = await startMeshWorld();
    await initialize(w, kumaCanary(ANALYSIS));
    const created = route(w);
    expect(created?.mesh).toBe('demo');
    expect(created?.metadata.namespace).toBeUndefined();
    expect(created?.metadata.labels?.['flagger-serverless.io/namespace']).toBe('test');
    for (const name of ['podinfo', 'podinfo-canary', 'podinfo-primary']) {
      expect(w.sandbox.store.get('v1', 'Service', 'test', name)?.metadata.annotations).toEqual(HTTP);
    }
    const run = await release(
      w,
      'podinfo:6.0.1',
      (p) => p === 'Succeeded',
      () => trafficRouteWeight(w),
    );
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 10, 20, 30, 0]);
    expect(primaryImage(w)).toBe('podinfo:6.0.1');
    expect(metricNames(w.queries)).toEqual([
      'envoy_cluster_upstream_rq',
      'envoy_cluster_upstream_rq_time_bucket',
    ]);
    expect(w.queries.every((q) => q.includes('service=~"podinfo-canary_test_svc_[0-9a-zA-Z-]+"'))).toBe(true);
    expectCanaryShares(w, run, (weight) => weight / 100);
  });

  it('rolls back a version that answers 30 % errors', async () => {
    const w = await startMeshWorld();
    await initialize(w, kumaCanary(ANALYSIS));
    const run = await release(
      w,
      'podinfo:6.0.1-faulty',
      (p) => p === 'Failed',
      () => trafficRouteWeight(w),
    );
    expect(run.row?.status).toMatchObject({ phase: 'Failed', failedChecks: 2, canaryWeight: 0 });
    expect(run.weights).toEqual([0, 10, 0]);
    const rate = (await analysedChecks(w)).at(-1)!.checks.find((c) => c.name === 'request-success-rate')!;
    expect(rate.value).toBeCloseTo(lastIntervalSuccessRate(run), 9);
    expect(primaryImage(w)).toBe('podinfo:6.0.0');
  });

  it('A/B: the L7 rule sends requests with the header to the canary, the default split stays on the primary', async () => {
    const w = await startMeshWorld();
    await initialize(w, kumaCanary(AB_ANALYSIS));
    const matched = () => trafficRouteWeight(w, 0);
    const run = await release(w, 'podinfo:6.0.1', (p) => p === 'Succeeded', matched);
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 100, 0]);
    expect(trafficRouteWeight(w)).toBe(0);
    expect(run.during.filter((x) => x === 100).length).toBeGreaterThanOrEqual(2);
    // The simulator's 10 % of requests with the header, in the intervals the canary was tested.
    expectCanaryShares(w, run, (weight) => (weight === 100 ? 0.1 : 0));
  });

  it('blue/green: every client on the primary through the iterations, switched for the promotion', async () => {
    const w = await startMeshWorld({}, LOAD_TESTED);
    await initialize(w, kumaCanary(BG_ANALYSIS));
    await expectPromoted(w, () => trafficRouteWeight(w), [0, 100, 0]);
    await expectBlueGreenAnalysis(w);
  });

  it('blue/green: rolls back a faulty version without ever routing clients to it', async () => {
    const w = await startMeshWorld({}, LOAD_TESTED);
    await initialize(w, kumaCanary(BG_ANALYSIS));
    await expectRolledBack(w, () => trafficRouteWeight(w), [0]);
  });
});
