import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Loadtester } from './loadtester.js';
import type { LoadtesterLogger } from './logger.js';

/** A load tester listening on node:http. */
export interface LoadtesterServer {
  /** `http://host:port`, no trailing slash. */
  url: string;
  /** Stops listening and aborts background tasks. */
  close(): Promise<void>;
}

/** Serves `loadtester` over HTTP (local mode, tests). Port 0 picks a free port; default host 127.0.0.1. */
export async function startLoadtesterServer(
  loadtester: Loadtester,
  options: { port?: number; host?: string; logger?: LoadtesterLogger } = {},
): Promise<LoadtesterServer> {
  const { port = 0, host = '127.0.0.1', logger } = options;
  const server = createServer((req, res) => {
    const controller = new AbortController();
    res.on('close', () => controller.abort(new Error('client went away')));
    void readBody(req)
      .then((body) =>
        loadtester(
          { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], body },
          controller.signal,
        ),
      )
      .then(
        ({ status, body }) =>
          res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body),
        (err: unknown) => {
          logger?.error('load tester request failed', { error: String(err) });
          if (!res.headersSent)
            res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error');
        },
      );
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    async close() {
      await loadtester.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
