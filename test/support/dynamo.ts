import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { baseClient, documentClient } from '../../lib/adapters/dynamodb/client.js';
import { createTable } from '../../lib/adapters/dynamodb/table.js';

export interface LocalDynamo {
  endpoint: string;
  db: DynamoDBDocumentClient;
  table: string;
  close(): Promise<void>;
}

let counter = 0;

/** Starts dynalite in memory on a free loopback port and creates the table. */
export async function startDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = documentClient({ region: 'us-east-1', endpoint });
  const table = `flagger-test-${process.pid}-${++counter}`;
  const admin = baseClient({ region: 'us-east-1', endpoint });
  await createTable(admin, table);
  admin.destroy();
  return {
    endpoint,
    db,
    table,
    close: async () => {
      db.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
