/**
 * A Slack-compatible incoming webhook for the demo: a node:http server on 127.0.0.1 that records
 * every JSON body posted to it and answers `ok`, as Slack does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message as Slack would have received it. */
export interface SlackMessage {
  receivedAt: number;
  /** The message's fallback `text` (our notifier always sets it). */
  text: string;
  /** The whole posted JSON. */
  payload: unknown;
}

/** A running receiver. */
export interface SlackReceiver {
  /** The webhook URL to configure (`http://127.0.0.1:<port>/services/demo`). */
  url: string;
  /** Messages in arrival order (live array). */
  messages: SlackMessage[];
  close(): Promise<void>;
}

const MAX_BODY = 256 * 1024;
const MAX_MESSAGES = 1000;

/** Starts the receiver on a free loopback port. */
export async function startSlackReceiver(): Promise<SlackReceiver> {
  const messages: SlackMessage[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (req.method !== 'POST' || size > MAX_BODY) {
        res.writeHead(req.method !== 'POST' ? 405 : 413).end();
        return;
      }
      try {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown };
        const text = typeof payload.text === 'string' ? payload.text : JSON.stringify(payload);
        if (messages.length < MAX_MESSAGES) messages.push({ receivedAt: Date.now(), text, payload });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
      }
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return {
    url: `http://127.0.0.1:${port}/services/demo`,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
