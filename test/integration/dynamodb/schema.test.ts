/**
 * Schema versions through the DynamoDB adapters, against dynalite: every write stamps the current
 * version, a read–modify–save keeps attributes this code does not know, and rows of a newer schema
 * are neither read, written nor deleted.
 */
import { setMaxListeners } from 'node:events';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCanaryStore } from '../../../lib/adapters/dynamodb/canaries.js';
import { DynamoDocuments } from '../../../lib/adapters/dynamodb/documents.js';
import { DynamoGateStore } from '../../../lib/adapters/dynamodb/gates.js';
import { DynamoHistory } from '../../../lib/adapters/dynamodb/history.js';
import { NewerSchemaError } from '../../../lib/adapters/dynamodb/schema.js';
import { ConflictError } from '../../../lib/ports/errors.js';
import type { CanaryKey, HistoryRecord } from '../../../lib/ports/store.js';
import { startDynamo, type LocalDynamo } from '../../support/dynamo.js';

const signal = new AbortController().signal;
setMaxListeners(1000, signal);
let dyn: LocalDynamo;
let store: DynamoCanaryStore<Record<string, unknown>>;
let history: DynamoHistory;

beforeAll(async () => {
  dyn = await startDynamo();
  store = new DynamoCanaryStore(dyn.db, dyn.table);
  history = new DynamoHistory(dyn.db, dyn.table);
});
afterAll(() => dyn.close());

const raw = async (pk: string, sk: string) =>
  (await dyn.db.send(new GetCommand({ TableName: dyn.table, Key: { pk, sk } }))).Item;
const putRaw = (Item: Record<string, unknown>) => dyn.db.send(new PutCommand({ TableName: dyn.table, Item }));
const markNewer = (pk: string, sk: string) =>
  dyn.db.send(
    new UpdateCommand({
      TableName: dyn.table,
      Key: { pk, sk },
      UpdateExpression: 'SET schemaVersion = :v',
      ExpressionAttributeValues: { ':v': 2 },
    }),
  );

const pkOf = (k: CanaryKey) => `C#${k.cluster}/${k.namespace}/${k.name}`;
const aRecord = (key: CanaryKey) => ({
  key,
  manifest: { kind: 'Canary' },
  status: { phase: 'Initializing' },
  version: 0,
  nextRunAt: 1_000,
  createdAt: 1,
  updatedAt: 1,
});
const aStep = (key: CanaryKey, at: number): HistoryRecord => ({
  key,
  at,
  id: `s${at}`,
  kind: 'step',
  actor: 'controller',
  phase: 'Progressing',
  reason: 'CanaryWeightIncreased',
  explanation: 'advance',
});

describe('writes', () => {
  it('stamp the current schema version on every kind of item', async () => {
    const key = { cluster: 'c', namespace: 'stamp', name: 'a' };
    await store.save(aRecord(key), 0, signal);
    expect(
      await store.acquire(key, { owner: 'me', now: 10, until: 1_010, version: 1 }, signal),
    ).toBeDefined();
    await history.append(aStep(key, 5), signal);
    for (const kind of ['cluster', 'template', 'alert-provider', 'grant'] as const)
      await new DynamoDocuments(dyn.db, dyn.table, kind).put('stamp', { name: 'stamp' }, signal);
    await new DynamoGateStore(dyn.db, dyn.table).set('gate:stamp', { open: true, by: 'me' }, signal);

    expect(await raw(pkOf(key), 'META')).toMatchObject({ schemaVersion: 1, leaseOwner: 'me' });
    expect(await raw(pkOf(key), 'H#000000000000005#s5')).toMatchObject({ schemaVersion: 1 });
    for (const kind of ['cluster', 'template', 'alert-provider', 'grant'])
      expect(await raw(`D#${kind}`, 'stamp')).toEqual({
        pk: `D#${kind}`,
        sk: 'stamp',
        doc: { name: 'stamp' },
        schemaVersion: 1,
      });
    expect(await raw('D#gate', 'gate:stamp')).toMatchObject({
      schemaVersion: 1,
      doc: { open: true, by: 'me' },
    });
  });
});

describe('a read–modify–save round trip', () => {
  it('keeps attributes of a canary row it does not know, at the top level and in the status', async () => {
    const key = { cluster: 'c', namespace: 'trip', name: 'a' };
    await putRaw({
      pk: pkOf(key),
      sk: 'META',
      manifest: { kind: 'Canary' },
      status: { phase: 'Progressing', canaryWeight: 20, addedLater: { x: 1 } },
      version: 3,
      createdAt: 1,
      updatedAt: 1,
      gsi1pk: 'DUE#0',
      gsi1sk: 1_000,
      owner: 'team-a',
    });
    const read = await store.get(key, signal);
    expect(read?.status).toEqual({ phase: 'Progressing', canaryWeight: 20, addedLater: { x: 1 } });
    await store.save(
      { ...read!, status: { ...read!.status, canaryWeight: 30 }, updatedAt: 2 },
      read!.version,
      signal,
    );
    expect(await raw(pkOf(key), 'META')).toMatchObject({
      owner: 'team-a',
      status: { phase: 'Progressing', canaryWeight: 30, addedLater: { x: 1 } },
      version: 4,
      schemaVersion: 1,
    });
  });

  it('keeps attributes of a document item it does not know', async () => {
    const templates = new DynamoDocuments<Record<string, unknown>>(dyn.db, dyn.table, 'template');
    await putRaw({
      pk: 'D#template',
      sk: 'test/trip',
      doc: { query: 'up', addedLater: true },
      labels: { team: 'a' },
    });
    const doc = await templates.get('test/trip', signal);
    await templates.put('test/trip', { ...doc, query: 'up == 1' }, signal);
    expect(await raw('D#template', 'test/trip')).toEqual({
      pk: 'D#template',
      sk: 'test/trip',
      doc: { query: 'up == 1', addedLater: true },
      labels: { team: 'a' },
      schemaVersion: 1,
    });
  });
});

describe('rows of a newer schema version', () => {
  it('canary row: no read, no save, no lease; the row stays as written', async () => {
    const key = { cluster: 'c', namespace: 'newer', name: 'a' };
    const saved = await store.save(aRecord(key), 0, signal);
    await markNewer(pkOf(key), 'META');
    const before = await raw(pkOf(key), 'META');

    const read = store.get(key, signal);
    await expect(read).rejects.toBeInstanceOf(NewerSchemaError);
    await expect(store.get(key, signal)).rejects.toThrow(
      'canary c/newer/a has schema version 2; this deployment reads up to 1.',
    );
    await expect(store.list({ namespace: 'newer' }, signal)).rejects.toBeInstanceOf(NewerSchemaError);
    // A save at the version read before the newer deployment wrote (a race) loses like a stale one.
    await expect(
      store.save({ ...saved, status: { phase: 'Failed' } }, saved.version, signal),
    ).rejects.toBeInstanceOf(ConflictError);
    const claim = { owner: 'old', now: 10, until: 1_010, version: saved.version, runAt: 1_010 };
    expect(await store.acquire(key, claim, signal)).toBeUndefined();
    await expect(store.delete(key, signal)).rejects.toBeInstanceOf(NewerSchemaError);
    expect(await raw(pkOf(key), 'META')).toEqual(before);
  });

  it('canary row: a delete of an older or absent row still goes through', async () => {
    const key = { cluster: 'c', namespace: 'newer', name: 'gone' };
    await putRaw({ pk: pkOf(key), sk: 'META', version: 1, status: {} });
    await store.delete(key, signal);
    expect(await raw(pkOf(key), 'META')).toBeUndefined();
    await store.delete(key, signal);
  });

  it('history record: the listing refuses it', async () => {
    const key = { cluster: 'c', namespace: 'newer', name: 'h' };
    await history.append(aStep(key, 1), signal);
    await markNewer(pkOf(key), 'H#000000000000001#s1');
    await expect(history.list(key, { limit: 10 }, signal)).rejects.toThrow(
      /^history record H#000000000000001#s1 of canary c\/newer\/h has schema version 2/,
    );
  });

  it('documents and gates: no get, list or put; the item stays as written', async () => {
    const clusters = new DynamoDocuments<{ server: string }>(dyn.db, dyn.table, 'cluster');
    await clusters.put('newer', { server: 'https://a' }, signal);
    await markNewer('D#cluster', 'newer');
    await expect(clusters.get('newer', signal)).rejects.toBeInstanceOf(NewerSchemaError);
    await expect(clusters.list(signal)).rejects.toThrow(/^cluster "newer" has schema version 2/);
    await expect(clusters.put('newer', { server: 'https://b' }, signal)).rejects.toBeInstanceOf(
      NewerSchemaError,
    );
    await expect(clusters.delete('newer', signal)).rejects.toBeInstanceOf(NewerSchemaError);
    expect(await raw('D#cluster', 'newer')).toMatchObject({ doc: { server: 'https://a' }, schemaVersion: 2 });
    await putRaw({ pk: 'D#cluster', sk: 'older', doc: { server: 'https://c' } });
    await clusters.delete('older', signal);
    expect(await raw('D#cluster', 'older')).toBeUndefined();

    const gates = new DynamoGateStore(dyn.db, dyn.table);
    await gates.set('gate:newer', { open: true }, signal);
    await markNewer('D#gate', 'gate:newer');
    await expect(gates.get('gate:newer', signal)).rejects.toBeInstanceOf(NewerSchemaError);
    await expect(gates.set('gate:newer', { open: false }, signal)).rejects.toBeInstanceOf(NewerSchemaError);
    expect(await raw('D#gate', 'gate:newer')).toMatchObject({ doc: { open: true } });
  });
});
