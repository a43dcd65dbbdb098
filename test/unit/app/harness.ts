/**
 * The app layer on in-memory fakes of every port (test/support/fakes): one cluster
 * (`test-cluster`) unless a test brings more, a clock the test moves, and helpers that register a
 * canary and run its steps through the real use cases. No server, no timer.
 */
import { anAdmin } from '../../support/fakes/access.js';
import { expect } from 'vitest';
import type { ClusterRegistration } from '../../../lib/app/clusters.js';
import type { OperatorDeps } from '../../../lib/app/operator-actions.js';
import { registerCanary, type RegisterDeps } from '../../../lib/app/register-canary.js';
import { runStep, type StepDeps, type StepOutcome } from '../../../lib/app/run-step.js';
import { CLAIM_MS } from '../../../lib/app/step-deadline.js';
import type { Phase } from '../../../lib/domain/phase.js';
import type { Provider } from '../../../lib/domain/spec/accessors.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import type { CanaryKey } from '../../../lib/ports/store.js';
import { aCanary, hook, T0 } from '../../support/builders.js';
import { answered, FakeResolver } from '../../support/fakes/checks.js';
import { FakeCluster, FakeClusterAccess } from '../../support/fakes/cluster.js';
import { FakeBus, FakeLogger, FakeQueue } from '../../support/fakes/messaging.js';
import { FakeCanaryStore, FakeDocuments, FakeHistory } from '../../support/fakes/store.js';

export const signal = new AbortController().signal;

/** podinfo in namespace test of `test-cluster`. */
export const key: CanaryKey = { cluster: 'test-cluster', namespace: 'test', name: 'podinfo' };

/** The claim length of the deployment (the step's deadline plus a margin: 120 s). */
export const LEASE_MS = CLAIM_MS;

export interface AppWorld {
  clock: { now: number };
  store: FakeCanaryStore;
  history: FakeHistory;
  queue: FakeQueue;
  bus: FakeBus;
  logger: FakeLogger;
  resolver: FakeResolver;
  /** The first cluster (`test-cluster` by default). */
  cluster: FakeCluster;
  clusters: FakeClusterAccess;
  step: StepDeps;
  register: RegisterDeps;
  operator: OperatorDeps;
}

export function anAppWorld(o: { defaultProvider?: Provider; clusters?: FakeCluster[] } = {}): AppWorld {
  const clock = { now: T0 };
  const now = () => clock.now;
  let ids = 0;
  const newId = () => `id-${++ids}`;
  const all = o.clusters ?? [new FakeCluster()];
  const store = new FakeCanaryStore();
  const history = new FakeHistory();
  const queue = new FakeQueue();
  const bus = new FakeBus();
  const logger = new FakeLogger();
  const resolver = new FakeResolver();
  const clusters = new FakeClusterAccess(...all);
  const documents = new FakeDocuments<ClusterRegistration>(
    Object.fromEntries(all.map((c) => [c.record.name, c.record as ClusterRegistration])),
  );
  const defaultProvider = o.defaultProvider ?? 'istio';
  return {
    clock,
    store,
    history,
    queue,
    bus,
    logger,
    resolver,
    cluster: all[0]!,
    clusters,
    step: {
      store,
      leases: store,
      history,
      bus,
      clusters,
      checks: { resolver },
      logger,
      now,
      newId,
      leaseMs: LEASE_MS,
      defaultProvider,
      chainWithinMs: 0,
      queue,
    },
    register: { store, history, clusters: documents, queue, now, newId, defaultProvider },
    operator: { store, history, queue, now, newId },
  };
}

/** Registers `canary` in `cluster` through registerCanary. */
export async function register(
  w: AppWorld,
  canary: Canary = aCanary(),
  cluster = key.cluster,
): Promise<void> {
  await registerCanary(w.register, anAdmin('alice'), cluster, canary, signal);
}

/** One step of `k` at the clock's time (with `action`, the action-only step). */
export function stepNow(w: AppWorld, o: { action?: boolean; key?: CanaryKey } = {}): Promise<StepOutcome> {
  return runStep(w.step, o.key ?? key, signal, { action: o.action });
}

/** Moves the clock to the row's nextRunAt (if later) and runs that step. */
export function nextStep(w: AppWorld, o: { key?: CanaryKey } = {}): Promise<StepOutcome> {
  const at = w.store.peek(o.key ?? key)?.nextRunAt;
  if (at !== undefined) w.clock.now = Math.max(w.clock.now, at);
  return stepNow(w, o);
}

/**
 * Runs the steps of `k`, each at its row's nextRunAt, until one ends in a phase of `until` or
 * `max` steps ran (a step that ends in no phase — skipped, failed — goes on).
 */
export async function stepUntil(
  w: AppWorld,
  until: readonly Phase[],
  o: { max?: number; key?: CanaryKey } = {},
): Promise<StepOutcome[]> {
  const k = o.key ?? key;
  const outcomes: StepOutcome[] = [];
  for (let i = 0; i < (o.max ?? 40); i++) {
    if (!w.store.peek(k)) break;
    const outcome = await nextStep(w, { key: k });
    outcomes.push(outcome);
    if (outcome.kind === 'stepped' && until.includes(outcome.decision.status.phase)) break;
  }
  return outcomes;
}

/** Registers `canary` and steps it to Initialized (primary ready, apex on it, target at zero). */
export async function initialized(
  w: AppWorld,
  canary: Canary = aCanary(),
  k: CanaryKey = key,
): Promise<void> {
  await register(w, canary, k.cluster);
  await stepUntil(w, ['Initialized'], { key: k });
}

/**
 * Claims `k` at `at` as a step does (the row as it is, its schedule moved past the claim) for a
 * step `owner` that then dies holding it; `runAt: false` leaves the schedule alone.
 */
export async function claimAndDie(
  w: AppWorld,
  at: number,
  o: { owner?: string; key?: CanaryKey; runAt?: false } = {},
): Promise<void> {
  const k = o.key ?? key;
  const version = w.store.peek(k)!.version;
  const runAt = o.runAt === false ? undefined : at + LEASE_MS + 1000;
  const claim = { owner: o.owner ?? 'crashed-step', now: at, until: at + LEASE_MS, version, runAt };
  expect(await w.store.acquire(k, claim)).toEqual({});
}

/** The phase after each decided step. */
export function phases(outcomes: readonly StepOutcome[]): Phase[] {
  return outcomes.flatMap((o) => (o.kind === 'stepped' ? [o.decision.status.phase] : []));
}

/** The reason of each decided step. */
export function reasons(outcomes: readonly StepOutcome[]): string[] {
  return outcomes.flatMap((o) => (o.kind === 'stepped' ? [o.decision.reason] : []));
}

/**
 * A canary with a confirm-rollout gate, initialized, whose new revision `rev-2` waits at the
 * closed gate (Waiting, the WaitingApproval event published).
 */
export async function waitingAtRolloutGate(w: AppWorld): Promise<void> {
  await initialized(w, aCanary({ webhooks: [hook('confirm-rollout')] }));
  w.cluster.hooks.answer = (call) => answered(call, 403);
  w.cluster.workloads.target!.revision = 'rev-2';
  await nextStep(w);
  expect(w.store.peek(key)!.status.phase).toBe('Waiting');
}
