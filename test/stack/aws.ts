/**
 * A local AWS endpoint for the stack test: one loopback HTTP server that every function reaches
 * through `AWS_ENDPOINT_URL_<SERVICE>`. Each request must be SigV4-signed by a known access key
 * (one per function, one per test user, and the temporary keys STS hands out); its action and
 * resources are read from the wire (aws-requests.ts) and judged against the caller's policies
 * (iam.ts) before anything happens. DynamoDB is dynalite behind this endpoint; SQS, EventBridge,
 * SSM, Secrets Manager, STS and EKS are answered here as far as the stack needs them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { conditionKeys, iamAction, operationOf, type AwsOperation } from './aws-requests.js';
import { answerService, type AwsState } from './aws-services.js';
import type { IamLedger, Principal } from './iam.js';
import { signedBy, verifySigned, type Received } from './sigv4.js';
import { ACCOUNT } from './template.js';

/** A known access key. */
export interface Caller {
  principal: Principal;
  secret: string;
  sessionToken?: string;
}

/** An answer in the request's protocol. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export class LocalAws {
  readonly callers = new Map<string, Caller>();
  readonly state: AwsState;
  /** Requests that reached no operation (unsigned, bad signature, unknown operation). */
  readonly rejected: string[] = [];
  private server?: Server;
  url = '';

  constructor(
    readonly ledger: IamLedger,
    dynamoEndpoint: string,
  ) {
    this.state = {
      dynamoEndpoint,
      queues: new Map(),
      parameters: new Map(),
      secrets: new Map(),
      clusters: new Map(),
      roles: new Map(),
      hashKeys: new Map(),
      onEvents: () => undefined,
      issueCredentials: (principal) => this.issue(principal),
    };
  }

  /** Registers a caller with fresh credentials; returns them. */
  issue(
    principal: Principal,
    temporary = true,
  ): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
    const accessKeyId = `${temporary ? 'ASIA' : 'AKIA'}${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(20).toString('base64');
    const sessionToken = temporary ? randomBytes(24).toString('base64') : undefined;
    this.callers.set(accessKeyId, { principal, secret: secretAccessKey, sessionToken });
    return { accessKeyId, secretAccessKey, sessionToken };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = await receive(req);
    let answer: Answer;
    try {
      answer = await this.handle(received);
    } catch (e) {
      this.rejected.push(`${received.method} ${received.path}: ${(e as Error).message}`);
      answer = jsonError(400, 'InvalidRequest', (e as Error).message);
    }
    res.writeHead(answer.status, answer.headers ?? { 'content-type': 'application/x-amz-json-1.0' });
    res.end(answer.body);
  }

  private async handle(req: Received): Promise<Answer> {
    const by = signedBy(req.headers);
    if (!by) throw new Error('request is not SigV4-signed');
    const caller = this.callers.get(by.accessKeyId);
    if (!caller) throw new Error(`unknown access key ${by.accessKeyId}`);
    if (caller.sessionToken && req.headers['x-amz-security-token'] !== caller.sessionToken)
      throw new Error(`session token missing or wrong for ${caller.principal.name}`);
    if (!(await verifySigned(req, caller.secret)))
      throw new Error(`signature does not match for ${caller.principal.name}`);
    // Resources belong to the caller's account (a role assumed in another account sees its own).
    const op = operationOf(req, by, /^arn:aws:[a-z]+::(\d{12}):/.exec(caller.principal.arn)?.[1] ?? ACCOUNT);
    const context = conditionKeys(op, this.state.hashKeys);
    for (const resource of op.resources) {
      const call = await this.ledger.evaluate(caller.principal, iamAction(op), resource, context);
      if (!call.allowed) return denied(op, caller.principal, resource);
    }
    return answerService(this.state, op, req, caller.principal);
  }
}

function denied(op: AwsOperation, p: Principal, resource: string): Answer {
  const action = iamAction(op);
  const message = `User: ${p.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
  if (op.protocol === 'query') return xmlError(403, 'AccessDenied', message);
  if (op.protocol === 'rest-json')
    return {
      status: 403,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
      body: JSON.stringify({ message }),
    };
  return jsonError(400, 'AccessDeniedException', message);
}

export function jsonError(status: number, type: string, message: string): Answer {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${type};Sender` },
    body: JSON.stringify({ __type: `com.amazonaws.local#${type}`, message }),
  };
}

export function xmlError(status: number, code: string, message: string): Answer {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
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
