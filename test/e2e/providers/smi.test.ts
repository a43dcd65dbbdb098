/**
 * Flagger's `smi:<version>` providers end to end: the TrafficSplit of the version the provider
 * string names carries the weights (quantities in v1alpha1, integers after), and the analysis
 * reads Istio's metrics, as Flagger's SMI providers fall back to the Istio observer.
 */
import { describe, expect, it } from 'vitest';
import { podinfoCanary } from '../../support/release.js';
import {
  analysedChecks,
  ANALYSIS,
  initialize,
  lastIntervalSuccessRate,
  metricNames,
  primaryImage,
  release,
  startMeshWorld,
  type MeshWorld,
} from './mesh-harness.js';

const ISTIO_METRICS = ['istio_request_duration_milliseconds_bucket', 'istio_requests_total'];

interface SplitView {
  apiVersion: string;
  spec: { service: string; backends: { service: string; weight: number | string }[] };
}

const split = (w: MeshWorld, version: string) =>
  w.sandbox.store.get(`split.smi-spec.io/${version}`, 'TrafficSplit', 'test', 'podinfo') as unknown as
    SplitView | undefined;

const canaryWeight = (w: MeshWorld, version: string) =>
  Number(split(w, version)?.spec.backends.find((b) => b.service === 'podinfo-canary')?.weight ?? NaN);

describe('SMI TrafficSplit providers', () => {
  it.each([
    { version: 'v1alpha1', initial: ['0', '100'] },
    { version: 'v1alpha2', initial: [0, 100] },
    { version: 'v1alpha3', initial: [0, 100] },
    { version: 'v1alpha4', initial: [0, 100] },
  ])('smi:$version promotes a healthy version through its TrafficSplit', async ({ version, initial }) => {
    const w = await startMeshWorld();
    await initialize(w, podinfoCanary(ANALYSIS, { provider: `smi:${version}` }));
    const stored = split(w, version);
    expect(stored?.apiVersion).toBe(`split.smi-spec.io/${version}`);
    expect(stored?.spec.backends.map((b) => b.weight)).toEqual(initial);
    const run = await release(
      w,
      'podinfo:6.0.1',
      (p) => p === 'Succeeded',
      () => canaryWeight(w, version),
    );
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 10, 20, 30, 0]);
    expect(primaryImage(w)).toBe('podinfo:6.0.1');
    expect(metricNames(w.queries)).toEqual(ISTIO_METRICS);
  });

  it('smi:v1alpha3:linkerd rolls back a faulty version', async () => {
    const w = await startMeshWorld();
    await initialize(w, podinfoCanary(ANALYSIS, { provider: 'smi:v1alpha3:linkerd' }));
    const run = await release(
      w,
      'podinfo:6.0.1-faulty',
      (p) => p === 'Failed',
      () => canaryWeight(w, 'v1alpha3'),
    );
    expect(run.row?.status).toMatchObject({ phase: 'Failed', failedChecks: 2, canaryWeight: 0 });
    expect(run.weights).toEqual([0, 10, 0]);
    const rate = (await analysedChecks(w)).at(-1)!.checks.find((c) => c.name === 'request-success-rate')!;
    expect(rate.value).toBeCloseTo(lastIntervalSuccessRate(run), 9);
    expect(primaryImage(w)).toBe('podinfo:6.0.0');
  });
});
