/**
 * Local stand-in for API Gateway: a loopback HTTP server that turns each request into an API
 * Gateway v2 (HTTP API) event for the same handler Lambda runs. The API is protected by a bearer
 * token (401 without it); GET /openapi.json, the status page (/ui, which checks its own sign-in)
 * and POST /slack/interactions (signed by Slack) are public, as in serverless.yml.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

export type EventHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/** The body limit when none is given: the API's default (MAX_BODY_BYTES). */
const DEFAULT_MAX_BODY = 256 * 1024;
/**
 * An oversized body is read to its end and thrown away, so the client finishes sending and then
 * reads the 413 (closing earlier resets the connection under it); past this many bytes the
 * connection is cut instead.
 */
const DRAIN_FACTOR = 64;

/** Slack's interactivity request URL (functions/slack), as in serverless.yml. */
const SLACK_INTERACTIONS = '/slack/interactions';

/**
 * Routes `/loadtester/...` to `loadtester`, `POST /slack/interactions` to `slack` and the rest to
 * `api`. All but Slack's route need the token (webhooks to the local load tester carry it in
 * their URL's userinfo or are sent by local mode itself); Slack signs its requests itself, and
 * the slack handler checks that signature first.
 */
export async function startLocalServer(opts: {
  api: EventHandler;
  loadtester?: EventHandler;
  slack?: EventHandler;
  token: string;
  port?: number;
  host?: string;
  /** Larger bodies get 413 (JSON, `errors[0].path` ''). Default 256 KiB. */
  maxBodyBytes?: number;
}): Promise<LocalServer> {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req, maxBody);
        if (body === undefined) return tooLarge(res, maxBody);
        const url = splitUrl(req.url ?? '/');
        const isLoadtester = url.pathname === '/loadtester' || url.pathname.startsWith('/loadtester/');
        const slack = req.method === 'POST' && url.pathname === SLACK_INTERACTIONS ? opts.slack : undefined;
        // The status page checks its own sign-in (functions/api/ui.ts), as outside API Gateway's authorizer.
        const isPublic =
          slack !== undefined ||
          url.pathname === '/openapi.json' ||
          url.pathname === '/ui' ||
          url.pathname.startsWith('/ui/');
        if (!isPublic && !authorized(req.headers.authorization, opts.token)) {
          res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
          const message = 'missing or wrong bearer token (Authorization: Bearer <FLAGGER_API_TOKEN>)';
          res.end(JSON.stringify({ message, errors: [{ path: '', message }] }));
          return;
        }
        const handler = slack ?? (isLoadtester && opts.loadtester ? opts.loadtester : opts.api);
        const path = isLoadtester ? url.pathname.slice('/loadtester'.length) || '/' : url.pathname;
        const result = await handler(toEvent(req, url, path, body));
        const r = typeof result === 'string' ? { statusCode: 200, body: result } : result;
        res.writeHead(r.statusCode ?? 200, (r.headers ?? {}) as Record<string, string>);
        res.end(r.body ?? '');
      } catch {
        if (res.headersSent) return void res.destroy();
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'internal error', errors: [] }));
      }
    })();
  });
  // A busy port rejects (EADDRINUSE) instead of crashing the process.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** 413 with the API's error shape, then the connection is closed (the body was read to its end). */
function tooLarge(res: ServerResponse, maxBody: number): void {
  if (res.headersSent) return;
  const message = `request body larger than ${maxBody} bytes`;
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
  res.end(
    JSON.stringify({
      message,
      errors: [{ path: '', message: `expected a body of at most ${maxBody} bytes` }],
    }),
  );
}

/**
 * The body as text, or undefined when it is larger than `max` bytes: then the rest is read and
 * dropped (nothing past `max` is kept), up to DRAIN_FACTOR × `max`, where the connection is cut.
 */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max * DRAIN_FACTOR) {
      req.resume();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
      else if (size > max * DRAIN_FACTOR) req.destroy();
    });
    req.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

/**
 * The path as sent and the query, without WHATWG URL parsing (which rejects `//x` and rewrites
 * `\\`): API Gateway, too, hands the function the raw path.
 */
function splitUrl(raw: string): { pathname: string; searchParams: URLSearchParams } {
  const q = raw.indexOf('?');
  return q < 0
    ? { pathname: raw, searchParams: new URLSearchParams() }
    : { pathname: raw.slice(0, q), searchParams: new URLSearchParams(raw.slice(q + 1)) };
}

function toEvent(
  req: IncomingMessage,
  url: { searchParams: URLSearchParams },
  path: string,
  body: string,
): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
  );
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: url.searchParams.toString(),
    headers,
    queryStringParameters: url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined,
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `${Date.now()}-${Math.random().toString(16).slice(2)}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      // Local mode has one identity: whoever holds the token (an admin, local/stack.ts).
      authorizer: { lambda: { actor: 'local-token', principal: 'local:token' } },
    } as APIGatewayProxyEventV2['requestContext'],
  };
}
