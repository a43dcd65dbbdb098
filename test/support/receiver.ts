/**
 * A local HTTP receiver for tests of anything that calls out over HTTP (webhooks, load tester,
 * Slack/Teams notifiers). Listens on 127.0.0.1:0, records every request, and answers per path
 * with a programmable behaviour.
 *
 * ```ts
 * const rx = await startReceiver();
 * rx.respond('/hook', reply(500, 'boom'));
 * rx.respond('/flaky', [fail(), fail(), reply(200)]); // one behaviour per request, last repeats
 * await callSomething(`${rx.url}/hook`);
 * expect(rx.requests[0].body).toEqual({ ... });
 * await rx.close();
 * ```
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';

/** How the receiver answers one request. */
export type Behaviour =
  /** Answer at once (after `delayMs`, if given) with this status, body and headers. */
  | {
      kind: 'reply';
      status: number;
      body?: string | object;
      headers?: Record<string, string>;
      delayMs?: number;
    }
  /** Never answer; the socket stays open until the client gives up or the receiver closes. */
  | { kind: 'hang' }
  /** Reset the TCP connection without answering (client sees ECONNRESET / "other side closed"). */
  | { kind: 'reset' }
  /** Answer `status` with the request echoed back as JSON (see {@link echo}). */
  | { kind: 'echo'; status: number };

/** Answer `status` with `body` (objects are sent as JSON). */
export const reply = (status = 200, body?: string | object, headers?: Record<string, string>): Behaviour => ({
  kind: 'reply',
  status,
  body,
  headers,
});
/** Answer after `delayMs`. */
export const slow = (delayMs: number, status = 200, body?: string | object): Behaviour => ({
  kind: 'reply',
  status,
  body,
  delayMs,
});
/** Answer 500 with `body`. */
export const fail = (body = 'internal error'): Behaviour => reply(500, body);
/** Never answer. */
export const hang = (): Behaviour => ({ kind: 'hang' });
/** Reset the connection. */
export const reset = (): Behaviour => ({ kind: 'reset' });
/**
 * Answer `status` with what arrived, as a careless debugging endpoint would: JSON
 * `{method, url, headers, body, user}`, `user` being the decoded `user:password` of Basic credentials.
 */
export const echo = (status = 200): Behaviour => ({ kind: 'echo', status });

/** One request as it arrived. */
interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string including `?`, or ''. */
  query: string;
  /** Lower-cased header names, as Node gives them. */
  headers: IncomingHttpHeaders;
  /** Raw body text. */
  rawBody: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  /** `Date.now()` when the request was complete. */
  receivedAt: number;
}

/** A running receiver. */
export interface Receiver {
  /** `http://127.0.0.1:<port>` — no trailing slash. */
  url: string;
  /** Every request so far, in arrival order (live array). */
  requests: RecordedRequest[];
  /** Requests to `path`. */
  requestsTo(path: string): RecordedRequest[];
  /**
   * Programs the answers for `path` (exact, without query; `'*'` for every unprogrammed path).
   * An array answers one entry per request and repeats the last one. Default: 200 `ok`.
   */
  respond(path: string, behaviour: Behaviour | Behaviour[]): void;
  /**
   * Resolves as soon as `count` requests have arrived (to `path` when given); throws after
   * `timeoutMs` (default 30 s: a bound for a hang, not a pace).
   */
  waitForRequests(count: number, options?: { path?: string; timeoutMs?: number }): Promise<RecordedRequest[]>;
  /** Forgets recorded requests and programmed behaviours. */
  reset(): void;
  /** Stops listening and drops every open connection, hanging ones included. */
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 with a free port. */
export async function startReceiver(): Promise<Receiver> {
  const requests: RecordedRequest[] = [];
  const arrivals = new EventEmitter();
  const programs = makePrograms();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    void record(req).then((recorded) => {
      requests.push(recorded);
      arrivals.emit('request');
      act(programs.next(recorded.path), req, res, timers, recorded);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    respond: programs.set,
    waitForRequests: (count, options = {}) => waitFor(requests, arrivals, count, options),
    reset() {
      requests.length = 0;
      programs.clear();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Programmed behaviours per path; an array serves one entry per request and repeats the last. */
function makePrograms(): { set: Receiver['respond']; next(path: string): Behaviour; clear(): void } {
  const programs = new Map<string, { queue: Behaviour[]; served: number }>();
  return {
    set(path, behaviour) {
      const queue = Array.isArray(behaviour) ? behaviour : [behaviour];
      if (queue.length === 0) throw new Error('respond() needs at least one behaviour');
      programs.set(path, { queue, served: 0 });
    },
    next(path) {
      const program = programs.get(path) ?? programs.get('*');
      if (!program) return reply(200, 'ok');
      const behaviour = program.queue[Math.min(program.served, program.queue.length - 1)];
      program.served += 1;
      return behaviour;
    },
    clear: () => programs.clear(),
  };
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const [path, query] = q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q)];
  return {
    method: req.method ?? 'GET',
    path,
    query,
    headers: req.headers,
    rawBody,
    body: parseJson(rawBody),
    receivedAt: Date.now(),
  };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function act(
  behaviour: Behaviour,
  req: IncomingMessage,
  res: ServerResponse,
  timers: Set<NodeJS.Timeout>,
  recorded: RecordedRequest,
): void {
  switch (behaviour.kind) {
    case 'hang':
      return;
    case 'echo': {
      const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
      const user = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : undefined;
      const { method, headers, rawBody: body } = recorded;
      res.writeHead(behaviour.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method, url: req.url, headers, body, user }));
      return;
    }
    case 'reset':
      req.socket.resetAndDestroy();
      return;
    case 'reply': {
      const send = (): void => {
        const isJson = typeof behaviour.body === 'object';
        const text = isJson ? JSON.stringify(behaviour.body) : (behaviour.body ?? '');
        const type = isJson ? 'application/json' : 'text/plain';
        res.writeHead(behaviour.status, { 'content-type': type, ...behaviour.headers });
        res.end(text);
      };
      if (!behaviour.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send();
      }, behaviour.delayMs);
      timers.add(timer);
    }
  }
}

async function waitFor(
  requests: RecordedRequest[],
  arrivals: EventEmitter,
  count: number,
  { path, timeoutMs = 30_000 }: { path?: string; timeoutMs?: number },
): Promise<RecordedRequest[]> {
  const matching = () => (path === undefined ? requests : requests.filter((r) => r.path === path));
  if (matching().length >= count) return matching();
  return new Promise((resolve, reject) => {
    const onRequest = (): void => {
      if (matching().length < count) return;
      done();
      resolve(matching());
    };
    const timer = setTimeout(() => {
      done();
      reject(
        new Error(
          `receiver: expected ${count} request(s)${path ? ` to ${path}` : ''}, got ${matching().length}`,
        ),
      );
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      arrivals.off('request', onRequest);
    };
    arrivals.on('request', onRequest);
  });
}
