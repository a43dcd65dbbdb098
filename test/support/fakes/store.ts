/**
 * In-memory fakes of the persistence ports (lib/ports/store.ts) with the DynamoDB adapter's
 * semantics: a version condition on every save, a claim that only its owner's save or release or
 * its expiry ends, history newest first with repeat counts. Values are copied in and out, so a test
 * cannot change what is stored by accident.
 */
import type { CanaryStatus } from '../../../lib/domain/status.js';
import { ConflictError } from '../../../lib/ports/errors.js';
import type {
  CanaryKey,
  CanaryRecord,
  CanaryStore,
  Claim,
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
    _signal?: AbortSignal,
    claim?: string,
  ): Promise<CanaryRecord<CanaryStatus>> {
    await this.calls.enter('save', record, expectedVersion, claim);
    const id = keyString(record.key);
    const current = this.rows.get(id);
    const stale = expectedVersion === 0 ? current !== undefined : current?.version !== expectedVersion;
    if (stale || (claim !== undefined && this.leases.get(id)?.owner !== claim))
      throw new ConflictError(
        `canary ${id} save at version ${expectedVersion}: condition failed (changed concurrently)`,
      );
    const next = { ...copy(record), version: expectedVersion + 1 };
    this.rows.set(id, next);
    if (claim !== undefined) this.leases.delete(id);
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

  async acquire(key: CanaryKey, claim: Claim): Promise<LeaseGrant | undefined> {
    await this.calls.enter('acquire', key, claim);
    const id = keyString(key);
    const row = this.rows.get(id);
    if (row?.version !== claim.version) return undefined;
    const held = this.leases.get(id);
    if (held && held.until >= claim.now && held.owner !== claim.owner) return undefined;
    this.leases.set(id, { owner: claim.owner, since: claim.now, until: claim.until });
    if (claim.runAt !== undefined) row.nextRunAt = claim.runAt;
    return held && held.owner !== claim.owner ? { replaced: held } : {};
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
    const same = (at: number, id: string) => (r: HistoryRecord) =>
      keyString(r.key) === keyString(record.key) && r.at === at && r.id === id;
    if (this.records.some(same(record.at, record.id))) return;
    const { previous, ...rest } = copy(record);
    // The count of the run of repeats this record ends goes on the record it names.
    const repeated = previous && this.records.find(same(previous.at, previous.id));
    if (repeated && previous.count > 1)
      Object.assign(repeated, { count: previous.count, lastAt: previous.lastAt });
    this.records.push(rest);
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
