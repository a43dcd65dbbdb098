/**
 * The history records of a step (docs/architecture.md, "Nothing happens off the record"): every
 * step that took its claim writes one record, whether it decided, failed, lost its save or found
 * its canary deleted — unless it only repeated the last record ({@link repeatsLast}): then the
 * canary row counts it, and the next record carries the count. A step that took over the expired
 * claim of one that died says how long the canary waited for it.
 */
import { createHash } from 'node:crypto';
import type { Action } from '../domain/actions.js';
import { canonicalJson } from '../domain/canonical.js';
import type { StepDecision } from '../domain/decide/index.js';
import type { GatingHookType, Observations } from '../domain/observations.js';
import type { CanaryStatus } from '../domain/status.js';
import type { Logger } from '../ports/logger.js';
import type { CanaryKey, CanaryRecord, ExpiredLease, HistoryRecord, LastRecord } from '../ports/store.js';
import { keyString } from '../ports/store.js';

/** One run of a step: its id (also its lease owner), its time, and the lease it took over. */
export interface StepRun {
  id: string;
  now: number;
  takeover?: Takeover;
}

/** A step that took over the expired lease of one that never finished. */
export interface Takeover {
  /** The id of the step that died holding the lease. */
  previousStep: string;
  /** When that step took the lease (epoch ms). */
  heldSince: number;
  /** When its lease expired (epoch ms). */
  expiredAt: number;
  /** How long the canary waited for it: the lease's age when this step took over. */
  waitedMs: number;
}

/** The takeover of `lease` at `now`, logged (reason `LeaseExpired`). */
export function takeover(logger: Logger, key: CanaryKey, lease: ExpiredLease, now: number): Takeover {
  const t = {
    previousStep: lease.owner,
    heldSince: lease.since,
    expiredAt: lease.until,
    waitedMs: now - lease.since,
  };
  logger.warn('took over the expired lease of a step that did not finish', {
    canary: keyString(key),
    reason: 'LeaseExpired',
    ...t,
  });
  return t;
}

/**
 * The fields every record of this step has; a takeover is added to the explanation and inputs.
 * The record carries the final count of the run of repeats it ends, if any (`previous`).
 */
export function stepEntry(
  record: CanaryRecord<CanaryStatus>,
  run: StepRun,
  fields: Pick<HistoryRecord, 'phase' | 'reason' | 'explanation'> & Partial<HistoryRecord>,
): HistoryRecord {
  const t = run.takeover;
  const last = record.recorded;
  const entry: HistoryRecord = {
    key: record.key,
    at: run.now,
    id: run.id,
    kind: 'step',
    actor: 'controller',
    ...fields,
    ...(last &&
      last.count > 1 && { previous: { id: last.id, at: last.at, count: last.count, lastAt: last.lastAt } }),
  };
  if (!t) return entry;
  const waited = `took over from step ${t.previousStep}, whose lease expired: the canary waited ${Math.round(t.waitedMs / 1000)} s`;
  return {
    ...entry,
    explanation: `${fields.explanation} (${waited})`,
    inputs: { ...fields.inputs, lease: t },
  };
}

/** The record of a decided step: its checks, the actions that took effect and what it observed. */
export function decidedEntry(
  record: CanaryRecord<CanaryStatus>,
  run: StepRun,
  decision: StepDecision,
  obs: Observations,
): HistoryRecord {
  return stepEntry(record, run, {
    phase: decision.status.phase,
    reason: decision.reason,
    explanation: decision.explanation,
    canaryWeight: decision.status.canaryWeight,
    failedChecks: decision.status.failedChecks,
    checks: [
      ...(obs.metrics ?? []),
      ...Object.entries(obs.hooks).flatMap(([type, list]) => list.map((h) => ({ type, ...h }))),
    ],
    ...(decision.judgements && { judgements: decision.judgements.map(storable) }),
    actions: decision.actions,
    inputs: {
      target: obs.target,
      primary: obs.primary,
      canary: obs.canary,
      routes: obs.routes,
      operator: record.status.pendingCommand,
    },
  });
}

/**
 * A verdict as a record can hold it: an unbounded confidence bound (±Infinity: nothing known yet)
 * becomes null, as in JSON — DynamoDB has no infinite numbers.
 */
function storable(j: unknown): unknown {
  return JSON.parse(JSON.stringify(j)) as unknown;
}

/** What a step was and did, as far as its history record is concerned. */
export interface StepFacts {
  /** The row the step ran on. */
  record: Pick<CanaryRecord<CanaryStatus>, 'status' | 'version' | 'recorded'>;
  decision: Pick<StepDecision, 'status' | 'actions' | 'events' | 'reason' | 'explanation'>;
  /** Its checks: the metrics and gating webhooks it ran. */
  obs: Pick<Observations, 'metrics' | 'hooks'>;
  /** Whether it changed anything in the cluster (ClusterHandle.wrote). */
  wrote: boolean;
  /** Whether it took over the claim of a step that died. */
  tookOver: boolean;
}

/**
 * Actions every step runs to keep what exists in shape. Listed in every decision, they change
 * something only when something drifted, and then the step wrote to the cluster.
 */
const ENSURE: ReadonlySet<Action['kind']> = new Set(['bootstrap', 'pointApexAtPrimary', 'reconcileRoutes']);

/**
 * Whether `a` may be part of a repeat: an ensure-action, or a notification — a Kubernetes Event
 * and its `event` hooks — which a repeat must send exactly as the last record did (the actions
 * are part of its outcome), as a closed gate's Warning is repeated every step (the API server
 * counts the Event's repeats, the history its record's).
 */
function repeatable(a: Action): boolean {
  return ENSURE.has(a.kind) || a.kind === 'recordEvent' || (a.kind === 'runHooks' && a.type === 'event');
}

/** Hooks whose "no" fails a check; a closed gate (confirm-*) is a wait and a rollback hook's "no" is the normal answer. */
const FAILING_HOOKS: readonly GatingHookType[] = ['pre-rollout', 'rollout'];

/**
 * Whether a step only repeated the canary's last history record, so that it writes no record of
 * its own (docs/architecture.md, "History: only what happened"). All of these hold:
 * - the last record is the last thing saved to the row (no operator command, failed step or
 *   other save since), and the step took over from no one and consumed no operator command;
 * - the status is unchanged — phase, weights, failed checks, iterations, all of it;
 * - no domain event (notification), no change to the cluster, and no action but the
 *   ensure-actions of every step and the same Kubernetes Events as the last record;
 * - no check failed (a metric that did not pass, a pre-rollout or rollout hook that refused);
 * - its reason, explanation and those Events are the last record's.
 * An action that changed something, a failed check, a phase change or an operator command is
 * therefore never collapsed.
 */
export function repeatsLast(f: StepFacts): boolean {
  const last = f.record.recorded;
  if (last === undefined || last.version !== f.record.version) return false;
  if (f.tookOver || f.record.status.pendingCommand !== undefined || f.wrote) return false;
  const { decision } = f;
  if (decision.events.length > 0 || !decision.actions.every(repeatable)) return false;
  if ((f.obs.metrics ?? []).some((m) => m.verdict !== 'pass')) return false;
  if (FAILING_HOOKS.some((type) => (f.obs.hooks[type] ?? []).some((h) => !h.ok))) return false;
  if (canonicalJson(decision.status) !== canonicalJson(f.record.status)) return false;
  return last.outcome === outcomeOf(decision);
}

/**
 * The row's last record once this step is saved over `base` (the row the save's version names):
 * the same record counted once more when the step `repeats` it, else this step's own record.
 */
export function recordedAfter(
  base: Pick<CanaryRecord<CanaryStatus>, 'version' | 'recorded'>,
  run: StepRun,
  outcome: Outcome,
  repeats: boolean,
): LastRecord {
  const version = base.version + 1;
  if (repeats && base.recorded)
    return { ...base.recorded, count: base.recorded.count + 1, lastAt: run.now, version };
  return {
    id: run.id,
    at: run.now,
    reason: outcome.reason,
    outcome: outcomeOf(outcome),
    version,
    count: 1,
    lastAt: run.now,
  };
}

/** What a repeat must match: a record's reason and explanation, and its notifications. */
type Outcome = Pick<HistoryRecord, 'reason' | 'explanation'> & { actions?: readonly Action[] };

/** A short hash of an outcome (the row keeps no text that could hold a secret). */
function outcomeOf(o: Outcome): string {
  const notices = (o.actions ?? []).filter((a) => !ENSURE.has(a.kind));
  const text = `${o.reason}\n${o.explanation}\n${canonicalJson(notices)}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
