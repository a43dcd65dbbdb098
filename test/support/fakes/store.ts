/**
 * In-memory fakes of the persistence ports (lib/ports/store.ts) with the DynamoDB adapter's
 * semantics: a version condition on every save, a lease that only its owner or its expiry ends,
 * history newest first. Values are copied in and out, so a test cannot change what is stored by
 * accident.
 */
import type { CanaryStatus } from '../../../lib/domain/status.js';
import { ConflictError } from '../../../lib/ports/errors.js';
import type {
  CanaryKey,
  CanaryRecord,
  CanaryStore,
  Documents,
  ExpiredLease,
  History,
  HistoryRecord,
  LeaseGrant,
  Leases,
} from '../../../lib/ports/store.js';
import { keyString } from '../../../lib/ports/store.js';
import { Calls } from './calls.js';

const copy = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/** Canary rows and their leases (one fake, as one DynamoDB table serves both). */
export class FakeCanaryStore implements CanaryStore<CanaryStatus>, Leases {
  readonly calls = new Calls();
  private readonly rows = new Map<string, CanaryRecord<CanaryStatus>>();
  private readonly leases = new Map<string, { owner: string; since: number; until: number }>();

  /** The stored row, without counting a call. */
  peek(key: CanaryKey): CanaryRecord<CanaryStatus> | undefined {
    return copy(this.rows.get(keyString(key)));
  }

  /** The lease on `key`, without counting a call. */
  lease(key: CanaryKey): ExpiredLease | undefined {
    return copy(this.leases.get(keyString(key)));
  }

  async get(key: CanaryKey): Promise<CanaryRecord<CanaryStatus> | undefined> {
    await this.calls.enter('get', key);
    return copy(this.rows.get(keyString(key)));
  }

  async save(
    record: CanaryRecord<CanaryStatus>,
    expectedVersion: number,
  ): Promise<CanaryRecord<CanaryStatus>> {
    await this.calls.enter('save', record, expectedVersion);
    const current = this.rows.get(keyString(record.key));
    if (expectedVersion === 0 ? current !== undefined : current?.version !== expectedVersion)
      throw new ConflictError(
        `canary ${keyString(record.key)} save at version ${expectedVersion}: condition failed (changed concurrently)`,
      );
    const next = { ...copy(record), version: expectedVersion + 1 };
    this.rows.set(keyString(record.key), next);
    return copy(next);
  }

  async delete(key: CanaryKey): Promise<void> {
    await this.calls.enter('delete', key);
    this.rows.delete(keyString(key));
    this.leases.delete(keyString(key));
  }

  async listDue(until: number): Promise<{ key: CanaryKey; nextRunAt: number }[]> {
    await this.calls.enter('listDue', until);
    return [...this.rows.values()]
      .filter((r) => r.nextRunAt !== undefined && r.nextRunAt <= until)
      .map((r) => ({ key: copy(r.key), nextRunAt: r.nextRunAt! }))
      .sort((a, b) => a.nextRunAt - b.nextRunAt);
  }

  async list(filter: { cluster?: string; namespace?: string }): Promise<CanaryRecord<CanaryStatus>[]> {
    await this.calls.enter('list', filter);
    return [...this.rows.values()]
      .filter(
        (r) =>
          (!filter.cluster || r.key.cluster === filter.cluster) &&
          (!filter.namespace || r.key.namespace === filter.namespace),
      )
      .map(copy);
  }

  async acquire(key: CanaryKey, owner: string, now: number, ttlMs: number): Promise<LeaseGrant | undefined> {
    await this.calls.enter('acquire', key, owner, now, ttlMs);
    if (!this.rows.has(keyString(key))) return undefined;
    const held = this.leases.get(keyString(key));
    if (held && held.until >= now && held.owner !== owner) return undefined;
    this.leases.set(keyString(key), { owner, since: now, until: now + ttlMs });
    return held && held.owner !== owner ? { replaced: held } : {};
  }

  async release(key: CanaryKey, owner: string): Promise<void> {
    await this.calls.enter('release', key, owner);
    if (this.leases.get(keyString(key))?.owner === owner) this.leases.delete(keyString(key));
  }
}

/** History records, kept in append order; `list` answers newest first. */
export class FakeHistory implements History {
  readonly calls = new Calls();
  readonly records: HistoryRecord[] = [];

  /** The records of `key` in append order (oldest first), without counting a call. */
  of(key: CanaryKey): HistoryRecord[] {
    return this.records.filter((r) => keyString(r.key) === keyString(key)).map(copy);
  }

  async append(record: HistoryRecord): Promise<void> {
    await this.calls.enter('append', record);
    // A re-delivered step writes the same id at the same instant: keep the first record.
    const same = (r: HistoryRecord) =>
      keyString(r.key) === keyString(record.key) && r.at === record.at && r.id === record.id;
    if (!this.records.some(same)) this.records.push(copy(record));
  }

  async list(key: CanaryKey, opts: { limit: number; before?: number }): Promise<HistoryRecord[]> {
    await this.calls.enter('list', key, opts);
    return this.of(key)
      .filter((r) => opts.before === undefined || r.at < opts.before)
      .sort((a, b) => b.at - a.at)
      .slice(0, opts.limit);
  }
}

/** Named documents (cluster records, templates). */
export class FakeDocuments<T> implements Documents<T> {
  readonly calls = new Calls();
  private readonly docs = new Map<string, T>();

  constructor(initial: Record<string, T> = {}) {
    for (const [name, doc] of Object.entries(initial)) this.docs.set(name, copy(doc));
  }

  async get(name: string): Promise<T | undefined> {
    await this.calls.enter('get', name);
    return copy(this.docs.get(name));
  }

  async put(name: string, doc: T): Promise<void> {
    await this.calls.enter('put', name, doc);
    this.docs.set(name, copy(doc));
  }

  async list(): Promise<{ name: string; doc: T }[]> {
    await this.calls.enter('list');
    return [...this.docs].map(([name, doc]) => ({ name, doc: copy(doc) }));
  }

  async delete(name: string): Promise<void> {
    await this.calls.enter('delete', name);
    this.docs.delete(name);
  }

  async names(): Promise<string[]> {
    await this.calls.enter('names');
    return [...this.docs.keys()];
  }
}
