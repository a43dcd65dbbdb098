/**
 * Advance one canary one step: read → claim → observe → decide (gathering what it asks for) →
 * execute → save (version condition; ends the claim) → history → publish. Safe to run twice and
 * safe to die half-way: a duplicate delivery finds the step not due or the claim taken; a step
 * that dies after acting but before saving is re-observed by the next one, which converges.
 * Whatever a step did is in the history (step-history.ts, step-save.ts), also when its save did
 * not go through. DynamoDB: one read and two writes (claim, save), plus the history record when
 * something happened (docs/architecture.md, "DynamoDB requests per step").
 */
import type { ClusterGitOps } from '../ports/cluster.js';
import { writeStatusBack, type StatusWriteDeps } from './status-writeback.js';
import type { Action } from '../domain/actions.js';
import type { StepDecision } from '../domain/decide/index.js';
import type { Observations } from '../domain/observations.js';
import * as spec from '../domain/spec/accessors.js';
import type { Canary } from '../domain/spec/schema.js';
import type { CanaryStatus } from '../domain/status.js';
import { sawWith } from '../domain/reads.js';
import { isIdle } from '../domain/sweep/idle.js';
import type { Seen } from '../domain/sweep/seen.js';
import { watched } from '../domain/sweep/watch.js';
import type { EventBus } from '../ports/bus.js';
import type { ClusterAccess } from '../ports/clusters.js';
import type { Logger } from '../ports/logger.js';
import type { WorkQueue } from '../ports/queue.js';
import type { CanaryKey, CanaryRecord, CanaryStore, History, Leases } from '../ports/store.js';
import type { Router } from '../ports/router.js';
import { keyString } from '../ports/store.js';
import { ActionFailedError, describeEffects, execute } from './execute.js';
import { decideWithInputs, type CheckDeps } from './gather.js';
import { observe } from './observe.js';
import { probeMetrics } from './probe-metrics.js';
import {
  decidedEntry,
  recordedAfter,
  repeatsLast,
  stepEntry,
  takeover,
  type StepRun,
} from './step-history.js';
import { deleted, notSaved, saveStatus } from './step-save.js';

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
  /** Flagger's status written back to Canary objects (lib/app/status-writeback.ts). */
  canaryObjects?: StatusWriteDeps['canaryObjects'];
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
  const run: StepRun = { id: deps.newId(), now };
  // One write claims the row exactly as read (its version) and moves its schedule to the claim's
  // end: no read under the claim, dispatch leaves the canary alone while the step runs, and a step
  // that dies holding the claim delays it by at most the claim's length.
  const until = now + deps.leaseMs;
  const runAt = claimedRunAt(record, until + earlyMs(deps));
  const claim = { owner: run.id, now, until, version: record.version, runAt };
  const lease = await deps.leases.acquire(key, claim, signal);
  if (!lease) return { kind: 'skipped', why: 'leaseHeld' };
  // A step died holding the claim: say how long the canary waited for it.
  if (lease.replaced) run.takeover = takeover(deps.logger, key, lease.replaced, now);
  let ended = false;
  try {
    const outcome = await step(deps, record, run, signal, opts.action === true);
    ended = claimEnded(outcome);
    return outcome;
  } finally {
    // Only a step that saved nothing still holds its claim: end it, so that an operator's command
    // or the sweep's step need not wait for it to expire (nor report a takeover of a live step).
    if (!ended)
      await deps.leases
        .release(key, run.id, signal)
        .catch((e: Error) => deps.logger.warn('claim release failed', { error: e.message }));
  }
}

/**
 * The canary's nextRunAt while a claim holds: not before `after` (the claim's end, plus the
 * tolerance for early deliveries, which would otherwise find the claim still held), and never
 * later than it was (an unscheduled canary stays unscheduled).
 */
function claimedRunAt(record: CanaryRecord<CanaryStatus>, after: number): number | undefined {
  return record.nextRunAt === undefined ? undefined : Math.max(record.nextRunAt, after);
}

/** How early a step may start (StepDeps.earlyToleranceMs). */
function earlyMs(deps: StepDeps): number {
  return deps.earlyToleranceMs ?? 1000;
}

/**
 * Whether the step ended its claim: it saved (the save ends it), or its row is gone. A failed step
 * whose reschedule did not save, and a step that threw, still hold it.
 */
function claimEnded(outcome: StepOutcome): boolean {
  return outcome.kind !== 'failed' || outcome.record !== undefined;
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
  if (record.nextRunAt > now + earlyMs(deps))
    return { kind: 'skipped', why: 'notDue', nextRunAt: record.nextRunAt };
  return undefined;
}

/** What a step decided and did before saving. */
interface Acted {
  decision: StepDecision;
  obs: Observations;
  router: Router;
  done: readonly Action[];
  /** What the step saw and wrote, when it leaves the canary idle (for the sweep to compare). */
  seen?: Seen;
  /** Whether it changed anything in the cluster. */
  wrote: boolean;
  /** The cluster record's GitOps settings (status write-back). */
  gitops?: ClusterGitOps;
}

async function step(
  deps: StepDeps,
  record: CanaryRecord<CanaryStatus>,
  run: StepRun,
  signal: AbortSignal,
  actionOnly: boolean,
): Promise<StepOutcome> {
  let acted: Acted;
  try {
    acted = await act(deps, record, run.now, signal, actionOnly);
  } catch (e) {
    return failed(deps, record, run, e as Error, signal);
  }
  const { decision, obs } = acted;
  // A step that changed nothing counts itself on the row instead of writing a record.
  const repeats = repeatsLast({
    record,
    decision,
    obs,
    wrote: acted.wrote,
    tookOver: run.takeover !== undefined,
  });
  let saved: CanaryRecord<CanaryStatus> | undefined;
  try {
    saved = await saveStatus(deps.store, record, decision, run.now, signal, {
      claim: run.id,
      seen: acted.seen,
      // Only over the row it read: after a conflict (an operator wrote meanwhile) it is a new record.
      recorded: (base) => recordedAfter(base, run, decision, repeats && base.version === record.version),
    });
  } catch (e) {
    const explanation = await notSaved(deps, record, run, acted.done, e as Error, signal);
    return { kind: 'failed', error: explanation };
  }
  if (!saved) {
    // Deleted through the API while this step ran: nothing left to save or schedule.
    const canary = record.manifest as Canary;
    await deleted(
      deps,
      record,
      run,
      { canary, router: acted.router, routes: obs.routes, done: acted.done },
      signal,
    );
    return { kind: 'skipped', why: 'missing' };
  }
  if (saved.recorded?.id === run.id)
    await deps.history.append(decidedEntry(record, run, decision, obs), signal);
  await deps.bus.publish(decision.events, signal);
  await writeStatusBack(deps, record, saved, acted.gitops, signal);
  // revertOnDeletion: the row outlives DELETE until the target is reverted (Flagger's finalizer).
  if (decision.status.phase === 'Terminated') await deps.store.delete(record.key, signal);
  else await chain(deps, record.key, saved.nextRunAt, run.now, signal);
  deps.logger.info(decision.explanation, {
    canary: keyString(record.key),
    reason: decision.reason,
    phase: decision.status.phase,
  });
  return { kind: 'stepped', decision, record: saved, from: record.status.phase };
}

/** Observe, decide (gathering what decide() asks for) and execute; throws when any of it fails. */
async function act(
  deps: StepDeps,
  record: CanaryRecord<CanaryStatus>,
  now: number,
  signal: AbortSignal,
  actionOnly: boolean,
): Promise<Acted> {
  const canary = record.manifest as Canary;
  const cluster = await deps.clusters.get(record.key.cluster, signal);
  const provider = spec.provider(canary, cluster.record.defaultProvider ?? deps.defaultProvider);
  const router = cluster.router(provider);
  // Flagger probes while the canary initializes, and only when it runs an analysis.
  if (record.status.phase === 'Initializing' && !actionOnly && !spec.skipAnalysis(canary))
    await probeMetrics({ ...deps.checks, logger: deps.logger }, canary, cluster, provider, now, signal);
  const observed = await observe(canary, cluster, router, provider, record.status, now, signal);
  const inputs = { ...observed, ...(actionOnly && { actionOnly }), idleReconcileMs: deps.idleReconcileMs };
  const decided = await decideWithInputs(
    deps.checks.resolver,
    cluster,
    canary,
    record.status,
    inputs,
    provider,
    signal,
  );
  const { obs } = decided;
  let { decision } = decided;
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
  const seen =
    deps.idleReconcileMs !== undefined && isIdle(decision.status)
      ? { at: now, objects: watched(canary, sawWith(record.status, cluster.touched())) }
      : undefined;
  return {
    decision,
    obs,
    router,
    done: executed.done,
    seen,
    wrote: cluster.wrote(),
    gitops: cluster.record.gitops,
  };
}

/**
 * A step that could not decide or act: keep the status, explain (with the actions that took
 * effect before the failure, if any), and try again after min(interval, 60 s).
 */
async function failed(
  deps: StepDeps,
  record: CanaryRecord<CanaryStatus>,
  run: StepRun,
  error: Error,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const { now } = run;
  const canary = record.manifest as Canary;
  const retryAt = now + Math.min(spec.intervalSeconds(canary), 60) * 1000;
  const done = error instanceof ActionFailedError ? error.done : [];
  deps.logger.error('step failed', {
    canary: keyString(record.key),
    error: error.message,
    reason: 'StepFailed',
    ...(done.length > 0 && { did: describeEffects(done) }),
  });
  const before = done.length > 0 ? ` after it did: ${describeEffects(done)}` : '';
  const entry = stepEntry(record, run, {
    phase: record.status.phase,
    reason: 'StepFailed',
    explanation: `step failed${before}; status unchanged, retrying at ${new Date(retryAt).toISOString()}: ${error.message}`,
    ...(done.length > 0 && { actions: [...done] }),
  });
  let saved: CanaryRecord<CanaryStatus> | undefined;
  try {
    // The row names this record as its last: a failed step is never repeated, it is a record.
    const recorded = recordedAfter(
      record,
      run,
      { reason: entry.reason, explanation: entry.explanation },
      false,
    );
    const next = { ...record, nextRunAt: retryAt, updatedAt: now, recorded };
    saved = await deps.store.save(next, record.version, signal, run.id);
    await chain(deps, record.key, retryAt, now, signal);
  } catch (e) {
    deps.logger.warn('could not reschedule after a failed step', { error: (e as Error).message });
  }
  await deps.history.append(entry, signal);
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
