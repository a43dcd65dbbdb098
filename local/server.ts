/**
 * Local stand-in for API Gateway: a loopback HTTP server that turns each request into an API
 * Gateway v2 (HTTP API) event for the same handler Lambda runs. The API is protected by a bearer
 * token (401 without it); GET /openapi.json is public, as in serverless.yml.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

export type EventHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/**
 * Routes `/loadtester/...` to `loadtester` and the rest to `api`. Both need the token (webhooks
 * to the local load tester carry it in their URL's userinfo or are sent by local mode itself).
 */
export async function startLocalServer(opts: {
  api: EventHandler;
  loadtester?: EventHandler;
  token: string;
  port?: number;
  host?: string;
}): Promise<LocalServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const url = new URL(req.url ?? '/', 'http://local');
        const isLoadtester = url.pathname === '/loadtester' || url.pathname.startsWith('/loadtester/');
        const isPublic = url.pathname === '/openapi.json';
        if (!isPublic && !authorized(req.headers.authorization, opts.token)) {
          res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
          res.end(
            JSON.stringify({
              message: 'missing or wrong bearer token (Authorization: Bearer <FLAGGER_API_TOKEN>)',
              errors: [],
            }),
          );
          return;
        }
        const handler = isLoadtester && opts.loadtester ? opts.loadtester : opts.api;
        const path = isLoadtester ? url.pathname.slice('/loadtester'.length) || '/' : url.pathname;
        const result = await handler(toEvent(req, url, path, body));
        const r = typeof result === 'string' ? { statusCode: 200, body: result } : result;
        res.writeHead(r.statusCode ?? 200, (r.headers ?? {}) as Record<string, string>);
        res.end(r.body ?? '');
      } catch (e) {
        const status = (e as { status?: number }).status ?? 500;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            message: status === 413 ? 'request body too large' : 'internal error',
            errors: [],
          }),
        );
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toEvent(req: IncomingMessage, url: URL, path: string, body: string): APIGatewayProxyEventV2 {
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
      // Local mode has one identity: whoever holds the token.
      authorizer: { lambda: { actor: 'local-token' } },
    } as APIGatewayProxyEventV2['requestContext'],
  };
}
