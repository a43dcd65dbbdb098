import { setMaxListeners } from 'node:events';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
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

/** The canary row as stored (not through the adapter). */
async function raw(key: CanaryKey): Promise<Record<string, unknown> | undefined> {
  const pk = `C#${key.cluster}/${key.namespace}/${key.name}`;
  return (await dyn.db.send(new GetCommand({ TableName: dyn.table, Key: { pk, sk: 'META' } }))).Item;
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

  /** A claim of `owner` at `now` for 500 ms on the row at `version`. */
  const claim = (owner: string, now: number, version = 1, runAt?: number) => ({
    owner,
    now,
    until: now + 500,
    version,
    runAt,
  });

  it('gives a claim to one owner until it expires, its save ends it or it is released', async () => {
    const key = { cluster: 'c1', namespace: 'lease', name: 'a' };
    await store.save(aRecord(key), 0, signal);
    expect(await store.acquire(key, claim('step-1', 1000), signal)).toEqual({});
    expect(await store.acquire(key, claim('step-2', 1200), signal)).toBeUndefined();
    expect(await store.acquire(key, claim('step-1', 1200), signal)).toEqual({});
    // step-1 never ended its claim: step-2 replaces it once expired, and is told whose it was.
    expect(await store.acquire(key, claim('step-2', 1800), signal)).toEqual({
      replaced: { owner: 'step-1', since: 1200, until: 1700 },
    });
    await store.release(key, 'step-1', signal); // not the owner: no effect
    expect(await store.acquire(key, claim('step-3', 1900), signal)).toBeUndefined();
    await store.release(key, 'step-2', signal);
    // A released claim is gone: nothing was replaced.
    expect(await store.acquire(key, claim('step-3', 1900), signal)).toEqual({});
    const row = (await store.get(key, signal))!;
    const saved = await store.save({ ...row, status: { phase: 'Progressing' } }, 1, signal, 'step-3');
    // The save ended it: the next claim (at the new version) replaces nothing.
    expect(await store.acquire(key, claim('step-4', 2000, saved.version), signal)).toEqual({});
  });

  it('claims only the row at the version the step read', async () => {
    const key = { cluster: 'c1', namespace: 'lease', name: 'version' };
    const r = await store.save(aRecord(key), 0, signal);
    await store.save({ ...r, status: { phase: 'Progressing' } }, 1, signal); // moved on: version 2
    expect(await store.acquire(key, claim('step-1', 1000, 1), signal)).toBeUndefined();
    expect(await store.acquire(key, claim('step-1', 1000, 2), signal)).toEqual({});
  });

  it('moves the schedule to the claim’s end in the same write, so dispatch does not find it', async () => {
    const key = { cluster: 'c1', namespace: 'claim-due', name: 'a' };
    const unscheduled = { cluster: 'c1', namespace: 'claim-due', name: 'b' };
    await store.save(aRecord(key, { nextRunAt: 1000 }), 0, signal);
    await store.save(aRecord(unscheduled), 0, signal);
    const due = async () =>
      (await store.listDue(2000, signal)).filter((d) => d.key.namespace === 'claim-due');
    expect(await due()).toEqual([{ key, nextRunAt: 1000 }]);

    expect(await store.acquire(key, claim('step-1', 1000, 1, 2500), signal)).toEqual({});
    expect(await due()).toEqual([]);
    expect((await store.get(key, signal))?.nextRunAt).toBe(2500);
    // Without `runAt` the schedule stays: an unscheduled canary is not scheduled by a claim.
    expect(await store.acquire(unscheduled, claim('step-2', 1000), signal)).toEqual({});
    expect((await store.get(unscheduled, signal))?.nextRunAt).toBeUndefined();
  });

  it('refuses a claim on a canary that does not exist', async () => {
    expect(
      await store.acquire({ cluster: 'c', namespace: 'n', name: 'missing' }, claim('x', 1), signal),
    ).toBeUndefined();
  });

  it('keeps the claim through a save without it (the API’s) and refuses a step’s save once it lost it', async () => {
    const key = { cluster: 'c1', namespace: 'lease', name: 'b' };
    const r = await store.save(aRecord(key), 0, signal);
    expect(await store.acquire(key, claim('step-1', 1000), signal)).toEqual({});
    const api = await store.save({ ...r, status: { phase: 'Progressing' } }, r.version, signal);
    expect(await store.acquire(key, claim('step-2', 1100, api.version), signal)).toBeUndefined();
    // step-1's claim expired and step-2 took it over: step-1 can no longer save, step-2 can.
    expect(await store.acquire(key, claim('step-2', 1600, api.version), signal)).toMatchObject({
      replaced: { owner: 'step-1' },
    });
    await expect(
      store.save({ ...api, status: { phase: 'Failed' } }, api.version, signal, 'step-1'),
    ).rejects.toThrow(/under the claim of step step-1: condition failed/);
    const saved = await store.save({ ...api, status: { phase: 'Succeeded' } }, api.version, signal, 'step-2');
    expect(saved.version).toBe(api.version + 1);
    expect(await raw(key)).not.toHaveProperty('leaseOwner');
  });

  it('saves the last history record with the status and removes it with a save without one', async () => {
    const key = { cluster: 'c1', namespace: 'recorded', name: 'a' };
    const recorded = {
      id: 's1',
      at: 5,
      reason: 'NoNewRevision',
      outcome: 'abc',
      version: 1,
      count: 3,
      lastAt: 9,
    };
    const r = await store.save(aRecord(key, { recorded }), 0, signal);
    expect((await store.get(key, signal))?.recorded).toEqual(recorded);
    await store.save({ ...r, recorded: undefined }, r.version, signal);
    expect((await store.get(key, signal))?.recorded).toBeUndefined();
    expect(await raw(key)).not.toHaveProperty('recorded');
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

  it('shows the count a later record carries on the record it names, also across pages', async () => {
    const history = new DynamoHistory(dyn.db, dyn.table);
    const key = { cluster: 'c1', namespace: 'hist', name: 'counted' };
    const step = (at: number, previous?: { at: number; count: number; lastAt: number }) => ({
      key,
      at,
      id: `s${at}`,
      kind: 'step' as const,
      actor: 'controller',
      phase: 'Succeeded',
      reason: 'NoNewRevision',
      explanation: `at ${at}`,
      ...(previous && { previous: { id: `s${previous.at}`, ...previous } }),
    });
    await history.append(step(100), signal);
    // Repeated until 250 (counted on the row), then the run ended with the record at 300.
    await history.append(step(300, { at: 100, count: 4, lastAt: 250 }), signal);
    await history.append({ ...step(310), kind: 'operator', actor: 'bob' }, signal);
    await history.append(step(400, { at: 300, count: 2, lastAt: 350 }), signal);

    const all = await history.list(key, { limit: 10 }, signal);
    expect(all.map((h) => [h.at, h.count, h.lastAt])).toEqual([
      [400, undefined, undefined],
      [310, undefined, undefined],
      [300, 2, 350],
      [100, 4, 250],
    ]);
    expect(all.some((h) => 'previous' in h)).toBe(false);
    // The newest record of a page is counted by a record of the page before it.
    const page = await history.list(key, { limit: 1, before: 300 }, signal);
    expect(page.map((h) => [h.at, h.count, h.lastAt])).toEqual([[100, 4, 250]]);
    const skipping = await history.list(key, { limit: 1, before: 310 }, signal);
    expect(skipping.map((h) => [h.at, h.count, h.lastAt])).toEqual([[300, 2, 350]]);
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
