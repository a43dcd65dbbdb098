/**
 * The DynamoDB the tests run against, chosen by `STORE_BACKEND`: `dynalite` (the default, in
 * process) or `dynamodb-local` (AWS's DynamoDB Local jar, see dynamodb-local.ts). Any other value
 * is an error, never a silent fallback.
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, baseClient } from '../../lib/adapters/dynamodb/client.js';
import { createTable } from '../../lib/adapters/dynamodb/table.js';
import { startLocalDynamo } from '../../local/dynamo.js';
import { dynamoDbLocalEndpoint } from './dynamodb-local.js';

export interface LocalDynamo {
  endpoint: string;
  db: DynamoDBDocumentClient;
  table: string;
  /** Which server answers (test names say it). */
  backend: StoreBackend;
  close(): Promise<void>;
}

type StoreBackend = 'dynalite' | 'dynamodb-local';

/** `STORE_BACKEND`, checked. */
export function storeBackend(): StoreBackend {
  const value = process.env.STORE_BACKEND ?? 'dynalite';
  if (value === 'dynalite' || value === 'dynamodb-local') return value;
  throw new Error(`STORE_BACKEND must be "dynalite" or "dynamodb-local", not "${value}"`);
}

let counter = 0;

/** Starts the chosen DynamoDB (or joins this process's DynamoDB Local) with a fresh table, plus a client; `close` drops both. */
export async function startDynamo(): Promise<LocalDynamo> {
  const table = `flagger-test-${process.pid}-${++counter}`;
  const backend = storeBackend();
  const server = await startServer(backend, table);
  const db = documentClient({ region: 'us-east-1', endpoint: server.endpoint });
  return {
    endpoint: server.endpoint,
    db,
    table,
    backend,
    close: async () => {
      db.destroy();
      await server.close();
    },
  };
}

async function startServer(
  backend: StoreBackend,
  table: string,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  switch (backend) {
    case 'dynalite':
      return startLocalDynamo(table);
    case 'dynamodb-local': {
      const endpoint = await dynamoDbLocalEndpoint();
      const admin = baseClient({ region: 'us-east-1', endpoint });
      await createTable(admin, table);
      return {
        endpoint,
        close: async () => {
          await admin.send(new DeleteTableCommand({ TableName: table }));
          admin.destroy();
        },
      };
    }
    default: {
      const unknown: never = backend;
      throw new Error(`unknown store backend ${String(unknown)}`);
    }
  }
}
