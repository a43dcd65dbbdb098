import { setMaxListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCanaryStore } from '../../../lib/adapters/dynamodb/canaries.js';
import { DynamoDocuments } from '../../../lib/adapters/dynamodb/documents.js';
import { DynamoHistory } from '../../../lib/adapters/dynamodb/history.js';
import { ConflictError, type CanaryKey, type CanaryRecord } from '../../../lib/ports/store.js';
import { startDynamo, storeBackend, type LocalDynamo } from '../../support/dynamo.js';

const signal = new AbortController().signal;
setMaxListeners(1000, signal);
let dyn: LocalDynamo;
let store: DynamoCanaryStore<{ phase: string }>;

function aRecord(
  key: CanaryKey,
  over: Partial<CanaryRecord<{ phase: string }>> = {},
): CanaryRecord<{ phase: string }> {
  return {
    key,
    manifest: { kind: 'Canary' },
    status: { phase: 'Initializing' },
    version: 0,
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

beforeAll(async () => {
  dyn = await startDynamo();
  store = new DynamoCanaryStore(dyn.db, dyn.table);
});
afterAll(() => dyn.close());

describe(`DynamoCanaryStore (${storeBackend()})`, () => {
  it('creates once, then saves only at the version it read', async () => {
    const key = { cluster: 'c1', namespace: 'test', name: 'podinfo' };
    const v1 = await store.save(aRecord(key), 0, signal);
    expect(v1.version).toBe(1);
    await expect(store.save(aRecord(key), 0, signal)).rejects.toBeInstanceOf(ConflictError);
    const v2 = await store.save({ ...v1, status: { phase: 'Progressing' } }, 1, signal);
    expect(v2.version).toBe(2);
    await expect(store.save({ ...v1, status: { phase: 'Failed' } }, 1, signal)).rejects.toThrow(/version 1/);
    expect((await store.get(key, signal))?.status).toEqual({ phase: 'Progressing' });
  });

  it('finds due canaries through the sharded index, in time order, and lists by cluster', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => ({
      cluster: i % 2 ? 'east' : 'west',
      namespace: 'due',
      name: `app${i}`,
    }));
    await Promise.all(keys.map((k, i) => store.save(aRecord(k, { nextRunAt: 1000 + i * 100 }), 0, signal)));
    await store.save(aRecord({ cluster: 'east', namespace: 'due', name: 'unscheduled' }), 0, signal);
    const due = (await store.listDue(1550, signal)).filter((d) => d.key.namespace === 'due');
    expect(due.map((d) => d.key.name)).toEqual(['app0', 'app1', 'app2', 'app3', 'app4', 'app5']);
    const east = await store.list({ cluster: 'east', namespace: 'due' }, signal);
    expect(east.map((r) => r.key.name)).toEqual([
      'app1',
      'app11',
      'app3',
      'app5',
      'app7',
      'app9',
      'unscheduled',
    ]);
    expect(east.find((r) => r.key.name === 'unscheduled')?.nextRunAt).toBeUndefined();
  });

  it('lists 20 canaries without piling listeners on the caller’s signal', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => ({ cluster: 'c2', namespace: 'many', name: `a${i}` }));
    await Promise.all(keys.map((k) => store.save(aRecord(k), 0, signal)));
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      // A signal of its own (the suite's has its limit raised): Node warns from 11 listeners on.
      const rows = await store.list({ cluster: 'c2', namespace: 'many' }, new AbortController().signal);
      expect(rows).toHaveLength(20);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('gives a lease to one owner until it expires or is released', async () => {
    const key = { cluster: 'c1', namespace: 'lease', name: 'a' };
    await store.save(aRecord(key), 0, signal);
    expect(await store.acquire(key, 'step-1', 1000, 500, signal)).toEqual({});
    expect(await store.acquire(key, 'step-2', 1200, 500, signal)).toBeUndefined();
    expect(await store.acquire(key, 'step-1', 1200, 500, signal)).toEqual({});
    // step-1 never released its lease: step-2 replaces it once expired, and is told whose it was.
    expect(await store.acquire(key, 'step-2', 1800, 500, signal)).toEqual({
      replaced: { owner: 'step-1', since: 1200, until: 1700 },
    });
    await store.release(key, 'step-1', signal); // not the owner: no effect
    expect(await store.acquire(key, 'step-3', 1900, 500, signal)).toBeUndefined();
    await store.release(key, 'step-2', signal);
    // A released lease is gone: nothing was replaced.
    expect(await store.acquire(key, 'step-3', 1900, 500, signal)).toEqual({});
  });

  it('refuses a lease on a canary that does not exist', async () => {
    expect(
      await store.acquire({ cluster: 'c', namespace: 'n', name: 'missing' }, 'x', 1, 1, signal),
    ).toBeUndefined();
  });

  it('keeps the lease when the status is saved', async () => {
    const key = { cluster: 'c1', namespace: 'lease', name: 'b' };
    const r = await store.save(aRecord(key), 0, signal);
    expect(await store.acquire(key, 'step-1', 1000, 60_000, signal)).toEqual({});
    await store.save({ ...r, status: { phase: 'Progressing' } }, r.version, signal);
    expect(await store.acquire(key, 'step-2', 2000, 60_000, signal)).toBeUndefined();
  });

  it('lets exactly one of 20 concurrent writers win a version', async () => {
    const key = { cluster: 'c1', namespace: 'race', name: 'a' };
    const r = await store.save(aRecord(key), 0, signal);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.save({ ...r, status: { phase: `w${i}` } }, r.version, signal),
      ),
    );
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
  });
});

describe(`DynamoHistory (${storeBackend()})`, () => {
  it('lists newest first, pages with before, ignores a re-delivered record and sets a TTL', async () => {
    const history = new DynamoHistory(dyn.db, dyn.table, 7);
    const key = { cluster: 'c1', namespace: 'hist', name: 'a' };
    for (const at of [100, 200, 300]) {
      await history.append(
        {
          key,
          at,
          id: `s${at}`,
          kind: 'step',
          actor: 'controller',
          phase: 'Progressing',
          reason: 'CanaryWeightIncreased',
          explanation: `at ${at}`,
        },
        signal,
      );
    }
    await history.append(
      {
        key,
        at: 300,
        id: 's300',
        kind: 'step',
        actor: 'controller',
        phase: 'Failed',
        reason: 'Aborted',
        explanation: 'dup',
      },
      signal,
    );
    const all = await history.list(key, { limit: 10 }, signal);
    expect(all.map((h) => h.explanation)).toEqual(['at 300', 'at 200', 'at 100']);
    const page = await history.list(key, { limit: 10, before: 300 }, signal);
    expect(page.map((h) => h.at)).toEqual([200, 100]);
    const { Items } = await dyn.db.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: dyn.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
        ExpressionAttributeValues: { ':pk': 'C#c1/hist/a', ':h': 'H#' },
      }),
    );
    expect(Items?.[0]?.expiresAt).toBe(0 + 7 * 86_400);
  });
});

describe(`DynamoDocuments (${storeBackend()})`, () => {
  it('puts, gets, lists and deletes documents of one kind', async () => {
    const clusters = new DynamoDocuments<{ region: string }>(dyn.db, dyn.table, 'cluster');
    const templates = new DynamoDocuments<{ query: string }>(dyn.db, dyn.table, 'template');
    await clusters.put('prod', { region: 'eu-west-1' }, signal);
    await clusters.put('dev', { region: 'us-east-1' }, signal);
    await templates.put('test/latency', { query: 'up' }, signal);
    expect(await clusters.get('prod', signal)).toEqual({ region: 'eu-west-1' });
    expect((await clusters.list(signal)).map((c) => c.name)).toEqual(['dev', 'prod']);
    await clusters.delete('dev', signal);
    expect(await clusters.get('dev', signal)).toBeUndefined();
    expect(await templates.list(signal)).toEqual([{ name: 'test/latency', doc: { query: 'up' } }]);
  });
});
