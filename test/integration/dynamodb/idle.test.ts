/**
 * The sparse `idle` index (dynalite): a canary saved with `seen` is in its cluster's partition,
 * saved without it leaves; cluster names are read without their documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCanaryStore } from '../../../lib/adapters/dynamodb/canaries.js';
import { DynamoDocuments } from '../../../lib/adapters/dynamodb/documents.js';
import { DynamoIdleCanaries } from '../../../lib/adapters/dynamodb/idle.js';
import type { CanaryKey, CanaryRecord } from '../../../lib/ports/store.js';
import { startDynamo, type LocalDynamo } from '../../support/dynamo.js';

const signal = new AbortController().signal;
let dyn: LocalDynamo;

beforeAll(async () => {
  dyn = await startDynamo();
});
afterAll(() => dyn.close());

const key = (cluster: string, name: string): CanaryKey => ({ cluster, namespace: 'test', name });
const seen = { at: 5, objects: { 'apps/v1/deployments/test/a': 'g2', 'v1/services/test/a': 'r9' } };

function aRecord(k: CanaryKey, over: Partial<CanaryRecord> = {}): CanaryRecord {
  return {
    key: k,
    manifest: {},
    status: { phase: 'Succeeded' },
    version: 0,
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

describe('DynamoIdleCanaries (dynalite)', () => {
  it("lists a cluster's idle canaries with what they saw, and only while they carry it", async () => {
    const store = new DynamoCanaryStore(dyn.db, dyn.table);
    const idle = new DynamoIdleCanaries(dyn.db, dyn.table);
    const a = await store.save(aRecord(key('c1', 'a'), { seen }), 0, signal);
    await store.save(aRecord(key('c1', 'b')), 0, signal);
    await store.save(aRecord(key('c2', 'c'), { seen: { ...seen, at: 6 } }), 0, signal);

    expect(await idle.list('c1', signal)).toEqual([{ key: key('c1', 'a'), seen }]);
    expect((await store.get(key('c1', 'a'), signal))?.seen).toEqual(seen);
    expect([
      await idle.any('c1', signal),
      await idle.any('c2', signal),
      await idle.any('c3', signal),
    ]).toEqual([true, true, false]);

    // A release starts: the step saves without `seen`, the canary leaves the index.
    await store.save({ ...a, seen: undefined, status: { phase: 'Progressing' } }, a.version, signal);
    expect(await idle.list('c1', signal)).toEqual([]);
    expect(await idle.any('c1', signal)).toBe(false);
    expect((await store.get(key('c1', 'a'), signal))?.seen).toBeUndefined();
  });

  it('reads the names of documents without the documents', async () => {
    const clusters = new DynamoDocuments<{ token: string }>(dyn.db, dyn.table, 'cluster');
    await clusters.put('prod', { token: 'secret' }, signal);
    await clusters.put('dev', { token: 'secret' }, signal);
    expect((await clusters.names(signal)).sort()).toEqual(['dev', 'prod']);
  });
});
