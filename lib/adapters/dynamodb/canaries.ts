import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Seen } from '../../domain/sweep/seen.js';
import type {
  CanaryKey,
  CanaryRecord,
  CanaryStore,
  Claim,
  ExpiredLease,
  LastRecord,
  LeaseGrant,
  Leases,
} from '../../ports/store.js';
import { ConflictError } from '../../ports/errors.js';
import { keyString } from '../../ports/store.js';
import { translate } from './errors.js';
import { NOT_NEWER, SCHEMA_VERSION, notNewerValues, schema } from './schema.js';
import { DUE_SHARDS, NEVER, canaryPk, idlePk, keyFromPk, shardOf } from './table.js';
import { queryAll } from './query-all.js';

const META = 'META';
/** The claim of a step on the row (see `acquire`). */
const LEASE_ATTRIBUTES = ['leaseOwner', 'leaseSince', 'leaseUntil'];
/** Rows `list` reads concurrently. */
const READS_AT_ONCE = 4;

/**
 * Canary rows and their leases, with a version condition on every save (STYLE.md habit 9). Rows are
 * upgraded to the current schema on read (schema.ts); saves stamp the current schema version and,
 * like lease writes and deletes, never touch a row of a newer one.
 */
export class DynamoCanaryStore<S> implements CanaryStore<S>, Leases {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(key: CanaryKey, signal: AbortSignal): Promise<CanaryRecord<S> | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: canaryPk(key), sk: META }, ConsistentRead: true }),
      { abortSignal: signal },
    );
    return out.Item ? fromItem<S>(schema.upgrade('canary', out.Item, `canary ${keyString(key)}`)) : undefined;
  }

  async save(
    record: CanaryRecord<S>,
    expectedVersion: number,
    signal: AbortSignal,
    claim?: string,
  ): Promise<CanaryRecord<S>> {
    const next = { ...record, version: expectedVersion + 1 };
    // A row of a newer schema fails the condition like a stale version: the caller re-reads, and the
    // read says why (NewerSchemaError). A step's save also needs its claim, and ends it.
    const condition =
      expectedVersion === 0
        ? 'attribute_not_exists(pk)'
        : `#version = :expected AND ${NOT_NEWER}${claim === undefined ? '' : ' AND leaseOwner = :owner'}`;
    const set = [
      '#manifest = :manifest',
      '#status = :status',
      '#version = :version',
      '#createdAt = :createdAt',
      '#updatedAt = :updatedAt',
      'gsi1pk = :gsi1pk',
      'gsi1sk = :gsi1sk',
      `${SCHEMA_VERSION} = :schemaVersion`,
    ];
    const remove: string[] = [];
    // An idle canary (one that carries `seen`) is in the sparse `idle` index; any other leaves it.
    const { seen, recorded, source } = record;
    if (seen) set.push('#seen = :seen', 'gsi2pk = :gsi2pk', 'gsi2sk = :gsi2sk');
    else remove.push('#seen', 'gsi2pk', 'gsi2sk');
    if (recorded) set.push('#recorded = :recorded');
    else remove.push('#recorded');
    if (source) set.push('#source = :source');
    else remove.push('#source');
    if (claim !== undefined) remove.push(...LEASE_ATTRIBUTES);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: canaryPk(record.key), sk: META },
          UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names(
            'manifest',
            'status',
            'version',
            'createdAt',
            'updatedAt',
            'seen',
            'recorded',
            'source',
          ),
          ExpressionAttributeValues: {
            ':manifest': record.manifest,
            ':status': record.status,
            ':version': next.version,
            ':createdAt': record.createdAt,
            ':updatedAt': record.updatedAt,
            ':gsi1pk': `DUE#${shardOf(record.key)}`,
            ':gsi1sk': record.nextRunAt ?? NEVER,
            ...(seen && {
              ':seen': seen,
              ':gsi2pk': idlePk(record.key.cluster),
              ':gsi2sk': `${record.key.namespace}/${record.key.name}`,
            }),
            ...(recorded && { ':recorded': recorded }),
            ...(source && { ':source': source }),
            ...(claim !== undefined && { ':owner': claim }),
            ...notNewerValues('canary'),
            ...(expectedVersion === 0 ? {} : { ':expected': expectedVersion }),
          },
        }),
        { abortSignal: signal },
      );
    } catch (e) {
      const held = claim === undefined ? '' : ` under the claim of step ${claim}`;
      throw translate(e, `canary ${keyString(record.key)} save at version ${expectedVersion}${held}`);
    }
    return next;
  }

  async delete(key: CanaryKey, signal: AbortSignal): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: canaryPk(key), sk: META },
          ConditionExpression: NOT_NEWER,
          ExpressionAttributeValues: notNewerValues('canary'),
        }),
        { abortSignal: signal },
      );
    } catch (e) {
      // Only a newer schema fails the condition: the read says so (NewerSchemaError).
      if (e instanceof ConditionalCheckFailedException) await this.get(key, signal);
      throw translate(e, `canary ${keyString(key)} delete`);
    }
  }

  async listDue(until: number, signal: AbortSignal): Promise<{ key: CanaryKey; nextRunAt: number }[]> {
    const shards = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        this.queryIndex(
          'gsi1pk = :p AND gsi1sk <= :until',
          { ':p': `DUE#${shard}`, ':until': until },
          signal,
        ),
      ),
    );
    return shards
      .flat()
      .map((i) => ({ key: keyFromPk(i.pk as string), nextRunAt: i.gsi1sk as number }))
      .sort((a, b) => a.nextRunAt - b.nextRunAt);
  }

  async list(
    filter: { cluster?: string; namespace?: string },
    signal: AbortSignal,
  ): Promise<CanaryRecord<S>[]> {
    const shards = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        this.queryIndex('gsi1pk = :p', { ':p': `DUE#${shard}` }, signal),
      ),
    );
    const keys = shards
      .flat()
      .map((i) => keyFromPk(i.pk as string))
      .filter(
        (k) =>
          (!filter.cluster || k.cluster === filter.cluster) &&
          (!filter.namespace || k.namespace === filter.namespace),
      )
      .sort((a, b) => keyString(a).localeCompare(keyString(b)));
    // A few reads at a time: each one in flight holds two listeners on `signal`, and Node warns
    // about a leak from 11 on (a list of 100 canaries printed MaxListenersExceededWarning).
    const rows: (CanaryRecord<S> | undefined)[] = [];
    for (let i = 0; i < keys.length; i += READS_AT_ONCE)
      rows.push(...(await Promise.all(keys.slice(i, i + READS_AT_ONCE).map((k) => this.get(k, signal)))));
    return rows.filter((r): r is CanaryRecord<S> => r !== undefined);
  }

  /**
   * The claim sits on the canary row: `leaseOwner`, `leaseSince`, `leaseUntil`, and `runAt` moves
   * the due index key (gsi1sk, nextRunAt) in the same write. UPDATED_OLD returns what the write
   * replaced: a claim left on the row is one that expired in place (saves and releases remove it).
   */
  async acquire(key: CanaryKey, claim: Claim, signal: AbortSignal): Promise<LeaseGrant | undefined> {
    const advance = claim.runAt === undefined ? '' : ', gsi1sk = :runAt';
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: canaryPk(key), sk: META },
          UpdateExpression: `SET leaseOwner = :owner, leaseSince = :now, leaseUntil = :until${advance}`,
          // Not on a row of a newer schema: the step's read of the row reports it (NewerSchemaError).
          ConditionExpression:
            'attribute_exists(pk) AND #version = :version AND ' +
            '(attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner) ' +
            `AND ${NOT_NEWER}`,
          ExpressionAttributeNames: names('version'),
          ExpressionAttributeValues: {
            ':owner': claim.owner,
            ':until': claim.until,
            ':now': claim.now,
            ':version': claim.version,
            ...(claim.runAt !== undefined && { ':runAt': claim.runAt }),
            ...notNewerValues('canary'),
          },
          ReturnValues: 'UPDATED_OLD',
        }),
        { abortSignal: signal },
      );
      return { replaced: expiredLease(out.Attributes, claim.owner, claim.until - claim.now) };
    } catch (e) {
      const t = translate(e, 'claim');
      if (t instanceof ConflictError) return undefined;
      throw t;
    }
  }

  async release(key: CanaryKey, owner: string, signal: AbortSignal): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: canaryPk(key), sk: META },
          UpdateExpression: `REMOVE ${LEASE_ATTRIBUTES.join(', ')}`,
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
        { abortSignal: signal },
      );
    } catch (e) {
      const t = translate(e, 'lease release');
      if (!(t instanceof ConflictError)) throw t;
    }
  }

  private queryIndex(
    condition: string,
    values: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>[]> {
    const input = {
      TableName: this.table,
      IndexName: 'due',
      KeyConditionExpression: condition,
      ExpressionAttributeValues: values,
    };
    return queryAll(this.db, input, signal);
  }
}

function names(...keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [`#${k}`, k]));
}

/**
 * The claim an acquire replaced, from the attributes it overwrote: one left by another owner (a
 * save or release removes the claim, so whatever is left expired in place). Rows claimed before
 * `leaseSince` was written count the claim as one `ttlMs` long.
 */
function expiredLease(
  old: Record<string, unknown> | undefined,
  owner: string,
  ttlMs: number,
): ExpiredLease | undefined {
  if (typeof old?.leaseUntil !== 'number' || old.leaseOwner === owner) return undefined;
  const until = old.leaseUntil;
  const since = typeof old.leaseSince === 'number' ? old.leaseSince : until - ttlMs;
  return { owner: String(old.leaseOwner), since, until };
}

function fromItem<S>(item: Record<string, unknown>): CanaryRecord<S> {
  const nextRunAt = item.gsi1sk as number | undefined;
  return {
    key: keyFromPk(item.pk as string),
    manifest: item.manifest,
    status: item.status as S,
    version: item.version as number,
    nextRunAt: nextRunAt === undefined || nextRunAt >= NEVER ? undefined : nextRunAt,
    createdAt: item.createdAt as number,
    updatedAt: item.updatedAt as number,
    ...(item.seen !== undefined && { seen: item.seen as Seen }),
    ...(item.recorded !== undefined && { recorded: item.recorded as LastRecord }),
    ...(item.source === 'cluster' && { source: 'cluster' as const }),
  };
}
