/**
 * The history records of a step (docs/architecture.md, "Nothing happens off the record"): every
 * step that took its lease writes one record, whether it decided, failed, lost its save or found
 * its canary deleted; a step that took over the expired lease of one that died says how long the
 * canary waited for it.
 */
import type { StepDecision } from '../domain/decide/index.js';
import type { Observations } from '../domain/observations.js';
import type { CanaryStatus } from '../domain/status.js';
import type { Logger } from '../ports/logger.js';
import type { CanaryKey, CanaryRecord, ExpiredLease, HistoryRecord } from '../ports/store.js';
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

/** The fields every record of this step has; a takeover is added to the explanation and inputs. */
export function stepEntry(
  record: CanaryRecord<CanaryStatus>,
  run: StepRun,
  fields: Pick<HistoryRecord, 'phase' | 'reason' | 'explanation'> & Partial<HistoryRecord>,
): HistoryRecord {
  const t = run.takeover;
  const entry: HistoryRecord = {
    key: record.key,
    at: run.now,
    id: run.id,
    kind: 'step',
    actor: 'controller',
    ...fields,
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
