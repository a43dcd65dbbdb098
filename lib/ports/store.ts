/**
 * Persistence ports, owned by lib/app. One DynamoDB table implements all of them
 * (lib/adapters/dynamodb); tests of lib/app use in-memory fakes.
 */
import type { Seen } from '../domain/sweep/seen.js';

/** A canary's identity across clusters. */
export interface CanaryKey {
  cluster: string;
  namespace: string;
  name: string;
}

/** What the store keeps for one canary. `S` is the domain status type. */
export interface CanaryRecord<S = unknown> {
  key: CanaryKey;
  /** The manifest as registered (normalised Canary). */
  manifest: unknown;
  status: S;
  /** Optimistic-concurrency counter: every save must name the version it read. */
  version: number;
  /** Epoch ms of the next analysis step; absent when nothing is scheduled. */
  nextRunAt?: number;
  createdAt: number;
  updatedAt: number;
  /**
   * What the canary last saw, while it is idle (lib/domain/sweep): recorded by the step that left
   * it idle, compared by the per-cluster sweep. Absent while a release runs.
   */
  seen?: Seen;
  /**
   * The last history record a step wrote for this canary and how many steps it stands for: saved
   * with the status of the step that wrote it or repeated it (lib/app/step-history.ts).
   */
  recorded?: LastRecord;
  /**
   * Where the manifest comes from: `cluster` for a Canary object in the cluster (docs/gitops.md,
   * registered by the sweep); absent for the API.
   */
  source?: 'cluster';
}

/**
 * The last history record of a canary's steps, kept on its row so that a step which changed
 * nothing can count itself as a repeat of it instead of writing a record (no read of the history).
 */
export interface LastRecord {
  /** The record's id and time (its place in the history). */
  id: string;
  at: number;
  /** Its reason, and a hash of its reason and explanation: what a repeat must match. */
  reason: string;
  outcome: string;
  /**
   * The row version the save of its latest step produced. A save by anyone else since (an
   * operator command, a failed step) ends the run: the next step writes a record of its own.
   */
  version: number;
  /** Steps that ended this way: the record's own and the unrecorded repeats after it (≥ 1). */
  count: number;
  /** When the latest of them ran (epoch ms). */
  lastAt: number;
}

/** Canary rows: conditional writes only. */
export interface CanaryStore<S = unknown> {
  get(key: CanaryKey, signal: AbortSignal): Promise<CanaryRecord<S> | undefined>;
  /**
   * Creates (expectedVersion 0) or replaces the row whose version is `expectedVersion`; ConflictError
   * otherwise. With `claim` (a step's owner id, see {@link Leases}) the save also ends that step's
   * claim, and succeeds only while the step still holds it: one write saves and releases.
   */
  save(
    record: CanaryRecord<S>,
    expectedVersion: number,
    signal: AbortSignal,
    claim?: string,
  ): Promise<CanaryRecord<S>>;
  delete(key: CanaryKey, signal: AbortSignal): Promise<void>;
  /** Canaries whose nextRunAt ≤ until, found through the sharded due index (Query, never Scan). */
  listDue(until: number, signal: AbortSignal): Promise<{ key: CanaryKey; nextRunAt: number }[]>;
  list(filter: { cluster?: string; namespace?: string }, signal: AbortSignal): Promise<CanaryRecord<S>[]>;
}

/** An idle canary as the sweep sees it. */
export interface IdleCanary {
  key: CanaryKey;
  seen: Seen;
}

/** The idle canaries of each cluster: the rows that carry `seen` (an index, never a Scan). */
export interface IdleCanaries {
  list(cluster: string, signal: AbortSignal): Promise<IdleCanary[]>;
  /** Whether the cluster has an idle canary at all (one small read). */
  any(cluster: string, signal: AbortSignal): Promise<boolean>;
}

/**
 * A step's exclusive hold on a canary (its claim); expires so a crashed step cannot block it
 * forever. The status save of the step ends it (CanaryStore.save with `claim`).
 */
export interface Leases {
  /**
   * Claims `key` for one step in one conditional write: only while the row is still at
   * `claim.version` (the step runs on exactly the row it read, with no read under the claim) and
   * no other step holds an unexpired claim. The write also moves the canary's schedule to
   * `claim.runAt`, so dispatch does not queue it again while the step runs and a step that dies
   * holding the claim delays it until then. Undefined when the claim is held, the row moved on or
   * is gone. A claim that expired in place (its step died) is replaced, and the grant says whose
   * it was and since when.
   */
  acquire(key: CanaryKey, claim: Claim, signal: AbortSignal): Promise<LeaseGrant | undefined>;
  /** Ends a claim without saving (a path on which the step saves nothing); no effect if not `owner`'s. */
  release(key: CanaryKey, owner: string, signal: AbortSignal): Promise<void>;
}

/** What a step asks for when it claims a canary. */
export interface Claim {
  /** The step's id. */
  owner: string;
  /** When the claim starts and when it expires (epoch ms). */
  now: number;
  until: number;
  /** The version of the row the step read and will run on. */
  version: number;
  /** The canary's nextRunAt while the claim holds; undefined leaves the schedule as it is. */
  runAt?: number;
}

/** A claim taken; `replaced` is the expired claim of a step that never ended it. */
export interface LeaseGrant {
  replaced?: ExpiredLease;
}

/** A lease left behind: its owner (a step id), when it was taken and when it expired (epoch ms). */
export interface ExpiredLease {
  owner: string;
  since: number;
  until: number;
}

/** One audit record per step or operator action. */
export interface HistoryRecord {
  key: CanaryKey;
  at: number;
  /** Unique within a canary and instant (a step id). */
  id: string;
  kind: 'step' | 'operator' | 'registration';
  actor: string;
  phase: string;
  reason: string;
  explanation: string;
  canaryWeight?: number;
  failedChecks?: number;
  checks?: unknown[];
  /** The judge's verdicts of the step (lib/domain/judge Judgement), when it compared metrics. */
  judgements?: readonly unknown[];
  actions?: unknown[];
  inputs?: Record<string, unknown>;
  /**
   * Steps that ended exactly this way: this record's own and the repeats after it, which wrote no
   * record of their own (absent: 1). Shown by `list`; see {@link HistoryRecord.previous}.
   */
  count?: number;
  /** When the latest of those steps ran (epoch ms), when `count` > 1. */
  lastAt?: number;
  /**
   * Written with a step's record: the final count of the run of repeats before it (the row's
   * {@link LastRecord} when this record was written). `list` shows it on the record it names, as
   * `count` and `lastAt`, so that ending a run costs no write of its own.
   */
  previous?: RepeatCount;
}

/** How often a history record was repeated, and when last. */
export interface RepeatCount {
  /** The repeated record's id and time. */
  id: string;
  at: number;
  count: number;
  lastAt: number;
}

export interface History {
  append(record: HistoryRecord, signal: AbortSignal): Promise<void>;
  /**
   * Newest first. Each record shows the count of its repeats (`count`, `lastAt`) once a later
   * record carries it (`previous`, removed from the answer); the run of repeats still going on is
   * counted on the canary row only (CanaryRecord.recorded).
   */
  list(
    key: CanaryKey,
    opts: { limit: number; before?: number },
    signal: AbortSignal,
  ): Promise<HistoryRecord[]>;
}

/** Generic named documents: cluster records, metric templates, alert providers. */
export interface Documents<T> {
  get(name: string, signal: AbortSignal): Promise<T | undefined>;
  put(name: string, doc: T, signal: AbortSignal): Promise<void>;
  list(signal: AbortSignal): Promise<{ name: string; doc: T }[]>;
  /** The names only (no document is read: dispatch lists the clusters this way). */
  names(signal: AbortSignal): Promise<string[]>;
  delete(name: string, signal: AbortSignal): Promise<void>;
}

/** Raised when a conditional write loses a race (stale version, lease held). */
export { ConflictError } from './errors.js';

export function keyString(k: CanaryKey): string {
  return `${k.cluster}/${k.namespace}/${k.name}`;
}
