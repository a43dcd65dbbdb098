/**
 * The one DynamoDB table. serverless.yml declares the same keys and index (a test compares them),
 * and local mode / tests create it with `createTable`.
 *
 * Items:
 * - canary row     pk `C#<cluster>/<ns>/<name>`  sk `META`       + gsi1pk `DUE#<shard>`, gsi1sk nextRunAt;
 *                  while idle also `seen` and gsi2pk `IDLE#<cluster>`, gsi2sk `<ns>/<name>` (index `idle`);
 *                  `recorded` (the last history record and its repeats); while a step runs its claim
 *                  (`leaseOwner`, `leaseSince`, `leaseUntil`)
 * - history        pk `C#<cluster>/<ns>/<name>`  sk `H#<at>#<id>` + expiresAt (TTL, epoch seconds);
 *                  `previous` (the repeat count of an earlier record)
 * - documents      pk `D#<kind>`                 sk `<name>`     (clusters, templates, alert providers, gates,
 *                                                               grants)
 * - sourced        pk `S#<cluster>`              sk `<kind>#<ns>/<name>`: MetricTemplates and AlertProviders
 *                  sourced from a cluster (sourced.ts; `served`, `refused`)
 * - sign-in        pk `U#ticket#<id>` / `U#session#<id>`  sk `ticket` / `session` + expiresAt (TTL)
 * - button claims  pk `D#button`                 sk `<nonce>`    + expiresAt: the decision taken on a
 *                  chat message (button-claims.ts)
 *
 * Every item also carries `schemaVersion`, the version of its kind's shape (schema.ts).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { CanaryKey } from '../../ports/store.js';

/** Number of partitions of the due index; each is one Query per dispatch. */
export const DUE_SHARDS = 4;
/** gsi1sk for canaries with nothing scheduled: beyond any real time, so never due. */
export const NEVER = 9_999_999_999_999;

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'N' },
      { AttributeName: 'gsi2pk', AttributeType: 'S' },
      { AttributeName: 'gsi2sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'due',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        // Sparse: only idle canaries carry gsi2pk. The sweep reads a cluster's records in one Query.
        IndexName: 'idle',
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['seen'] },
      },
    ],
  };
}

/** Creates the table unless it exists (local mode, tests). */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (e) {
    const exists = e instanceof ResourceInUseException || (e as Error).message?.includes('preexisting table');
    if (!exists) throw e;
  }
  for (let i = 0; i < 50; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (d.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB table ${tableName} did not become ACTIVE`);
}

export function canaryPk(k: CanaryKey): string {
  return `C#${k.cluster}/${k.namespace}/${k.name}`;
}

export function keyFromPk(pk: string): CanaryKey {
  const [cluster, namespace, name] = pk.slice(2).split('/');
  return { cluster: cluster, namespace: namespace, name: name };
}

/** The idle index's partition of a cluster. */
export function idlePk(cluster: string): string {
  return `IDLE#${cluster}`;
}

/** Stable shard of a canary in the due index (FNV-1a of its pk). */
export function shardOf(k: CanaryKey): number {
  let h = 0x811c9dc5;
  for (const ch of canaryPk(k)) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % DUE_SHARDS;
}
