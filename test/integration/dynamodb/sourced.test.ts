/**
 * Rows of MetricTemplates and AlertProviders sourced from clusters (dynalite): one partition per
 * cluster, read with one Query; every row carries its schema version; a row of a newer schema is
 * refused, never overwritten.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NewerSchemaError } from '../../../lib/adapters/dynamodb/schema.js';
import { DynamoSourcedStore } from '../../../lib/adapters/dynamodb/sourced.js';
import type { MetricTemplate } from '../../../lib/ports/metrics.js';
import type { SourcedRow } from '../../../lib/ports/sourced.js';
import { startDynamo, type LocalDynamo } from '../../support/dynamo.js';

const signal = new AbortController().signal;
let dyn: LocalDynamo;

beforeAll(async () => {
  dyn = await startDynamo();
});
afterAll(() => dyn.close());

const doc: MetricTemplate = {
  name: 'latency',
  namespace: 'test',
  cluster: 'prod',
  provider: { type: 'prometheus', address: 'http://prometheus.monitoring:9090', secretRef: { name: 'prom' } },
  query: 'up',
};
const row: SourcedRow = {
  kind: 'template',
  namespace: 'test',
  name: 'latency',
  served: { generation: 3, doc },
};

describe('DynamoSourcedStore (dynalite)', () => {
  it('keeps each cluster’s rows in its own partition, with the schema version', async () => {
    const store = new DynamoSourcedStore(dyn.db, dyn.table);
    await store.put('prod', row, signal);
    await store.put(
      'prod',
      { kind: 'alert-provider', namespace: 'test', name: 'latency', refused: { generation: 1, error: 'x' } },
      signal,
    );
    await store.put(
      'staging',
      { ...row, served: { generation: 1, doc: { ...doc, cluster: 'staging' } } },
      signal,
    );

    expect(await store.list('prod', signal)).toEqual([
      { kind: 'alert-provider', namespace: 'test', name: 'latency', refused: { generation: 1, error: 'x' } },
      row,
    ]);
    expect(await store.get('staging', 'template', 'test', 'latency', signal)).toMatchObject({
      served: { generation: 1, doc: { cluster: 'staging' } },
    });
    expect(await store.get('other', 'template', 'test', 'latency', signal)).toBeUndefined();
    const item = await dyn.db.send(
      new GetCommand({ TableName: dyn.table, Key: { pk: 'S#prod', sk: 'template#test/latency' } }),
    );
    expect(item.Item?.schemaVersion).toBe(1);

    await store.delete('prod', row, signal);
    expect((await store.list('prod', signal)).map((r) => r.kind)).toEqual(['alert-provider']);
    expect(await store.list('staging', signal)).toHaveLength(1);
  });

  it('refuses to read, overwrite or delete a row of a newer schema', async () => {
    const store = new DynamoSourcedStore(dyn.db, dyn.table);
    await store.put('newer', row, signal);
    await dyn.db.send(
      new UpdateCommand({
        TableName: dyn.table,
        Key: { pk: 'S#newer', sk: 'template#test/latency' },
        UpdateExpression: 'SET schemaVersion = :v',
        ExpressionAttributeValues: { ':v': 2 },
      }),
    );
    await expect(store.list('newer', signal)).rejects.toThrow(NewerSchemaError);
    await expect(store.put('newer', row, signal)).rejects.toThrow(/condition failed/);
    await expect(store.delete('newer', row, signal)).rejects.toThrow(/condition failed/);
  });
});
