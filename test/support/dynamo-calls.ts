/**
 * Counts DynamoDB API calls by operation: a loopback HTTP proxy in front of dynalite that notes each
 * request's `X-Amz-Target` (GetItem, UpdateItem, …) and forwards it unchanged. Point a client (or
 * a control plane's DYNAMODB_ENDPOINT) at `endpoint`; tests pin the counts, never the timings.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DynamoCalls {
  /** The proxy's URL, to use as the DynamoDB endpoint. */
  endpoint: string;
  /** Calls since the last reset, by operation (`{ GetItem: 3, UpdateItem: 3 }`). */
  counts(): Record<string, number>;
  /** Forgets the calls counted so far. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts a counting proxy in front of the DynamoDB endpoint `target` (dynalite). */
export async function countDynamoCalls(target: string): Promise<DynamoCalls> {
  let counts: Record<string, number> = {};
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] ?? 'unknown')
      .split('.')
      .pop()!;
    counts[op] = (counts[op] ?? 0) + 1;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (e) => res.destroy(e));
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
