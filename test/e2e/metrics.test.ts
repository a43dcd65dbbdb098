/**
 * Metric-driven releases end to end: the handlers analyse a canary whose traffic comes from the
 * sandbox traffic simulator. Deterministic runs use the simulator on the control plane's clock and
 * the sandbox metrics provider; one run uses a real Prometheus scraping the simulator (mandatory
 * in CI, where REQUIRE_PROMETHEUS=1).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusClient } from '../../lib/adapters/prometheus/client.js';
import { builtinQuery } from '../../lib/adapters/prometheus/queries.js';
import type { CanaryStatus } from '../../lib/domain/status.js';
import type { CanaryRecord } from '../../lib/ports/store.js';
import {
  sandboxMetricsProvider,
  startTrafficSimulator,
  type TrafficSimulator,
} from '../../sandbox/traffic/index.js';
import { startControlPlane, type ControlPlane } from '../support/controlplane.js';
import { prometheusAvailability, startPrometheus, type PrometheusServer } from '../support/prometheus.js';
import {
  apply,
  initializeCanary,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey as key,
  virtualServiceWeights,
} from '../support/release.js';
import { startSandbox, type Sandbox } from '../support/sandbox.js';
import { binomialBounds, expectWithin } from '../support/stochastic.js';

const analysis = `threshold: 2
maxWeight: 30
stepWeight: 10
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }
  - { name: request-duration, thresholdRange: { max: 500 }, interval: 10s }`;

let sandbox: Sandbox | undefined;
let cp: ControlPlane | undefined;
let sim: TrafficSimulator | undefined;
let prom: PrometheusServer | undefined;

afterEach(async () => {
  await sim?.close();
  await prom?.stop();
  await cp?.close();
  await sandbox?.close();
  sim = prom = cp = sandbox = undefined;
});

interface Run {
  row: CanaryRecord<CanaryStatus> | undefined;
  weights: number[];
  /** The canary's requests and errors in the last interval. */
  last: { requests: number; errors: number };
}

/** One interval: traffic flows for 10 s of simulated time, then the step runs. */
async function interval(
  beforeStep: () => Promise<void> = () => Promise.resolve(),
): Promise<CanaryRecord<CanaryStatus> | undefined> {
  for (let s = 0; s < 10; s++) {
    cp!.clock.now += 1000;
    sim!.tick();
  }
  await beforeStep();
  return cp!.tick(key, 0);
}

async function release(
  image: string,
  until: (phase: string) => boolean,
  beforeStep?: () => Promise<void>,
): Promise<Run> {
  await apply(sandbox!, podinfoDeployment(image));
  const run: Run = { row: undefined, weights: [], last: { requests: 0, errors: 0 } };
  for (let i = 0; i < 15 && !until(run.row?.status.phase ?? ''); i++) {
    const before = sim!.totals('test', 'podinfo');
    run.row = await interval(beforeStep);
    const after = sim!.totals('test', 'podinfo');
    run.last = { requests: after.requests - before.requests, errors: after.errors - before.errors };
    const w = virtualServiceWeights(sandbox!)[1];
    if (run.weights.at(-1) !== w) run.weights.push(w);
  }
  return run;
}

async function setUp(metrics: 'sandbox' | 'prometheus'): Promise<void> {
  sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  const start = Date.now();
  // Deterministic runs: the simulator lives on the control plane's clock.
  const simNow = () => cp?.clock.now ?? start;
  sim = await startTrafficSimulator({
    store: sandbox.store,
    namespaces: ['test'],
    autoStart: metrics === 'prometheus',
    serve: metrics === 'prometheus',
    now: metrics === 'sandbox' ? simNow : undefined,
  });
  if (metrics === 'prometheus') prom = await startPrometheus({ targets: [sim.target] });
  cp = await startControlPlane({
    metrics:
      metrics === 'sandbox' ? sandboxMetricsProvider(sim) : new PrometheusClient({ address: prom!.url }),
    start,
  });
  await initializeCanary(cp, sandbox, podinfoCanary(analysis));
}

async function checksOfLastStep(): Promise<{ name: string; verdict: string; value?: number }[]> {
  const [last] = await cp!.core.history.list(key, { limit: 1 }, new AbortController().signal);
  return (last?.checks ?? []) as { name: string; verdict: string; value?: number }[];
}

describe('metric-driven releases (traffic simulator, sandbox metrics provider)', () => {
  it('promotes a healthy version step by step', async () => {
    await setUp('sandbox');
    const run = await release('podinfo:6.0.1', (p) => p === 'Succeeded');
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 10, 20, 30, 0]);
    const history = await cp!.core.history.list(key, { limit: 100 }, new AbortController().signal);
    const analysed = history
      .filter((h) => h.reason === 'CanaryWeightIncreased')
      .flatMap((h) => h.checks as { name: string; verdict: string; value: number }[]);
    expect(
      analysed
        .filter((c) => c.name === 'request-success-rate')
        .every((c) => c.verdict === 'pass' && c.value === 100),
    ).toBe(true);
  });

  it('rolls back a version that answers 30 % errors, on the step the threshold is reached', async () => {
    await setUp('sandbox');
    const run = await release('podinfo:6.0.1-faulty', (p) => p === 'Failed');
    expect(run.row?.status).toMatchObject({ phase: 'Failed', failedChecks: 2, canaryWeight: 0 });
    expect(run.weights).toEqual([0, 10, 0]);
    const failing = (await checksOfLastStep()).find((c) => c.name === 'request-success-rate')!;
    expect(failing.verdict).toBe('fail');
    // The check reads the last interval's canary requests, each a 500 with probability 0.3.
    const { requests, errors } = run.last;
    expectWithin(errors, binomialBounds(requests, 0.3), 'canary errors');
    expect(failing.value).toBeCloseTo((100 * (requests - errors)) / requests, 9);
    const primary = sandbox!.store.get('apps/v1', 'Deployment', 'test', 'podinfo-primary') as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(primary.spec.template.spec.containers[0]!.image).toBe('podinfo:6.0.0');
    expect(cp!.events.map((e) => e.type)).toContain('RolledBack');
  });

  it('warns with a Kubernetes Event at initialization only when the metrics server does not answer', async () => {
    await setUp('sandbox');
    const reasons = () =>
      (sandbox!.store.list('v1', 'Event', 'test') as unknown as { reason: string }[]).map((e) => e.reason);
    expect(reasons()).not.toContain('MetricsProviderUnavailable');

    const other = await startControlPlane(); // no Prometheus configured
    try {
      await other.api('POST', '/clusters', {
        name: 'sandbox',
        kind: 'endpoint',
        server: sandbox!.httpUrl,
        token: sandbox!.token,
      });
      await other.api('POST', '/canaries', podinfoCanary(analysis), { cluster: 'sandbox' });
      await other.tick(key, 0);
      expect(reasons()).toContain('MetricsProviderUnavailable');
    } finally {
      await other.close();
    }
  });

  it('rolls back a version whose P99 latency exceeds the maximum', async () => {
    await setUp('sandbox');
    const run = await release('podinfo:6.0.1-slow', (p) => p === 'Failed');
    expect(run.row?.status.phase).toBe('Failed');
    const checks = await checksOfLastStep();
    expect(checks.find((c) => c.name === 'request-success-rate')?.verdict).toBe('pass');
    const latency = checks.find((c) => c.name === 'request-duration')!;
    expect(latency.verdict).toBe('fail');
    expect(latency.value).toBeGreaterThan(500);
  });
});

const prometheus = prometheusAvailability('metric-driven releases with Prometheus');

describe.skipIf(prometheus.skip)('metric-driven releases (real Prometheus scraping the simulator)', () => {
  it('promotes a healthy version, then rolls back a faulty one', async () => {
    await setUp('prometheus');
    // Between steps, wait (real time) until Prometheus has scraped traffic of the current canary weight.
    const canaryRate = builtinQuery('request-success-rate', {
      provider: 'istio',
      namespace: 'test',
      target: 'podinfo',
      interval: '10s',
    });
    const hasCanaryData = async () => {
      if (virtualServiceWeights(sandbox!)[1] > 0) await prom!.waitForValue(canaryRate, { timeoutMs: 30_000 });
    };
    const good = await release('podinfo:6.0.1', (p) => p === 'Succeeded', hasCanaryData);
    expect(good.row?.status.phase).toBe('Succeeded');
    expect(good.weights).toEqual([0, 10, 20, 30, 0]);

    const bad = await release(
      'podinfo:6.0.2-faulty',
      (p) => p === 'Failed',
      async () => {
        if (virtualServiceWeights(sandbox!)[1] > 0)
          await prom!.waitForValue(canaryRate, { timeoutMs: 30_000, until: (v) => v < 90 });
      },
    );
    expect(bad.row?.status.phase).toBe('Failed');
    const failing = (await checksOfLastStep()).find((c) => c.name === 'request-success-rate')!;
    expect(failing.verdict).toBe('fail');
  }, 180_000);
});
