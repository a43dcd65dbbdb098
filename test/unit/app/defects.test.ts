/**
 * The defects of issue 12, one test each, through the use cases on in-memory fakes (they were found
 * by end-to-end runs; each would have been a few milliseconds here).
 */
import { anAdmin } from '../../support/fakes/access.js';
import { describe, expect, it } from 'vitest';
import { requestAction } from '../../../lib/app/operator-actions.js';
import type { StepOutcome } from '../../../lib/app/run-step.js';
import type { Provider } from '../../../lib/domain/spec/accessors.js';
import { makeLoadtester, silentLogger } from '../../../lib/loadtester/index.js';
import type { ClusterRecord } from '../../../lib/ports/cluster.js';
import { NotFoundError, UnavailableError } from '../../../lib/ports/errors.js';
import { InvalidRoutesError } from '../../../lib/ports/router.js';
import { recordOutcome } from '../../../functions/step/metrics.js';
import { aCanary } from '../../support/builders.js';
import { answered } from '../../support/fakes/checks.js';
import { FakeCluster } from '../../support/fakes/cluster.js';
import { FakeGateStore } from '../../support/fakes/gates.js';
import {
  anAppWorld,
  initialized,
  key,
  nextStep,
  reasons,
  register,
  signal,
  stepNow,
  stepUntil,
  type AppWorld,
} from './harness.js';

/** Starts the release of rev-2 and runs `steps` more steps (the canary at 10 % after two). */
async function released(w: AppWorld, steps: number, canary = aCanary()): Promise<void> {
  await initialized(w, canary);
  w.cluster.workloads.target!.revision = 'rev-2';
  for (let i = 0; i < steps; i++) await nextStep(w);
}

/** A class whose name is not its class's: matching must go by class. */
class RenamedRoutesError extends InvalidRoutesError {
  override readonly name: string = 'NoRoutesError';
}

describe('an existing VirtualService or HTTPRoute that does not route to primary/canary yet', () => {
  it.each([
    { name: 'reads as no routes (the port contract)', error: undefined },
    {
      name: 'throws InvalidRoutesError',
      error: new InvalidRoutesError('VirtualService test/podinfo has no route'),
    },
    { name: 'throws a renamed subclass of it', error: new RenamedRoutesError('VirtualService test/podinfo') },
    { name: 'throws NotFoundError', error: new NotFoundError('VirtualService test/podinfo not found') },
  ])('is taken over at initialization when reading it $name', async ({ error }) => {
    const w = anAppWorld();
    w.cluster.routes.foreign = 'VirtualService test/podinfo (hosts app.example.com)';
    w.cluster.routes.foreignReadError = error;
    await register(w);

    const outcomes = await stepUntil(w, ['Initialized'], { max: 5 });

    expect(reasons(outcomes)).toEqual(['Initializing', 'Initialized']);
    expect(w.history.of(key).map((h) => h.reason)).not.toContain('StepFailed');
    expect(w.cluster.routes.routes).toEqual({ primary: 100, canary: 0, mirrored: false });
    expect(w.cluster.events.reasons()).toContain('RoutesAdopted');
  });

  it('still fails the step on any other error (the API server down)', async () => {
    const w = anAppWorld();
    w.cluster.routes.foreign = 'VirtualService test/podinfo';
    w.cluster.routes.foreignReadError = new UnavailableError('API server down');
    await register(w);
    expect((await stepNow(w)).kind).toBe('failed');
    expect(w.cluster.workloads.calls.count('bootstrap')).toBe(0);
  });
});

describe('a primary scaled to zero is not ready', () => {
  it('initialization waits instead of moving the apex to a primary with no pods', async () => {
    const w = anAppWorld();
    w.cluster.workloads.target!.replicas = 0; // bootstrap copies it: the primary gets 0 too
    await register(w);

    const outcomes = await stepUntil(w, ['Initialized'], { max: 4 });

    expect(reasons(outcomes)).not.toContain('Initialized');
    expect(w.cluster.workloads.apex).toBeUndefined();
    expect(w.history.of(key).at(-1)!.explanation).toContain('scaled to zero');
  });

  it('the analysis does not advance while the primary is at zero', async () => {
    const w = anAppWorld();
    await released(w, 2);
    const weight = w.cluster.routes.routes!.canary;
    w.cluster.workloads.primary!.replicas = 0;

    for (let i = 0; i < 3; i++) await nextStep(w);

    expect(w.cluster.routes.routes!.canary).toBe(weight);
    expect(w.history.of(key).at(-1)!.explanation).toContain('scaled to zero');
  });
});

describe('the default provider', () => {
  it.each<{ name: string; deployment: Provider; cluster?: Provider; canary?: Provider; want: Provider }>([
    { name: 'DEFAULT_PROVIDER when nothing else names one', deployment: 'gatewayapi', want: 'gatewayapi' },
    {
      name: "the cluster's default over DEFAULT_PROVIDER",
      deployment: 'gatewayapi',
      cluster: 'contour',
      want: 'contour',
    },
    {
      name: "the canary's own over both",
      deployment: 'gatewayapi',
      cluster: 'contour',
      canary: 'istio',
      want: 'istio',
    },
  ])('routes with $name', async ({ deployment, cluster, canary, want }) => {
    const record: ClusterRecord = { name: 'test-cluster', kind: 'endpoint', server: 'https://10.0.0.1:6443' };
    if (cluster) record.defaultProvider = cluster;
    const w = anAppWorld({ defaultProvider: deployment, clusters: [new FakeCluster(record)] });
    await initialized(w, aCanary(canary ? { provider: canary } : {}));
    expect(new Set(w.cluster.providers)).toEqual(new Set([want]));
  });
});

describe('operator actions are not analysis', () => {
  it('pause → resume within seconds runs no check, counts no failure and keeps the schedule', async () => {
    const w = anAppWorld();
    await released(w, 2, aCanary({ threshold: 2 }));
    w.cluster.metricsServer.answer = () => ({ kind: 'value', value: 0 }); // every analysis would fail
    const scheduled = w.store.peek(key)!.nextRunAt!;
    const queries = w.cluster.metricsServer.calls.count('query');

    for (const kind of ['pause', 'resume'] as const) {
      w.clock.now += 2_000;
      await requestAction(w.operator, anAdmin('bob'), key, { kind, by: 'bob' }, signal);
      await stepNow(w, { action: true });
    }
    w.clock.now += 2_000;
    await expect(
      requestAction(w.operator, anAdmin('bob'), key, { kind: 'approve', by: 'bob' }, signal),
    ).rejects.toThrow('no pending gate');

    expect(w.cluster.metricsServer.calls.count('query')).toBe(queries);
    expect(w.store.peek(key)!.status).toMatchObject({ phase: 'Progressing', failedChecks: 0 });
    expect(w.store.peek(key)!.nextRunAt).toBe(scheduled);
    // The analysis at its time counts one failure, not three.
    await nextStep(w);
    expect(w.store.peek(key)!.status).toMatchObject({ phase: 'Progressing', failedChecks: 1 });
  });
});

describe('clusters are isolated', () => {
  const clusterNamed = (name: string) =>
    new FakeCluster({
      name,
      kind: 'endpoint',
      server: `https://${name}.example:6443`,
      metrics: { labels: { cluster: `prod-${name}` } },
    });
  const keyIn = (cluster: string) => ({ ...key, cluster });

  it("one cluster's failing metrics roll back only its own canary, queried with its own labels", async () => {
    const eu = clusterNamed('eu');
    const us = clusterNamed('us');
    const w = anAppWorld({ clusters: [eu, us] });
    eu.metricsServer.answer = () => ({ kind: 'value', value: 80 });
    for (const c of [eu, us]) {
      await initialized(w, aCanary({ threshold: 2 }), keyIn(c.record.name));
      c.workloads.target!.revision = 'rev-2';
    }

    await stepUntil(w, ['Failed', 'Succeeded'], { key: keyIn('eu') });
    await stepUntil(w, ['Failed', 'Succeeded'], { key: keyIn('us') });

    expect(w.store.peek(keyIn('eu'))!.status.phase).toBe('Failed');
    expect(w.store.peek(keyIn('us'))!.status.phase).toBe('Succeeded');
    const queries = (c: FakeCluster) => c.metricsServer.calls.args('query').map(([q]) => q as string);
    expect(queries(eu).every((q) => q.includes('cluster="prod-eu"'))).toBe(true);
    expect(queries(us).every((q) => q.includes('cluster="prod-us"'))).toBe(true);
    expect([queries(eu).length, queries(us).length]).toEqual([4, 10]);
  });

  it("one cluster's open gate releases only that cluster's canary (one load tester for both)", async () => {
    const gates = new FakeGateStore();
    const loadtester = makeLoadtester({ gates, logger: silentLogger });
    const eu = clusterNamed('eu');
    const us = clusterNamed('us');
    for (const c of [eu, us])
      c.hooks.answer = async (call) => {
        const r = await loadtester({ method: 'POST', path: new URL(call.url).pathname, body: call.payload });
        return answered(call, r.status, r.body);
      };
    const w = anAppWorld({ clusters: [eu, us] });
    const gated = aCanary({
      webhooks: [{ name: 'gate', type: 'confirm-rollout', url: 'http://lt.test/gate/check' }],
    });
    for (const c of [eu, us]) {
      await initialized(w, gated, keyIn(c.record.name));
      c.workloads.target!.revision = 'rev-2';
      await nextStep(w, { key: keyIn(c.record.name) });
    }
    expect(w.store.peek(keyIn('eu'))!.status.phase).toBe('Waiting');

    await loadtester({
      method: 'POST',
      path: '/gate/open',
      body: { name: 'podinfo', namespace: 'test', metadata: { cluster: 'eu' } },
    });
    await nextStep(w, { key: keyIn('eu') });
    await nextStep(w, { key: keyIn('us') });

    expect(w.store.peek(keyIn('eu'))!.status.phase).toBe('Progressing');
    expect(w.store.peek(keyIn('us'))!.status.phase).toBe('Waiting');
    expect(us.hooks.made().every((c) => c.payload.metadata?.cluster === 'us')).toBe(true);
  });
});

describe('release metrics', () => {
  it('count a release once, on the step that ends it; idle steps after it count none', async () => {
    const w = anAppWorld();
    await released(w, 0);
    const outcomes: StepOutcome[] = await stepUntil(w, ['Succeeded']);
    for (let i = 0; i < 3; i++) outcomes.push(await nextStep(w)); // idle steps in Succeeded

    const metrics: Record<string, number> = {};
    const perCanary: string[] = [];
    const sink = {
      addMetric: (name: string, _unit: string, value: number) =>
        (metrics[name] = (metrics[name] ?? 0) + value),
      singleMetric: () => ({
        addDimension: () => undefined,
        addMetric: (name: string) => perCanary.push(name),
      }),
    };
    for (const o of outcomes) recordOutcome(sink, o);

    expect(metrics.ReleasesSucceeded).toBe(1);
    // Per canary: weight and failed checks of every step up to the one that ends the release.
    expect(perCanary).toHaveLength(2 * (outcomes.length - 3));
    expect(metrics.ReleasesFailed).toBeUndefined();
    expect(metrics.StepsDecided).toBe(outcomes.length);
  });
});
