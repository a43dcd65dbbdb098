/**
 * End-to-end releases through one ingress provider: the sandbox API server with the provider's
 * own objects, the traffic simulator routing by the objects Flagger Serverless writes and
 * emitting that controller's metrics, the sandbox metrics provider answering the provider's
 * builtin queries, and the Lambda handlers on a virtual clock. Deterministic: each interval is
 * 10 s of simulated traffic (20 requests a second) followed by one step.
 */
import { afterEach, expect } from 'vitest';
import { parseCanary } from '../../../lib/domain/spec/parse.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import type { CanaryStatus } from '../../../lib/domain/status.js';
import type { CanaryRecord } from '../../../lib/ports/store.js';
import { sandboxMetricsProvider, type TrafficSimulator } from '../../../sandbox/traffic/index.js';
import {
  startControlPlane,
  type ControlPlane,
  type ControlPlaneOptions,
} from '../../support/controlplane.js';
import {
  apply,
  initializeCanary,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey,
  simulatedSandbox,
} from '../../support/release.js';
import type { Sandbox } from '../../support/sandbox.js';
import { expectShare } from '../../support/stochastic.js';

/** The healthy-or-not release analysis of these tests: 10 % steps to 30 %, two failures roll back. */
const ANALYSIS = `threshold: 2
maxWeight: 30
stepWeight: 10
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }
  - { name: request-duration, thresholdRange: { max: 500 }, interval: 10s }`;

/** One provider's setup. */
export interface ProviderSetup {
  /** `spec.provider`. */
  provider: string;
  /** Spec lines inserted before `analysis` (two-space indented), e.g. the ingressRef. */
  extraSpec?: string;
  /** `analysis` lines; default {@link ANALYSIS}. */
  analysis?: string;
  /** The user's own objects (the Ingress, the ApisixRoute…), stored before the canary is registered. */
  objects?: Record<string, unknown>[];
  /** [primary, canary] weights read from the provider's live objects. */
  weights(sandbox: Sandbox, canary: Canary): [number, number];
  /**
   * The control plane's metrics: default the sandbox metrics provider; given, no Prometheus at all
   * and these options (a CloudWatch client), made once the simulator runs.
   */
  metrics?(sim: TrafficSimulator, sandbox: Sandbox): Promise<ControlPlaneOptions>;
  /** Seconds of traffic before each step; default 10 (CloudWatch's ALB metrics need 60). */
  secondsPerInterval?: number;
  /** Runs once the control plane is up, before the canary is registered (MetricTemplates). */
  prepare?(cp: ControlPlane): Promise<void>;
}

/** A running world for one test. */
export interface ProviderWorld {
  sandbox: Sandbox;
  cp: ControlPlane;
  sim: TrafficSimulator;
  canary: Canary;
}

/** What a release left behind. */
export interface Release {
  row: CanaryRecord<CanaryStatus> | undefined;
  /** The distinct canary weights seen after each step, in order. */
  weights: number[];
  /**
   * Per interval: the live canary weight while its traffic flowed, the requests podinfo's clients
   * sent, those the canary (`podinfo`) and the primary (`podinfo-primary`) served in it, and the
   * canary's errors.
   */
  traffic: { weight: number; sent: number; canary: number; primary: number; canaryErrors: number }[];
}

let current: { sandbox: Sandbox; cp?: ControlPlane; sim?: TrafficSimulator } | undefined;

afterEach(async () => {
  await current?.sim?.close();
  await current?.cp?.close();
  await current?.sandbox.close();
  current = undefined;
});

/** Starts the world, stores the provider's objects and initializes the podinfo canary. */
export async function startProvider(setup: ProviderSetup): Promise<ProviderWorld> {
  const { sandbox, sim, start } = await simulatedSandbox(() => current?.cp?.clock.now);
  current = { sandbox, sim };
  const options = setup.metrics
    ? await setup.metrics(sim, sandbox)
    : { metrics: sandboxMetricsProvider(sim) };
  const cp = await startControlPlane({ ...options, start });
  current.cp = cp;
  await setup.prepare?.(cp);
  for (const o of setup.objects ?? []) sandbox.store.put(o as never);
  const manifest = podinfoCanary(setup.analysis ?? ANALYSIS, {
    provider: setup.provider,
    extraSpec: setup.extraSpec,
  });
  const parsed = parseCanary(manifest);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await initializeCanary(cp, sandbox, manifest);
  return { sandbox, cp, sim, canary: parsed.canary };
}

/** One interval: `seconds` of traffic on the virtual clock, then the step. */
async function interval(w: ProviderWorld, seconds = 10): Promise<CanaryRecord<CanaryStatus> | undefined> {
  for (let s = 0; s < seconds; s++) {
    w.cp.clock.now += 1000;
    w.sim.tick();
  }
  return w.cp.tick(podinfoKey, 0);
}

/** Applies `image` and steps until `until(phase)` (at most 15 intervals), recording canary weights. */
export async function release(
  w: ProviderWorld,
  setup: ProviderSetup,
  image: string,
  until: (phase: string) => boolean,
): Promise<Release> {
  await apply(w.sandbox, podinfoDeployment(image));
  const run: Release = { row: undefined, weights: [], traffic: [] };
  for (let i = 0; i < 15 && !until(run.row?.status.phase ?? ''); i++) {
    const weight = setup.weights(w.sandbox, w.canary)[1];
    const before = counts(w);
    run.row = await interval(w, setup.secondsPerInterval);
    const after = counts(w);
    run.traffic.push({
      weight,
      sent: after.sent - before.sent,
      canary: after.canary.requests - before.canary.requests,
      primary: after.primary - before.primary,
      canaryErrors: after.canary.errors - before.canary.errors,
    });
    const canary = setup.weights(w.sandbox, w.canary)[1];
    if (run.weights.at(-1) !== canary) run.weights.push(canary);
  }
  return run;
}

/** A metric check as the history records it. */
export interface RecordedCheck {
  name: string;
  verdict: string;
  value?: number;
  query?: string;
}

/** The checks of every step that increased the weight, oldest first. */
export async function analysedChecks(w: ProviderWorld): Promise<RecordedCheck[]> {
  const history = await w.cp.core.history.list(podinfoKey, { limit: 100 }, new AbortController().signal);
  return history
    .filter((h) => h.reason === 'CanaryWeightIncreased' || h.reason === 'IterationAdvanced')
    .flatMap((h) => (h.checks ?? []) as RecordedCheck[]);
}

/** The checks of the last step. */
export async function lastChecks(w: ProviderWorld): Promise<RecordedCheck[]> {
  const [last] = await w.cp.core.history.list(podinfoKey, { limit: 1 }, new AbortController().signal);
  return (last?.checks ?? []) as RecordedCheck[];
}

/** The image of `podinfo-primary`. */
export function primaryImage(sandbox: Sandbox): string {
  const d = sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo-primary') as {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  return d.spec.template.spec.containers[0]!.image;
}

/** Requests podinfo's clients sent, and those its two workloads served, so far. */
function counts(w: ProviderWorld) {
  return {
    sent: w.sim.appStats('test', 'podinfo').sent,
    canary: w.sim.totals('test', 'podinfo'),
    primary: w.sim.totals('test', 'podinfo-primary').requests,
  };
}

/** The intervals with the A/B route on (weight 100): `share` of the requests to the canary, the rest to the primary. */
export function expectAbSplit(run: Release, share: number): void {
  const during = run.traffic.filter((t) => t.weight === 100);
  expect(during.length).toBeGreaterThan(0);
  for (const t of during) {
    expectShare(t.canary, t.sent, share);
    expect(t.primary).toBe(t.sent - t.canary);
  }
}
