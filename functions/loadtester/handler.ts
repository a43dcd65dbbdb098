/**
 * The load tester behind API Gateway (HTTP API, payload v2): a thin adapter from the event to
 * {@link makeLoadtester}. Gate state goes through the injected `GateStore` (the DynamoDB table in
 * AWS, so every instance sees the same gates). Background `cmd` load only progresses while an
 * invocation runs, so in Lambda use it for gates and `type: request` checks; host `cmd` load on the
 * local-mode server (`startLoadtesterServer`).
 */
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { makeLoadtester, type Loadtester } from '../../lib/loadtester/index.js';
import { callerOf } from '../api/http.js';

/** The API Gateway v2 event after the JSON body parser: `body` is parsed for JSON content types. */
export type LoadtesterEvent = Omit<APIGatewayProxyEventV2, 'body'> & { body?: unknown };

/** What the handler needs. */
export interface LoadtesterHandlerDeps {
  loadtester: Loadtester;
}

/**
 * Builds the middy handler. Non-JSON content types (e.g. `curl -d` form posts, as in Flagger's
 * docs) are accepted and parsed by the load tester itself; its 400s carry the reason.
 */
export function makeHandler(deps: LoadtesterHandlerDeps) {
  return middy<LoadtesterEvent, APIGatewayProxyResultV2>()
    .use(httpHeaderNormalizer())
    .use(httpJsonBodyParser({ disableContentTypeError: true }))
    .use(httpErrorHandler({ logger: false }))
    .handler(async (event, _context, { signal }) => {
      const method = event.requestContext.http.method;
      const res = await deps.loadtester(
        {
          method,
          path: pathOf(event),
          body: bodyOf(event),
          caller: callerOf(event as APIGatewayProxyEventV2),
        },
        signal,
      );
      return {
        statusCode: res.status,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: res.body,
      };
    });
}

/**
 * The load tester's own path: behind the `/loadtester/{proxy+}` route it is `/` + the proxy part
 * (`/loadtester/gate/check` → `/gate/check`); elsewhere `rawPath` without a named stage's prefix.
 */
function pathOf(event: LoadtesterEvent): string {
  if (event.routeKey?.includes('/loadtester')) return `/${event.pathParameters?.proxy ?? ''}`;
  const { stage } = event.requestContext;
  const prefix = `/${stage}`;
  if (stage && stage !== '$default' && (event.rawPath === prefix || event.rawPath.startsWith(`${prefix}/`))) {
    return event.rawPath.slice(prefix.length) || '/';
  }
  return event.rawPath || '/';
}

/** The body as the parser left it; undecoded base64 text (non-JSON content types) is decoded here. */
function bodyOf(event: LoadtesterEvent): unknown {
  if (typeof event.body === 'string' && event.isBase64Encoded)
    return Buffer.from(event.body, 'base64').toString('utf8');
  return event.body;
}

let cached: ReturnType<typeof makeHandler> | undefined;

/**
 * The Lambda entry point: gate state in the DynamoDB table, shared by every instance; who may open
 * and close gates is decided by the grants (lib/app/gate-access.ts).
 */
export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyResultV2> => {
  if (!cached) {
    const { buildLoadtesterDeps } = await import('../../lib/wiring.js');
    const deps = buildLoadtesterDeps();
    cached = makeHandler({ loadtester: makeLoadtester(deps) });
  }
  return cached(event, context);
};
