/**
 * Local mode keeps its table on disk between runs; a newer release may declare an index the table
 * lacks (the sweep's `idle` index). In AWS, CloudFormation adds it; dynalite cannot add an index
 * to an existing table, so local mode rebuilds the table with the same items: read them all,
 * recreate the table from the current definition, write them back.
 */
import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createTable, tableDefinition } from '../lib/adapters/dynamodb/table.js';

/** The index names the definition has and `table` lacks. */
async function missingIndexes(client: DynamoDBClient, table: string): Promise<string[]> {
  const d = await client.send(new DescribeTableCommand({ TableName: table }));
  const have = new Set((d.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  return (tableDefinition(table).GlobalSecondaryIndexes ?? [])
    .map((g) => g.IndexName!)
    .filter((n) => !have.has(n));
}

/**
 * Waits until `table` no longer exists: dynalite answers DeleteTable with DELETING and removes the
 * table a moment later, so a CreateTable sent at once meets the old table ("in use") and the new
 * one is never created.
 */
async function tableGone(client: DynamoDBClient, table: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      await client.send(new DescribeTableCommand({ TableName: table }));
    } catch (e) {
      if (e instanceof ResourceNotFoundException) return;
      throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB table ${table} was not deleted`);
}

/** Rebuilds `table` with today's indexes when it lacks one; returns the indexes added. */
export async function upgradeTable(client: DynamoDBClient, table: string): Promise<string[]> {
  const missing = await missingIndexes(client, table);
  if (missing.length === 0) return [];
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  await client.send(new DeleteTableCommand({ TableName: table }));
  await tableGone(client, table);
  await createTable(client, table);
  for (let i = 0; i < items.length; i += 25) {
    const requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    let unprocessed: typeof requests | undefined = requests;
    while (unprocessed && unprocessed.length > 0) {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: unprocessed } }));
      unprocessed = out.UnprocessedItems?.[table] as typeof requests | undefined;
    }
  }
  return missing;
}
