/**
 * A local-mode table written by a release without the `idle` index is rebuilt with it on start,
 * its items kept (dynalite cannot add an index to a table).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { tableDefinition } from '../../../lib/adapters/dynamodb/table.js';
import { startLocalDynamo } from '../../../local/dynamo.js';

describe('local mode: a table of an older release', () => {
  it('is rebuilt with the idle index, keeping its items', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-table-'));
    try {
      // The table as the release before the sweep created it, on disk.
      const old = dynalite({ path: dir, createTableMs: 0 });
      await new Promise<void>((r) => old.listen(0, '127.0.0.1', r));
      const endpoint = `http://127.0.0.1:${(old.address() as AddressInfo).port}`;
      const client = new DynamoDBClient({
        region: 'us-east-1',
        endpoint,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      });
      const def = tableDefinition('flagger-local');
      await client.send(
        new CreateTableCommand({
          ...def,
          AttributeDefinitions: def.AttributeDefinitions!.filter((a) => !a.AttributeName!.startsWith('gsi2')),
          GlobalSecondaryIndexes: def.GlobalSecondaryIndexes!.filter((g) => g.IndexName === 'due'),
        }),
      );
      await new Promise((r) => setTimeout(r, 50));
      const row = { pk: 'C#local/test/podinfo', sk: 'META', version: 3, gsi1pk: 'DUE#1', gsi1sk: 5 };
      await DynamoDBDocumentClient.from(client).send(
        new PutCommand({ TableName: 'flagger-local', Item: row }),
      );
      client.destroy();
      await new Promise<void>((r) => old.close(() => r()));

      const db = await startLocalDynamo('flagger-local', dir);
      const docs = DynamoDBDocumentClient.from(
        new DynamoDBClient({
          region: 'us-east-1',
          endpoint: db.endpoint,
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        }),
      );
      try {
        const got = await docs.send(
          new GetCommand({ TableName: 'flagger-local', Key: { pk: row.pk, sk: 'META' } }),
        );
        expect(got.Item).toEqual(row);
        const d = await docs.send(new DescribeTableCommand({ TableName: 'flagger-local' }));
        expect(d.Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(['due', 'idle']);
      } finally {
        docs.destroy();
        await db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
