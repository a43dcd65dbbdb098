/**
 * Advance one canary one step: lease → observe → decide (gathering what it asks for) → execute →
 * save (version condition) → history → publish → release. Safe to run twice and safe to die
 * half-way: a duplicate delivery finds the lease taken or the step not due; a step that dies after
 * acting but before saving is re-observed by the next one, which converges.
 */
import { decide, MAX_NEED_ROUNDS, type StepDecision } from '../domain/decide/index.js';
import type { Observations } from '../domain/observations.js';
import * as spec from '../domain/spec/accessors.js';
import type { Canary } from '../domain/spec/schema.js';
import type { CanaryStatus } from '../domain/status.js';
import { isIdle } from '../domain/sweep/idle.js';
import type { Seen } from '../domain/sweep/seen.js';
import { watched } from '../domain/sweep/watch.js';
import type { EventBus } from '../ports/bus.js';
import type { ClusterAccess, ClusterHandle } from '../ports/clusters.js';
import type { Logger } from '../ports/logger.js';
import type { WorkQueue } from '../ports/queue.js';
import type { CanaryKey, CanaryRecord, CanaryStore, History, Leases } from '../ports/store.js';
import { ConflictError, keyString } from '../ports/store.js';
import { execute } from './execute.js';
import { callGatingHooks, runMetricChecks, type CheckDeps } from './gather.js';
import { observe } from './observe.js';

export interface StepDeps {
  store: CanaryStore<CanaryStatus>;
  leases: Leases;
  history: History;
  bus: EventBus;
  clusters: ClusterAccess;
  /** Turns a metric check into its query (webhooks and metrics servers come with the cluster). */
  checks: Pick<CheckDeps, 'resolver'>;
  logger: Logger;
  now: () => number;
  newId: () => string;
  leaseMs: number;
  /** The deployment's default provider (DEFAULT_PROVIDER), after the Canary's and the cluster record's. */
  defaultProvider: spec.Provider;
  /**
   * Steps due sooner than this after a step are queued by the step itself (intervals shorter than
   * the dispatch period); later ones are left to dispatch. 0 disables chaining.
   */
  chainWithinMs: number;
  queue: WorkQueue;
  /** A step may start this early (SQS delays are whole seconds). */
  earlyToleranceMs?: number;
  /**
   * Idle canaries are swept (lib/app/sweep.ts): their full step runs every this long instead of
   * every interval (RECONCILE_SECONDS). Undefined: no sweep, idle canaries step every interval.
   */
  idleReconcileMs?: number;
}

export type StepOutcome =
  | {
      kind: 'skipped';
      why: 'missing' | 'notDue' | 'leaseHeld' | 'unscheduled' | 'noCommand';
      nextRunAt?: number;
    }
  | {
      kind: 'stepped';
      decision: StepDecision;
      record: CanaryRecord<CanaryStatus>;
      /** The phase before this step: a release ends when the phase changes to Succeeded or Failed. */
      from: CanaryStatus['phase'];
    }
  | { kind: 'failed'; error: string; record?: CanaryRecord<CanaryStatus> };

const MAX_SAVE_ATTEMPTS = 3;

/**
 * One step of `key`: an analysis step when it is due, or — with `action` — an action-only step
 * that applies the operator's pending command at once (no checks, no failure counted) and keeps
 * the analysis schedule.
 */
export async function runStep(
  deps: StepDeps,
  key: CanaryKey,
  signal: AbortSignal,
  opts: { action?: boolean; seenAt?: number } = {},
): Promise<StepOutcome> {
  const now = deps.now();
  const record = await deps.store.get(key, signal);
  if (!record) return { kind: 'skipped', why: 'missing' };
  const skip = notRunnable(deps, record, now, opts.action === true, opts.seenAt);
  if (skip) return skip;
  const owner = deps.newId();
  if (!(await deps.leases.acquire(key, owner, now, deps.leaseMs, signal)))
    return { kind: 'skipped', why: 'leaseHeld' };
  try {
    // Re-read under the lease: the row may have moved on since the first read.
    const fresh = (await deps.store.get(key, signal)) ?? record;
    const moved = notRunnable(deps, fresh, now, opts.action === true, opts.seenAt);
    if (moved) return moved;
    return await step(deps, fresh, owner, now, signal, opts.action === true);
  } finally {
    await deps.leases
      .release(key, owner, signal)
      .catch((e: Error) => deps.logger.warn('lease release failed', { error: e.message }));
  }
}

/**
 * Why `record` takes no step now (not due; for an action step: no command pending), or undefined.
 * A step the sweep asked for (`seenAt`) is due while the canary holds the record it compared.
 */
function notRunnable(
  deps: StepDeps,
  record: CanaryRecord<CanaryStatus>,
  now: number,
  action: boolean,
  seenAt?: number,
): StepOutcome | undefined {
  if (action) return record.status.pendingCommand ? undefined : { kind: 'skipped', why: 'noCommand' };
  if (seenAt !== undefined && record.seen?.at === seenAt) return undefined;
  if (record.nextRunAt === undefined) return { kind: 'skipped', why: 'unscheduled' };
  if (record.nextRunAt > now + (deps.earlyToleranceMs ?? 1000))
    return { kind: 'skipped', why: 'notDue', nextRunAt: record.nextRunAt };
  return undefined;
}

async function step(
  deps: StepDeps,
  record: CanaryRecord<CanaryStatus>,
  stepId: string,
  now: number,
  signal: AbortSignal,
  actionOnly: boolean,
): Promise<StepOutcome> {
  const canary = record.manifest as Canary;
  let decision: StepDecision;
  let obs: Observations;
  let seen: Seen | undefined;
  try {
    const cluster = await deps.clusters.get(record.key.cluster, signal);
    const provider = spec.provider(canary, cluster.record.defaultProvider ?? deps.defaultProvider);
    const router = cluster.router(provider);
    if (record.status.phase === 'Initializing' && !actionOnly)
      await probeMetrics(deps, canary, cluster, now, signal);
    const observed = await observe(canary, cluster, router, provider, now, signal);
    ({ decision, obs } = await decideWithInputs(
      deps,
      cluster,
      canary,
      record.status,
      { ...observed, ...(actionOnly && { actionOnly }), idleReconcileMs: deps.idleReconcileMs },
      provider,
      signal,
    ));
    // An action keeps the analysis on its schedule (sooner only if the action needs it).
    if (actionOnly && record.nextRunAt !== undefined && decision.nextRunAt !== undefined)
      decision = { ...decision, nextRunAt: Math.min(decision.nextRunAt, record.nextRunAt) };
    const executed = await execute(decision.actions, {
      canary,
      status: decision.status,
      cluster,
      router,
      now,
      signal,
    });
    for (const w of executed.warnings)
      deps.logger.warn('notification failed', { canary: keyString(record.key), warning: w });
    // Left idle: record what this step saw and wrote, for the sweep to compare.
    if (deps.idleReconcileMs !== undefined && isIdle(decision.status))
      seen = { at: now, objects: watched(canary, cluster.touched()) };
  } catch (e) {
    return failed(deps, record, stepId, now, e as Error, signal);
  }
  const saved = await saveStatus(deps, record, decision, now, signal, seen);
  if (!saved) {
    // Deleted through the API while this step ran: nothing left to save or schedule.
    deps.logger.info('canary deleted during the step', {
      canary: keyString(record.key),
      reason: 'CanaryDeleted',
    });
    return { kind: 'skipped', why: 'missing' };
  }
  await deps.history.append(
    {
      key: record.key,
      at: now,
      id: stepId,
      kind: 'step',
      actor: 'controller',
      phase: decision.status.phase,
      reason: decision.reason,
      explanation: decision.explanation,
      canaryWeight: decision.status.canaryWeight,
      failedChecks: decision.status.failedChecks,
      checks: [
        ...(obs.metrics ?? []),
        ...Object.entries(obs.hooks).flatMap(([type, list]) => list.map((h) => ({ type, ...h }))),
      ],
      actions: decision.actions,
      inputs: {
        target: obs.target,
        primary: obs.primary,
        canary: obs.canary,
        routes: obs.routes,
        operator: record.status.pendingCommand,
      },
    },
    signal,
  );
  await deps.bus.publish(decision.events, signal);
  // revertOnDeletion: the row outlives DELETE until the target is reverted (Flagger's finalizer).
  if (decision.status.phase === 'Terminated') await deps.store.delete(record.key, signal);
  else await chain(deps, record.key, saved.nextRunAt, now, signal);
  deps.logger.info(decision.explanation, {
    canary: keyString(record.key),
    reason: decision.reason,
    phase: decision.status.phase,
  });
  return { kind: 'stepped', decision, record: saved, from: record.status.phase };
}

/**
 * Flagger checks at initialization that the metrics server answers `vector(1)`; like Flagger it
 * only warns (a Kubernetes Event and a log line): the checks themselves fail safely later.
 */
async function probeMetrics(
  deps: StepDeps,
  canary: Canary,
  cluster: ClusterHandle,
  now: number,
  signal: AbortSignal,
): Promise<void> {
  if (!spec.metrics(canary).some((m) => m.templateRef === undefined)) return;
  const online = await cluster
    .metrics(undefined)
    .isOnline(signal)
    .catch(() => false);
  if (online) return;
  const message =
    'Error checking metric providers: the metrics server did not answer vector(1); checks will fail until it does';
  deps.logger.warn(message, {
    canary: keyString({
      cluster: cluster.record.name,
      namespace: canary.metadata.namespace,
      name: canary.metadata.name,
    }),
    reason: 'MetricsProviderUnavailable',
  });
  await cluster.events
    .record(canary, { type: 'Warning', reason: 'MetricsProviderUnavailable', message }, new Date(now), signal)
    .catch(() => undefined);
}

/** The ask-then-decide loop: gather exactly what decide() asks for, at most MAX_NEED_ROUNDS times. */
async function decideWithInputs(
  deps: StepDeps,
  cluster: ClusterHandle,
  canary: Canary,
  status: CanaryStatus,
  initial: Observations,
  provider: spec.Provider,
  signal: AbortSignal,
): Promise<{ decision: StepDecision; obs: Observations }> {
  let obs = initial;
  for (let round = 0; round <= MAX_NEED_ROUNDS; round++) {
    const d = decide(canary, status, obs);
    if (d.kind === 'step') return { decision: d, obs };
    for (const need of d.inputs) {
      if (need.kind === 'metrics') {
        const checks = { resolver: deps.checks.resolver, metricsFor: cluster.metrics.bind(cluster) };
        obs = { ...obs, metrics: await runMetricChecks(checks, canary, provider, cluster.record, signal) };
      } else {
        const outcomes = await callGatingHooks(cluster, canary, status, need.type, signal);
        obs = { ...obs, hooks: { ...obs.hooks, [need.type]: outcomes } };
      }
    }
  }
  throw new Error(`decide() still needed inputs after ${MAX_NEED_ROUNDS} rounds`);
}

/**
 * Saves the decided status. A conflict means the API wrote meanwhile (an operator command):
 * re-read, keep the command it wrote unless this step consumed it, and retry (bounded).
 */
async function saveStatus(
  deps: StepDeps,
  record: CanaryRecord<CanaryStatus>,
  decision: StepDecision,
  now: number,
  signal: AbortSignal,
  seen: Seen | undefined,
): Promise<CanaryRecord<CanaryStatus> | undefined> {
  let base = record;
  for (let attempt = 1; ; attempt++) {
    const incoming = base.status.pendingCommand;
    const consumed = record.status.pendingCommand;
    const keep =
      incoming && JSON.stringify(incoming) !== JSON.stringify(consumed) ? { pendingCommand: incoming } : {};
    const next = {
      ...base,
      status: { ...decision.status, ...keep },
      nextRunAt: keep.pendingCommand ? now : decision.nextRunAt,
      updatedAt: now,
      seen,
    };
    try {
      return await deps.store.save(next, base.version, signal);
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= MAX_SAVE_ATTEMPTS) throw e;
      const reread = await deps.store.get(record.key, signal);
      if (!reread) return undefined;
      base = reread;
    }
  }
}

/** A step that could not decide or act: keep the status, explain, and try again next interval. */
async function failed(
  deps: StepDeps,
  record: CanaryRecord<CanaryStatus>,
  stepId: string,
  now: number,
  error: Error,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const canary = record.manifest as Canary;
  const retryAt = now + Math.min(spec.intervalSeconds(canary), 60) * 1000;
  deps.logger.error('step failed', {
    canary: keyString(record.key),
    error: error.message,
    reason: 'StepFailed',
  });
  let saved: CanaryRecord<CanaryStatus> | undefined;
  try {
    saved = await deps.store.save({ ...record, nextRunAt: retryAt, updatedAt: now }, record.version, signal);
    await chain(deps, record.key, retryAt, now, signal);
  } catch (e) {
    deps.logger.warn('could not reschedule after a failed step', { error: (e as Error).message });
  }
  await deps.history.append(
    {
      key: record.key,
      at: now,
      id: stepId,
      kind: 'step',
      actor: 'controller',
      phase: record.status.phase,
      reason: 'StepFailed',
      explanation: `step failed, status unchanged, retrying at ${new Date(retryAt).toISOString()}: ${error.message}`,
    },
    signal,
  );
  return { kind: 'failed', error: error.message, record: saved };
}

/** Queues the next step when it is due before dispatch would find it. */
async function chain(
  deps: StepDeps,
  key: CanaryKey,
  nextRunAt: number | undefined,
  now: number,
  signal: AbortSignal,
): Promise<void> {
  if (nextRunAt === undefined || nextRunAt - now >= deps.chainWithinMs) return;
  await deps.queue.send([{ key, dueAt: nextRunAt }], now, signal);
}
