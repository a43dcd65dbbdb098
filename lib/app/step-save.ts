/**
 * Saving a step's status, and what happens when the save does not go through after the step
 * acted: the history says what the step did (a lost save), or — the canary was deleted meanwhile
 * and no step will follow — the traffic goes back to the primary. Never silently.
 */
import type { Action } from '../domain/actions.js';
import type { StepDecision } from '../domain/decide/index.js';
import type { RouteWeights } from '../domain/observations.js';
import type { Canary } from '../domain/spec/schema.js';
import type { CanaryStatus } from '../domain/status.js';
import type { Seen } from '../domain/sweep/seen.js';
import type { Logger } from '../ports/logger.js';
import type { Router } from '../ports/router.js';
import type { CanaryRecord, CanaryStore, History, LastRecord } from '../ports/store.js';
import { ConflictError, keyString } from '../ports/store.js';
import { describeEffects } from './execute.js';
import { stepEntry, type StepRun } from './step-history.js';

const MAX_SAVE_ATTEMPTS = 3;

interface RecordDeps {
  history: History;
  logger: Logger;
}

/** How a step's save ends its claim and what it records beside the status. */
export interface SaveOptions {
  /** The step's id: the save ends its claim, and only succeeds while the step holds it. */
  claim: string;
  /** What an idle canary's step saw (for the sweep); without it the row leaves the sweep's index. */
  seen?: Seen;
  /** The row's last history record after the save, given the row the save replaces. */
  recorded: (base: CanaryRecord<CanaryStatus>) => LastRecord;
}

/**
 * Saves the decided status, ending the step's claim in the same write. A conflict means the API
 * wrote meanwhile (an operator command; the API's writes leave the claim in place): re-read, keep
 * the command it wrote unless this step consumed it, and retry (bounded). Undefined when the row
 * is gone (deleted through the API).
 */
export async function saveStatus(
  store: CanaryStore<CanaryStatus>,
  record: CanaryRecord<CanaryStatus>,
  decision: StepDecision,
  now: number,
  signal: AbortSignal,
  opts: SaveOptions,
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
      seen: opts.seen,
      recorded: opts.recorded(base),
    };
    try {
      return await store.save(next, base.version, signal, opts.claim);
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= MAX_SAVE_ATTEMPTS) throw e;
      const reread = await store.get(record.key, signal);
      if (!reread) return undefined;
      base = reread;
    }
  }
}

/**
 * The step acted but its status was not saved (it lost the version race every time, or the store
 * failed): the store keeps the status it had, the cluster has what the step did. The history says
 * what that was; the next step observes the live routes and carries on from there. Resolves to
 * the explanation after a lost race (the canary is still due, the step ends); rethrows any other
 * error for the queue to redeliver.
 */
export async function notSaved(
  deps: RecordDeps,
  record: CanaryRecord<CanaryStatus>,
  run: StepRun,
  done: readonly Action[],
  error: Error,
  signal: AbortSignal,
): Promise<string> {
  const did = describeEffects(done);
  const explanation = `status not saved (${error.message}); the step did: ${did}; the next step observes the cluster and carries on from there`;
  const canary = keyString(record.key);
  deps.logger.error('step acted but its status was not saved', {
    canary,
    reason: 'StatusNotSaved',
    error: error.message,
    did,
  });
  const entry = stepEntry(record, run, {
    phase: record.status.phase,
    reason: 'StatusNotSaved',
    explanation,
    actions: [...done],
  });
  await deps.history
    .append(entry, signal)
    .catch((e: Error) => deps.logger.error('history record failed', { canary, error: e.message, did }));
  if (!(error instanceof ConflictError)) throw error;
  return explanation;
}

/** What a step that found its canary deleted at save time needs to put the traffic back. */
export interface DeletedStep {
  canary: Canary;
  router: Router;
  /** The routes observed at the start of the step. */
  routes?: RouteWeights;
  /** The actions that took effect. */
  done: readonly Action[];
}

/**
 * The canary was deleted through the API while the step ran: its row is gone, so no step will
 * follow. Deleting without revertOnDeletion leaves the cluster serving the primary (with it, the
 * API keeps the row until the steps have reverted the target, so a save never gets here): if
 * this step, or the release before it, left traffic on the canary, it goes back to the primary.
 */
export async function deleted(
  deps: RecordDeps,
  record: CanaryRecord<CanaryStatus>,
  run: StepRun,
  step: DeletedStep,
  signal: AbortSignal,
): Promise<void> {
  const left = lastRoutes(step.done) ?? step.routes;
  const actions = [...step.done];
  let outcome = 'the cluster serves the primary';
  let failed = false;
  if (left && (left.canary > 0 || left.mirrored)) {
    try {
      await step.router.setRoutes(step.canary, { primary: 100, canary: 0, mirrored: false }, signal);
      actions.push({ kind: 'setRoutes', primary: 100, canary: 0, mirror: false });
      outcome = `traffic moved back to the primary (from ${left.primary}/${left.canary})`;
    } catch (e) {
      failed = true;
      outcome = `moving traffic back to the primary failed, routes left at ${left.primary}/${left.canary}: ${(e as Error).message}`;
    }
  }
  const explanation = `canary deleted during the step, which did: ${describeEffects(step.done)}; ${outcome}`;
  const canary = keyString(record.key);
  deps.logger[failed ? 'error' : 'info'](explanation, { canary, reason: 'CanaryDeleted' });
  const entry = stepEntry(record, run, {
    phase: 'Terminated',
    reason: 'CanaryDeleted',
    explanation,
    actions,
  });
  await deps.history
    .append(entry, signal)
    .catch((e: Error) => deps.logger.error('history record failed', { canary, error: e.message }));
}

/** The split the last `setRoutes` of `actions` wrote, if any. */
function lastRoutes(actions: readonly Action[]): RouteWeights | undefined {
  const last = actions.filter((a) => a.kind === 'setRoutes').at(-1);
  return last && { primary: last.primary, canary: last.canary, mirrored: last.mirror };
}
