import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lib/adapters/dynamodb/client.js';
import { startLocalDynamo } from '../../local/dynamo.js';

export interface LocalDynamo {
  endpoint: string;
  db: DynamoDBDocumentClient;
  table: string;
  close(): Promise<void>;
}

let counter = 0;

/** Starts dynalite in memory on a free loopback port with the table created, plus a client. */
export async function startDynamo(): Promise<LocalDynamo> {
  const table = `flagger-test-${process.pid}-${++counter}`;
  const server = await startLocalDynamo(table);
  const db = documentClient({ region: 'us-east-1', endpoint: server.endpoint });
  return {
    endpoint: server.endpoint,
    db,
    table,
    close: async () => {
      db.destroy();
      await server.close();
    },
  };
}
