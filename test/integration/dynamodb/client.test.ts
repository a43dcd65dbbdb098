/**
 * The client for a local endpoint (local mode, tests): a hundred canaries in flight in one
 * process must not queue behind the SDK's default 50 sockets (queued requests wait, and the SDK
 * prints a warning on stderr). A loopback server holds every request until 100 are open at once.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { expect, it } from 'vitest';
import { baseClient } from '../../../lib/adapters/dynamodb/client.js';

it('keeps 100 requests to a local endpoint open at once', async () => {
  const held: ServerResponse[] = [];
  let most = 0;
  const answerAll = () => {
    for (const res of held.splice(0)) {
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      res.end(JSON.stringify({ TableNames: [] }));
    }
  };
  const server = createServer((req, res) => {
    req.resume();
    held.push(res);
    most = Math.max(most, held.length);
    if (held.length >= 100) answerAll();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // Never wait forever: whatever is still held after a while is answered, and the count decides.
  const release = setInterval(answerAll, 5_000);
  try {
    const { port } = server.address() as AddressInfo;
    const client = baseClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}` });
    await Promise.all(Array.from({ length: 100 }, () => client.send(new ListTablesCommand({}))));
    client.destroy();
    expect(most).toBe(100);
  } finally {
    clearInterval(release);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
