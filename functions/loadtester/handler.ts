/**
 * The load tester behind API Gateway (HTTP API, payload v2): a thin adapter from the event to
 * {@link makeLoadtester}. Gate state goes through the injected `GateStore`; the exported `handler`
 * wires an in-process memory store until the DynamoDB store is wired (gates are then per instance,
 * as in Flagger's own in-memory load tester). Background `cmd` load only progresses while an
 * invocation runs, so in Lambda use it for gates and `type: request` checks; host `cmd` load on the
 * local-mode server (`startLoadtesterServer`).
 */
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { makeLoadtester, MemoryGateStore, type Loadtester } from '../../lib/loadtester/index.js';

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
      const res = await deps.loadtester({ method, path: pathOf(event), body: bodyOf(event) }, signal);
      return { statusCode: res.status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: res.body };
    });
}

/** `rawPath` without the stage prefix API Gateway adds for named stages. */
function pathOf(event: LoadtesterEvent): string {
  const { stage } = event.requestContext;
  const prefix = `/${stage}`;
  if (stage && stage !== '$default' && (event.rawPath === prefix || event.rawPath.startsWith(`${prefix}/`))) {
    return event.rawPath.slice(prefix.length) || '/';
  }
  return event.rawPath || '/';
}

/** The body as the parser left it; undecoded base64 text (non-JSON content types) is decoded here. */
function bodyOf(event: LoadtesterEvent): unknown {
  if (typeof event.body === 'string' && event.isBase64Encoded) return Buffer.from(event.body, 'base64').toString('utf8');
  return event.body;
}

/** The Lambda entry point (memory gate store for now; see the module comment). */
export const handler = makeHandler({ loadtester: makeLoadtester({ gates: new MemoryGateStore() }) });
