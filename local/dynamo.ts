/**
 * dynalite on a free loopback port with the table created: in memory, or on disk under `path`
 * (LevelDB, survives restarts). Local mode and the tests both start DynamoDB through this.
 */
import { EventEmitter, once } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
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
  const work = trackWork(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = baseClient({ region: 'us-east-1', endpoint });
  try {
    await createTable(admin, table);
    await upgradeTable(admin, table);
  } finally {
    admin.destroy();
  }
  return {
    endpoint,
    close: async () => {
      // dynalite closes its database with its server, and crashes the process when an action it
      // is still running (for a client that went away: an aborted step) touches it afterwards.
      await work.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Counts the requests dynalite has read in full and not answered yet (each ends with `res.end`);
 * `idle()` resolves when there are none.
 */
function trackWork(server: Server): { idle(): Promise<void> } {
  let busy = 0;
  const events = new EventEmitter();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let state: 'reading' | 'working' | 'answered' = 'reading';
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      if (state === 'working' && --busy === 0) events.emit('idle');
      state = 'answered';
      return end(...args);
    }) as ServerResponse['end'];
    req.once('end', () => {
      if (state !== 'reading') return;
      state = 'working';
      busy += 1;
    });
  });
  return { idle: () => (busy === 0 ? Promise.resolve() : once(events, 'idle').then(() => undefined)) };
}
