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
}

/** Canary rows: conditional writes only. */
export interface CanaryStore<S = unknown> {
  get(key: CanaryKey, signal: AbortSignal): Promise<CanaryRecord<S> | undefined>;
  /** Creates (expectedVersion 0) or replaces the row whose version is `expectedVersion`; ConflictError otherwise. */
  save(record: CanaryRecord<S>, expectedVersion: number, signal: AbortSignal): Promise<CanaryRecord<S>>;
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

/** A step's exclusive hold on a canary; expires so a crashed step cannot block it forever. */
export interface Leases {
  /**
   * Takes the lease until `now + ttlMs`; undefined when another owner holds an unexpired one or
   * the canary is gone. A lease that expired in place (its step died holding it) is replaced, and
   * the grant says whose it was and since when.
   */
  acquire(
    key: CanaryKey,
    owner: string,
    now: number,
    ttlMs: number,
    signal: AbortSignal,
  ): Promise<LeaseGrant | undefined>;
  release(key: CanaryKey, owner: string, signal: AbortSignal): Promise<void>;
}

/** A lease taken; `replaced` is the expired lease of a step that never released it. */
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
  actions?: unknown[];
  inputs?: Record<string, unknown>;
}

export interface History {
  append(record: HistoryRecord, signal: AbortSignal): Promise<void>;
  /** Newest first. */
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
