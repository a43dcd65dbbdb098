/**
 * dynalite on a free loopback port with the table created: in memory, or on disk under `path`
 * (LevelDB, survives restarts). Local mode and the tests both start DynamoDB through this.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { baseClient } from '../lib/adapters/dynamodb/client.js';
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { upgradeTable } from './table-upgrade.js';

export interface LocalDynamoServer {
  endpoint: string;
  close(): Promise<void>;
}

export async function startLocalDynamo(table: string, path?: string): Promise<LocalDynamoServer> {
  if (path) mkdirSync(path, { recursive: true });
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path ? { path } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = baseClient({ region: 'us-east-1', endpoint });
  try {
    await createTable(admin, table);
    await upgradeTable(admin, table);
  } finally {
    admin.destroy();
  }
  return { endpoint, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
