/**
 * The API handler as Lambda runs it, over dynalite (DynamoDB's own checks on numbers, keys and
 * sizes apply) with a recording queue and logger: for tests that send raw requests.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { makeHandler, type ApiHandler } from '../../../functions/api/handler.js';
import { loadConfig } from '../../../lib/config.js';
import type { Logger } from '../../../lib/ports/logger.js';
import type { StepMessage } from '../../../lib/ports/queue.js';
import { apiDeps, buildCore, type Core } from '../../../lib/wiring.js';
import { startDynamo, type LocalDynamo } from '../../support/dynamo.js';

export interface RawRequest {
  method: string;
  /** The raw path as API Gateway gives it (not decoded). */
  path: string;
  query?: Record<string, string>;
  body?: string;
  base64?: boolean;
  /** The authorizer context (default: a Lambda authorizer naming `local:token`, the harness's admin). */
  authorizer?: Record<string, unknown>;
}

interface RawResponse {
  status: number;
  body: { message?: string; errors?: { path: string; message: string }[] } | undefined;
  text: string;
}

export interface ApiHarness {
  core: Core;
  handler: ApiHandler;
  queued: StepMessage[];
  /** Messages logged at error level (an unhandled error logs one). */
  errors: string[];
  send(r: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

/** The authorizer context of the harness's admin (ADMIN_PRINCIPALS below). */
const ADMIN = { lambda: { actor: 'tester', principal: 'local:token' } };

export async function startApi(): Promise<ApiHarness> {
  const dyn: LocalDynamo = await startDynamo();
  const config = loadConfig({
    TABLE_NAME: dyn.table,
    DYNAMODB_ENDPOINT: dyn.endpoint,
    AWS_REGION: 'us-east-1',
    ADMIN_PRINCIPALS: 'local:token',
  });
  const errors: string[] = [];
  const logger: Logger = {
    info() {},
    warn() {},
    error: (m, f) => void errors.push(`${m} ${JSON.stringify(f ?? {})}`),
  };
  const core = buildCore(config, logger);
  const queued: StepMessage[] = [];
  const queue = { send: (m: StepMessage[]) => (queued.push(...m), Promise.resolve()) };
  const handler = makeHandler({ ...apiDeps(core, queue), logger });
  return {
    core,
    handler,
    queued,
    errors,
    async send(r) {
      const res = await handler(event(r));
      const out = typeof res === 'string' ? { statusCode: 200, body: res } : res;
      const text = out.body ?? '';
      return {
        status: out.statusCode ?? 200,
        body: text ? (JSON.parse(text) as RawResponse['body']) : undefined,
        text,
      };
    },
    close: () => dyn.close(),
  };
}

function event(r: RawRequest): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: r.path,
    rawQueryString: new URLSearchParams(r.query).toString(),
    headers: {},
    queryStringParameters: r.query,
    body: r.body,
    isBase64Encoded: r.base64 === true,
    requestContext: {
      http: { method: r.method, path: r.path },
      authorizer: r.authorizer ?? ADMIN,
    } as unknown as APIGatewayProxyEventV2['requestContext'],
  };
}
