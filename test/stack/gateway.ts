/**
 * The HTTP API of the template, on loopback: every request is matched against the template's
 * routes (`AWS::ApiGatewayV2::Route` RouteKey, most specific first, as API Gateway selects them)
 * and their authorization (AWS_IAM: a valid SigV4 signature for `execute-api` and
 * `execute-api:Invoke` allowed by the caller's policies), then handed to the route's function as
 * a payload-2.0 event with the IAM authorizer's context. A request no route accepts gets API
 * Gateway's answer and is recorded, so the test can fail on it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Caller } from './aws.js';
import type { IamLedger } from './iam.js';
import { signedBy, verifySigned, type Received } from './sigv4.js';
import { ACCOUNT, API_ID, REGION, resourcesOf, type Resolver } from './template.js';

interface Route {
  method: string;
  segments: string[];
  key: string;
  auth: 'NONE' | 'AWS_IAM' | 'JWT';
  /** The function logical id of the integration. */
  target: string;
}

export type Invoke = (functionLogicalId: string, event: APIGatewayProxyEventV2) => Promise<unknown>;

export class LocalHttpApi {
  readonly routes: Route[];
  /** Requests no route accepted, or the authorizer refused. */
  readonly refused: string[] = [];
  /** Route keys that served at least one request. */
  readonly served = new Set<string>();
  private server?: Server;
  url = '';

  constructor(
    resolver: Resolver,
    private readonly callers: Map<string, Caller>,
    private readonly ledger: IamLedger,
    private readonly invoke: Invoke,
  ) {
    const integrations = new Map(
      resourcesOf(resolver.template, 'AWS::ApiGatewayV2::Integration').map(([id, r]) => [
        id,
        (r.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
      ]),
    );
    this.routes = resourcesOf(resolver.template, 'AWS::ApiGatewayV2::Route')
      .filter(([id]) => resolver.exists(id))
      .map(([, r]) => {
        const key = r.Properties.RouteKey as string;
        const [method, path] = key.split(' ') as [string, string];
        const integration = (resolver.resolve(r.Properties.Target) as string).split('/')[1]!;
        return {
          method,
          segments: path.split('/').filter(Boolean),
          key,
          auth: (r.Properties.AuthorizationType as Route['auth'] | undefined) ?? 'NONE',
          target: integrations.get(integration)!,
        };
      });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The route API Gateway would pick, or undefined. */
  match(method: string, path: string): { route: Route; proxy?: string } | undefined {
    const parts = path.split('/').filter(Boolean);
    const scored = this.routes
      .map((route) => ({ route, score: score(route, method, parts) }))
      .filter((s) => s.score !== undefined)
      .sort((a, b) => b.score! - a.score!);
    const best = scored[0]?.route;
    if (!best) return undefined;
    const i = best.segments.findIndex((s) => s.endsWith('+}'));
    return { route: best, proxy: i >= 0 ? parts.slice(i).join('/') : undefined };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = await receive(req);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const hit = this.match(received.method, received.path);
    if (!hit) {
      this.refused.push(`${received.method} ${received.path}: no route`);
      return reply(404, { message: 'Not Found' });
    }
    const caller = await this.authorize(hit.route, received);
    if (caller === false) return reply(403, { message: 'Forbidden' });
    this.served.add(hit.route.key);
    let result: unknown;
    try {
      result = await this.invoke(hit.route.target, toEvent(received, hit.route, hit.proxy, caller));
    } catch (e) {
      this.refused.push(
        `${received.method} ${received.path}: function error ${(e as Error).message.split('\n')[0]}`,
      );
      return reply(500, { message: 'Internal Server Error' });
    }
    write(res, result);
  }

  private async authorize(route: Route, req: Received): Promise<Caller | undefined | false> {
    if (route.auth === 'NONE') return undefined;
    if (route.auth !== 'AWS_IAM') throw new Error(`authorizer ${route.auth} is not stood in for`);
    const by = signedBy(req.headers);
    const caller = by && by.service === 'execute-api' ? this.callers.get(by.accessKeyId) : undefined;
    if (!caller || !(await verifySigned(req, caller.secret))) {
      this.refused.push(`${req.method} ${req.path}: not signed for execute-api by a known caller`);
      return false;
    }
    const arn = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/$default/${req.method}${req.path}`;
    const call = await this.ledger.evaluate(caller.principal, 'execute-api:Invoke', arn);
    if (!call.allowed) {
      this.refused.push(`${req.method} ${req.path}: execute-api:Invoke denied for ${caller.principal.name}`);
      return false;
    }
    return caller;
  }
}

/** Higher is more specific; undefined when the route does not match. */
function score(route: Route, method: string, parts: string[]): number | undefined {
  if (route.method !== 'ANY' && route.method !== method) return undefined;
  let s = route.method === 'ANY' ? 0 : 1;
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i]!;
    if (seg.endsWith('+}')) return parts.length > i ? s : undefined;
    if (i >= parts.length) return undefined;
    if (seg.startsWith('{')) s += 10;
    else if (seg === parts[i]) s += 100;
    else return undefined;
  }
  return parts.length === route.segments.length ? s + 1000 : undefined;
}

const TEXT = /^(application\/(json|x-www-form-urlencoded|yaml|x-yaml)|text\/)/;

function toEvent(
  req: Received,
  route: Route,
  proxy: string | undefined,
  caller: Caller | undefined,
): APIGatewayProxyEventV2 {
  const contentType = req.headers['content-type'] ?? '';
  const binary = req.body !== '' && !TEXT.test(contentType);
  const now = Date.now();
  // Payload 2.0 moves the Cookie header into `cookies`, one entry per cookie.
  const { cookie, ...headers } = req.headers;
  return {
    version: '2.0',
    routeKey: route.key,
    rawPath: req.path,
    rawQueryString: req.query.toString(),
    headers,
    cookies: cookie ? cookie.split(/;\s*/) : undefined,
    queryStringParameters: req.query.size > 0 ? Object.fromEntries(req.query) : undefined,
    pathParameters: proxy !== undefined ? { proxy } : undefined,
    body: req.body === '' ? undefined : binary ? Buffer.from(req.body).toString('base64') : req.body,
    isBase64Encoded: binary,
    requestContext: {
      accountId: ACCOUNT,
      apiId: API_ID,
      domainName: `${API_ID}.execute-api.${REGION}.amazonaws.com`,
      domainPrefix: API_ID,
      http: {
        method: req.method,
        path: req.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.key,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      ...(caller
        ? {
            authorizer: {
              iam: {
                accessKey: 'AKIA…',
                accountId: ACCOUNT,
                callerId: caller.principal.name,
                cognitoIdentity: null,
                principalOrgId: null,
                userArn: caller.principal.arn,
                userId: caller.principal.name,
              },
            },
          }
        : {}),
    },
  } as unknown as APIGatewayProxyEventV2;
}

/** Payload 2.0 response mapping: a `statusCode` object as given, anything else as JSON 200. */
function write(res: ServerResponse, result: unknown): void {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
    };
    res.writeHead(r.statusCode, r.headers ?? {});
    res.end(r.isBase64Encoded && r.body ? Buffer.from(r.body, 'base64') : (r.body ?? ''));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(typeof result === 'string' ? result : JSON.stringify(result));
}

async function receive(req: IncomingMessage): Promise<Received> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const url = new URL(req.url ?? '/', 'http://local');
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
  );
  return {
    method: req.method ?? 'GET',
    host: headers.host ?? '',
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}
