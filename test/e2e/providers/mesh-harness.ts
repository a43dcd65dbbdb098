/**
 * End-to-end releases per mesh provider: the sandbox API server, the traffic simulator on the
 * control plane's virtual clock (routing by whatever routing objects the provider wrote) and the
 * sandbox metrics provider answering the builtin checks from the simulator's counters. Every query
 * the analysis sends is recorded, so a test can show it read the mesh's own metric names.
 */
import { afterEach, expect } from 'vitest';
import type { MetricsProvider } from '../../../lib/ports/metrics.js';
import type { CanaryStatus } from '../../../lib/domain/status.js';
import type { CanaryRecord, HistoryRecord } from '../../../lib/ports/store.js';
import {
  sandboxMetricsProvider,
  startTrafficSimulator,
  type TrafficSimulator,
} from '../../../sandbox/traffic/index.js';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { apply, podinfoDeployment, podinfoKey as key } from '../../support/release.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { binomialBounds, expectShare, expectWithin, poissonBounds } from '../../support/stochastic.js';

/** The analysis of every provider release: 10 % steps to 30 %, both builtin checks, threshold 2. */
export const ANALYSIS = `threshold: 2
maxWeight: 30
stepWeight: 10
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }
  - { name: request-duration, thresholdRange: { max: 500 }, interval: 10s }`;

/** A/B: two iterations for requests carrying `x-canary: insider` (the simulator sends 10 % so). */
export const AB_ANALYSIS = `threshold: 2
iterations: 2
match:
  - headers:
      x-canary:
        exact: insider
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }`;

/**
 * Blue/green: three iterations with every request on the primary, so the canary is analysed on
 * the load tester's requests to the `-canary` Service (start the world with {@link LOAD_TESTED}).
 */
export const BG_ANALYSIS = `threshold: 2
iterations: 3
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }
  - { name: request-duration, thresholdRange: { max: 500 }, interval: 10s }`;

/** The apps of a blue/green world: podinfo's clients, and a load tester calling the canary directly. */
export const LOAD_TESTED = { apps: ['podinfo', 'podinfo-canary'] } as const;

/** One running world. */
export interface MeshWorld {
  sandbox: Sandbox;
  cp: ControlPlane;
  sim: TrafficSimulator;
  /** Every instant query the analysis and the judge sent, in order. */
  queries: string[];
  /** The pod-template annotations of every podinfo version applied. */
  annotations: Record<string, string>;
}

let current: MeshWorld | undefined;

afterEach(async () => {
  await current?.sim.close();
  await current?.cp.close();
  await current?.sandbox.close();
  current = undefined;
});

/**
 * Starts a world whose podinfo versions carry `annotations` (Consul's connect-service, say); the
 * simulator sends `rps` requests per second (default 20) to each of `apps` (default: every apex).
 */
export async function startMeshWorld(
  annotations: Record<string, string> = {},
  options: { rps?: number; apps?: readonly string[] } = {},
): Promise<MeshWorld> {
  const sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  const start = Date.now();
  // The simulator runs on the control plane's clock, which exists only once the plane has started.
  const plane: { cp?: ControlPlane } = {};
  const sim = await startTrafficSimulator({
    store: sandbox.store,
    namespaces: ['test'],
    autoStart: false,
    serve: false,
    rps: options.rps,
    apps: options.apps,
    now: () => plane.cp?.clock.now ?? start,
  });
  const queries: string[] = [];
  const inner = sandboxMetricsProvider(sim);
  const metrics: MetricsProvider = {
    query: (q, signal) => (queries.push(q), inner.query(q, signal)),
    queryRange: (q, range, signal) => inner.queryRange(q, range, signal),
    queryVector: (q, signal) => (queries.push(q), inner.queryVector(q, signal)),
    isOnline: (signal) => inner.isOnline(signal),
  };
  const cp = await startControlPlane({ metrics, start });
  plane.cp = cp;
  current = { sandbox, cp, sim, queries, annotations };
  return current;
}

/** Registers the sandbox, applies podinfo:6.0.0 and the Canary, and steps until Initialized. */
export async function initialize(w: MeshWorld, manifest: string): Promise<void> {
  const cluster = await w.cp.api('POST', '/clusters', {
    name: 'sandbox',
    kind: 'endpoint',
    server: w.sandbox.httpUrl,
    token: w.sandbox.token,
  });
  expect(cluster.status).toBe(201);
  await apply(w.sandbox, podinfoDeployment('podinfo:6.0.0', w.annotations));
  const created = await w.cp.api('POST', '/canaries', manifest, { cluster: 'sandbox' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  let row = await w.cp.tick(key, 0);
  for (let i = 0; i < 5 && row?.status.phase !== 'Initialized'; i++) row = await w.cp.tick(key, 10_000);
  expect(row?.status.phase).toBe('Initialized');
}

/** What a release left behind. */
export interface Release {
  row: CanaryRecord<CanaryStatus> | undefined;
  /** The distinct canary weights read from the routing objects after each step, in order. */
  weights: number[];
  /** The canary weight during each interval of traffic (read before it), one per step. */
  during: number[];
  /** The requests podinfo's clients sent in each interval, and the canary's requests and errors. */
  traffic: { sent: number; canary: number; canaryErrors: number }[];
}

/** The mean of the requests the simulator sends per app and interval (20 per second, 10 s). */
const REQUESTS_PER_INTERVAL = 200;

/**
 * Applies `image` and runs analysis intervals (10 s of simulated traffic, then the step) until
 * `done(phase)` or 15 steps; `canaryWeight()` reads the live routing object after each step.
 */
export async function release(
  w: MeshWorld,
  image: string,
  done: (phase: string) => boolean,
  canaryWeight: () => number,
): Promise<Release> {
  await apply(w.sandbox, podinfoDeployment(image, w.annotations));
  const run: Release = { row: undefined, weights: [], during: [], traffic: [] };
  const counts = () => ({ sent: w.sim.appStats('test', 'podinfo').sent, ...w.sim.totals('test', 'podinfo') });
  for (let i = 0; i < 15 && !done(run.row?.status.phase ?? ''); i++) {
    run.during.push(canaryWeight());
    const before = counts();
    for (let s = 0; s < 10; s++) {
      w.cp.clock.now += 1000;
      w.sim.tick();
    }
    const after = counts();
    run.traffic.push({
      sent: after.sent - before.sent,
      canary: after.requests - before.requests,
      canaryErrors: after.errors - before.errors,
    });
    run.row = await w.cp.tick(key, 0);
    const weight = canaryWeight();
    if (run.weights.at(-1) !== weight) run.weights.push(weight);
  }
  return run;
}

/**
 * Asserts that each interval's requests were plausible Poisson arrivals, that the canary served
 * the share `share(weight)` of them for the weight it had during the interval, and nothing more.
 * (The first interval also carries the traffic of the time initialization moved the clock.)
 */
export function expectCanaryShares(w: MeshWorld, run: Release, share: (weight: number) => number): void {
  run.traffic.forEach((t, i) => {
    if (i > 0) expectWithin(t.sent, poissonBounds(REQUESTS_PER_INTERVAL), `requests sent in interval ${i}`);
    expectShare(t.canary, t.sent, share(run.during[i]), 2);
  });
  const served = run.traffic.reduce((n, t) => n + t.canary, 0);
  expect(w.sim.totals('test', 'podinfo').requests).toBe(served);
}

/**
 * The success rate (percent) of the canary's requests in the release's last interval — what a
 * 10 s check reads at the last step — after checking its errors against the model (each request a
 * 500 with probability `errorRate`).
 */
export function lastIntervalSuccessRate(run: Release, errorRate = 0.3): number {
  const last = run.traffic.at(-1)!;
  expectWithin(last.canaryErrors, binomialBounds(last.canary, errorRate), 'canary errors');
  return (100 * (last.canary - last.canaryErrors)) / last.canary;
}

/** The checks of every analysed step, oldest first. */
export async function analysedChecks(
  w: MeshWorld,
): Promise<{ reason: string; checks: { name: string; verdict: string; value?: number }[] }[]> {
  const history: HistoryRecord[] = await w.cp.core.history.list(
    key,
    { limit: 200 },
    new AbortController().signal,
  );
  return [...history]
    .reverse()
    .filter((h) => (h.checks?.length ?? 0) > 0)
    .map((h) => ({
      reason: h.reason,
      checks: h.checks as { name: string; verdict: string; value?: number }[],
    }));
}

/** The metric names (`response_total`, `envoy_cluster_upstream_rq_time_bucket`…) the queries read. */
export function metricNames(queries: readonly string[]): string[] {
  const names = queries.flatMap((q) =>
    [...q.matchAll(/rate\(([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]),
  );
  return [...new Set(names)].sort();
}

/** The image of the primary Deployment. */
export function primaryImage(w: MeshWorld): string {
  const d = w.sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo-primary') as unknown as {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  return d.spec.template.spec.containers[0].image;
}

/** How each outcome is reached and what it leaves: the image released, the status, the primary's image. */
const OUTCOMES = {
  promoted: { image: 'podinfo:6.0.1', status: { phase: 'Succeeded' }, primary: 'podinfo:6.0.1' },
  rolledBack: {
    image: 'podinfo:6.0.1-faulty',
    status: { phase: 'Failed', failedChecks: 2, canaryWeight: 0 },
    primary: 'podinfo:6.0.0',
  },
} as const;

/**
 * Releases a version until it is promoted (podinfo:6.0.1) or rolled back (the 30 %-errors one, on
 * two failed checks), and checks the outcome: the status, these canary weights, the primary's image.
 */
async function expectOutcome(
  w: MeshWorld,
  outcome: keyof typeof OUTCOMES,
  canaryWeight: () => number,
  weights: number[],
): Promise<Release> {
  const want = OUTCOMES[outcome];
  const run = await release(w, want.image, (p) => p === want.status.phase, canaryWeight);
  expect(run.row?.status).toMatchObject(want.status);
  expect(run.weights).toEqual(weights);
  expect(primaryImage(w)).toBe(want.primary);
  return run;
}

/** {@link expectOutcome} of a healthy version. */
export const expectPromoted = (w: MeshWorld, canaryWeight: () => number, weights: number[]) =>
  expectOutcome(w, 'promoted', canaryWeight, weights);

/** {@link expectOutcome} of a version answering 30 % errors. */
export const expectRolledBack = (w: MeshWorld, canaryWeight: () => number, weights: number[]) =>
  expectOutcome(w, 'rolledBack', canaryWeight, weights);

/**
 * A promoted blue/green release's analysis ({@link BG_ANALYSIS}): two iterations on the load
 * tester's requests to the canary Service; the third switches clients over, and the step that
 * starts the promotion analyses them on the canary. Every success rate 100 %.
 */
export async function expectBlueGreenAnalysis(w: MeshWorld): Promise<void> {
  const analysed = await analysedChecks(w);
  expect(analysed.map((s) => s.reason)).toEqual([
    'IterationAdvanced',
    'IterationAdvanced',
    'TrafficRoutedToCanary',
    'PromotionStarted',
  ]);
  const rates = analysed.map((s) => s.checks.find((c) => c.name === 'request-success-rate')?.value);
  expect(rates).toEqual([100, 100, 100, 100]);
}
