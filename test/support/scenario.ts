/**
 * Helpers for the end-to-end scenarios (test/e2e/scenarios): a "world" of sandbox clusters, a
 * control plane and a webhook receiver; registration and initialization of a canary; and a
 * stepper that advances the fake clock one interval at a time, recording what each step left
 * behind (phase, live routes) so a test can assert the exact sequence.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { MetricsProvider } from '../../lib/ports/metrics.js';
import type { DomainEvent, DomainEventType } from '../../lib/domain/events.js';
import type { CanaryStatus } from '../../lib/domain/status.js';
import type { CanaryKey, CanaryRecord, HistoryRecord } from '../../lib/ports/store.js';
import { startControlPlane, type ControlPlane } from './controlplane.js';
import { startReceiver, type Receiver } from './receiver.js';
import { apply, podinfoDeployment } from './release.js';
import { startSandbox, type Sandbox } from './sandbox.js';

/** One analysis interval of the fixtures (`interval: 10s`). */
const INTERVAL_MS = 10_000;

export type Row = CanaryRecord<CanaryStatus>;

/** Sandbox clusters by name, one control plane and one webhook receiver. */
export interface World {
  cp: ControlPlane;
  hooks: Receiver;
  /** The first cluster. */
  sandbox: Sandbox;
  clusters: Record<string, Sandbox>;
  close(): Promise<void>;
}

/** Options of {@link startWorld}. */
export interface WorldOptions {
  /** Cluster names, the first being {@link World.sandbox}; default `['sandbox']`. */
  clusters?: string[];
  rolloutDelayMs?: number;
  clockStart?: number;
  /** Replaces the metrics server of builtin checks (an in-memory MetricsProvider). */
  metrics?: MetricsProvider;
  /** Extra fields of every cluster registration (`routing`, `defaultProvider`, …). */
  clusterFields?: Record<string, unknown>;
}

/**
 * Starts `clusters` sandboxes (each with namespaces default and test, registered under its name),
 * a control plane and a receiver. The control plane's clock starts at `clockStart`, by default the
 * wall clock, which the sandbox uses for the Deployment condition timestamps it writes.
 */
async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const names = opts.clusters ?? ['sandbox'];
  const clusters: Record<string, Sandbox> = {};
  for (const name of names) {
    clusters[name] = await startSandbox({
      name,
      rolloutDelayMs: opts.rolloutDelayMs ?? 0,
      namespaces: ['default', 'test'],
    });
  }
  const hooks = await startReceiver();
  const cp = await startControlPlane({ start: opts.clockStart ?? Date.now(), metrics: opts.metrics });
  for (const name of names) {
    const r = await cp.api('POST', '/clusters', {
      name,
      kind: 'endpoint',
      server: clusters[name].httpUrl,
      token: clusters[name].token,
      ...opts.clusterFields,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  return {
    cp,
    hooks,
    sandbox: clusters[names[0]],
    clusters,
    async close() {
      await cp.close();
      await hooks.close();
      for (const s of Object.values(clusters)) await s.close();
    },
  };
}

/** The world of the running test, as {@link worldPerTest} hands it out. */
export interface TestWorld extends World {
  /** Closes the current world and starts another with `opts`, closed after the test in turn. */
  restart(opts: WorldOptions): Promise<void>;
}

/**
 * Starts a world with `opts` before each test of the calling file (or describe block) and closes
 * it after. The returned object always reads the current test's world, so tests use it as a
 * {@link World}: `const { cp, sandbox } = world`, `initialize(world, …)`.
 */
export function worldPerTest(opts: WorldOptions = {}): TestWorld {
  let current: World | undefined;
  beforeEach(async () => {
    current = await startWorld(opts);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const now = (): World => {
    if (!current) throw new Error('worldPerTest: no world outside a test');
    return current;
  };
  return {
    get cp() {
      return now().cp;
    },
    get hooks() {
      return now().hooks;
    },
    get sandbox() {
      return now().sandbox;
    },
    get clusters() {
      return now().clusters;
    },
    close: () => now().close(),
    async restart(next) {
      await now().close();
      current = undefined;
      current = await startWorld(next);
    },
  };
}

/** Registers the Canary `yaml` in `cluster`; expects 201. */
export async function registerCanary(cp: ControlPlane, yaml: string, cluster = 'sandbox'): Promise<void> {
  const r = await cp.api('POST', '/canaries', yaml, { cluster });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

/**
 * Applies the podinfo Deployment (or `deployment`) with `image`, registers the Canary and steps
 * until it is Initialized (the target at 0 replicas, the primary serving).
 */
export async function initialize(
  world: World,
  key: CanaryKey,
  yaml: string,
  opts: { image?: string; deployment?: Parameters<typeof apply>[1] } = {},
): Promise<Row> {
  const sandbox = world.clusters[key.cluster];
  await apply(sandbox, opts.deployment ?? podinfoDeployment(opts.image ?? 'podinfo:6.0.0', {}, key.name));
  await registerCanary(world.cp, yaml, key.cluster);
  const run = await stepUntil(world.cp, key, (r) => r.status.phase === 'Initialized', { first: 0 });
  expect(run.row.status.phase).toBe('Initialized');
  return run.row;
}

/** What a run of steps left behind, one entry per step. */
export interface Run<T> {
  row: Row;
  phases: string[];
  /** `read(row)` after every step. */
  samples: T[];
}

/**
 * Steps `key` (advance the clock by `ms`, dispatch, deliver) until `done(row)` or `max` steps.
 * `first` overrides the clock advance of the first step (0 runs the step queued by registration).
 */
export async function stepUntil<T = undefined>(
  cp: ControlPlane,
  key: CanaryKey,
  done: (row: Row) => boolean,
  opts: { max?: number; ms?: number; first?: number; read?: (row: Row) => T } = {},
): Promise<Run<T>> {
  const run: Run<T> = { row: undefined as unknown as Row, phases: [], samples: [] };
  const max = opts.max ?? 20;
  for (let i = 0; i < max; i++) {
    const row = await cp.tick(
      key,
      i === 0 && opts.first !== undefined ? opts.first : (opts.ms ?? INTERVAL_MS),
    );
    if (!row) throw new Error(`canary ${key.cluster}/${key.namespace}/${key.name} is gone`);
    run.row = row;
    run.phases.push(row.status.phase);
    if (opts.read) run.samples.push(opts.read(row));
    if (done(row)) return run;
  }
  return run;
}

/** Steps until the canary is in one of `phases`. */
export function stepUntilPhase<T = undefined>(
  cp: ControlPlane,
  key: CanaryKey,
  phases: string[],
  opts: { max?: number; ms?: number; first?: number; read?: (row: Row) => T } = {},
): Promise<Run<T>> {
  return stepUntil(cp, key, (r) => phases.includes(r.status.phase), opts);
}

/** `xs` without consecutive repeats (compared as JSON): the sequence of distinct states. */
export function changes<T>(xs: readonly T[]): T[] {
  return xs.filter((x, i) => i === 0 || JSON.stringify(x) !== JSON.stringify(xs[i - 1]));
}

/** History records of `key`, oldest first. */
export async function historyOf(cp: ControlPlane, key: CanaryKey): Promise<HistoryRecord[]> {
  const r = await cp.api('GET', `/canaries/${key.cluster}/${key.namespace}/${key.name}/history`, undefined, {
    limit: '1000',
  });
  expect(r.status).toBe(200);
  return [...(r.body.items as HistoryRecord[])].reverse();
}

/** Reasons of the step records of `key`, oldest first. */
export async function stepReasons(cp: ControlPlane, key: CanaryKey): Promise<string[]> {
  return (await historyOf(cp, key)).filter((h) => h.kind === 'step').map((h) => h.reason);
}

/** Domain events published for `key` (of `type`, when given), in order. */
export function eventsOf(cp: ControlPlane, key: CanaryKey, type?: DomainEventType): DomainEvent[] {
  return cp.events.filter(
    (e) =>
      e.canary.cluster === key.cluster &&
      e.canary.namespace === key.namespace &&
      e.canary.name === key.name &&
      (type === undefined || e.type === type),
  );
}

/**
 * Sends an operator action through the API (expects 202), then runs the step the API queues for
 * it, and returns the row. The request comes one second after the previous step and its step one
 * second later: the fake clock stands still otherwise, and history orders records of the same
 * millisecond by their random id.
 */
export async function act(
  cp: ControlPlane,
  key: CanaryKey,
  action: string,
  query?: Record<string, string>,
): Promise<Row> {
  cp.clock.now += 1_000;
  const r = await cp.api(
    'POST',
    `/canaries/${key.cluster}/${key.namespace}/${key.name}/actions/${action}`,
    undefined,
    query,
  );
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  const row = await cp.tick(key, 1_000);
  if (!row) throw new Error(`canary ${key.cluster}/${key.namespace}/${key.name} is gone`);
  return row;
}

interface DeploymentView {
  metadata: { annotations?: Record<string, string> };
  spec: {
    replicas?: number;
    template: {
      metadata?: { annotations?: Record<string, string> };
      spec: { containers: { image: string }[]; volumes?: unknown[] };
    };
  };
}

/** A Deployment as stored in the sandbox (throws when absent). */
export function deployment(sandbox: Sandbox, name: string, namespace = 'test'): DeploymentView {
  const d = sandbox.store.get('apps/v1', 'Deployment', namespace, name);
  if (!d) throw new Error(`Deployment ${namespace}/${name} not found`);
  return d as unknown as DeploymentView;
}

/** The first container image of a Deployment. */
export function imageOf(sandbox: Sandbox, name: string): string {
  return deployment(sandbox, name).spec.template.spec.containers[0].image;
}

/** `spec.replicas` of a Deployment. */
export function replicasOf(sandbox: Sandbox, name: string): number | undefined {
  return deployment(sandbox, name).spec.replicas;
}

/** `[primary, canary]` weights of the first rule of an HTTPRoute (an omitted weight counts as 1). */
export function httpRouteWeights(sandbox: Sandbox, name = 'podinfo'): [number, number] {
  const route = sandbox.store.get('gateway.networking.k8s.io/v1', 'HTTPRoute', 'test', name) as unknown as {
    spec: { rules: { backendRefs: { name: string; weight?: number }[] }[] };
  };
  const refs = route.spec.rules[0].backendRefs;
  const w = (svc: string) => {
    const ref = refs.find((r) => r.name === svc);
    return ref ? (ref.weight ?? 1) : 0;
  };
  return [w(`${name}-primary`), w(`${name}-canary`)];
}

/** The podinfo VirtualService's `spec.http` as stored. */
export function virtualServiceHttp(sandbox: Sandbox, name = 'podinfo'): VsRoute[] {
  const vs = sandbox.store.get('networking.istio.io/v1beta1', 'VirtualService', 'test', name) as unknown as {
    spec: { http: VsRoute[] };
  };
  return vs.spec.http;
}

/** One HTTP route of a VirtualService, as far as the scenarios look at it. */
export interface VsRoute {
  match?: { headers?: Record<string, unknown> }[];
  route: { destination: { host: string }; weight?: number }[];
  mirror?: { host: string };
  mirrorPercentage?: { value: number };
}

/** The selector value of the apex Service's `app` key. */
export function apexSelector(sandbox: Sandbox, name = 'podinfo'): string | undefined {
  const svc = sandbox.store.get('v1', 'Service', 'test', name) as unknown as
    { spec: { selector?: Record<string, string> } } | undefined;
  return svc?.spec.selector?.app;
}
