/**
 * Grants (lib/domain/authz) in the one table: documents of kind `grant` (pk `D#grant`, sk the
 * grant's name), beside the cluster records and never mixed with them.
 */
import { setMaxListeners } from 'node:events';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDocuments } from '../../../lib/adapters/dynamodb/documents.js';
import { NewerSchemaError } from '../../../lib/adapters/dynamodb/schema.js';
import type { Grant } from '../../../lib/domain/authz/authorize.js';
import { startDynamo, storeBackend, type LocalDynamo } from '../../support/dynamo.js';

const signal = new AbortController().signal;
setMaxListeners(1000, signal);
let dyn: LocalDynamo;
let grants: DynamoDocuments<Grant>;

const teamA: Grant = {
  name: 'team-a-prod',
  principal: 'iam:arn:aws:iam::123456789012:role/team-a',
  actions: ['read', 'approve'],
  cluster: 'prod',
  namespace: 'team-a',
};

beforeAll(async () => {
  dyn = await startDynamo();
  grants = new DynamoDocuments<Grant>(dyn.db, dyn.table, 'grant');
});
afterAll(() => dyn.close());

describe(`grants in the table (${storeBackend()})`, () => {
  it('are put, read, listed, replaced and deleted by name', async () => {
    await grants.put(teamA.name, teamA, signal);
    const ops: Grant = {
      ...teamA,
      name: 'ops',
      principal: 'jwt:group:ops',
      actions: ['operate'],
      namespace: '*',
    };
    await grants.put(ops.name, ops, signal);
    expect(await grants.get('team-a-prod', signal)).toEqual(teamA);
    expect((await grants.list(signal)).map((g) => g.doc)).toEqual([ops, teamA]);

    await grants.put(teamA.name, { ...teamA, actions: ['read'] }, signal);
    expect((await grants.get('team-a-prod', signal))?.actions).toEqual(['read']);

    await grants.delete('ops', signal);
    expect(await grants.names(signal)).toEqual(['team-a-prod']);
    expect(await grants.get('ops', signal)).toBeUndefined();
  });

  it('are items `D#grant` with a schema version, apart from the cluster records', async () => {
    const clusters = new DynamoDocuments<{ name: string }>(dyn.db, dyn.table, 'cluster');
    await clusters.put('prod', { name: 'prod' }, signal);
    await grants.put('apart', { ...teamA, name: 'apart' }, signal);
    const item = await dyn.db.send(
      new GetCommand({ TableName: dyn.table, Key: { pk: 'D#grant', sk: 'apart' } }),
    );
    expect(item.Item).toEqual({
      pk: 'D#grant',
      sk: 'apart',
      doc: { ...teamA, name: 'apart' },
      schemaVersion: 1,
    });
    expect(await clusters.names(signal)).toEqual(['prod']);
    expect(await grants.names(signal)).not.toContain('prod');
  });

  it('a grant written by a newer release is refused, not misread or overwritten', async () => {
    await dyn.db.send(
      new PutCommand({
        TableName: dyn.table,
        Item: { pk: 'D#grant', sk: 'future', doc: { principal: 'x' }, schemaVersion: 2 },
      }),
    );
    await expect(grants.get('future', signal)).rejects.toBeInstanceOf(NewerSchemaError);
    await expect(grants.put('future', teamA, signal)).rejects.toBeInstanceOf(NewerSchemaError);
  });
});
