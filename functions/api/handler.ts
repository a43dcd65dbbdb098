/**
 * The HTTP API behind API Gateway (HTTP API, payload v2). Thin: normalise the request, route it,
 * map errors — 4xx carry field paths, anything unexpected is a 500 without internals.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { SignInError, ValidationError } from '../../lib/app/errors.js';
import {
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  UnavailableError,
} from '../../lib/ports/errors.js';
import type { Logger } from '../../lib/ports/logger.js';
import { bodyOf, callerOf, HttpError, json } from './http.js';
import { route, type ApiDeps } from './routes.js';
import { isUiPath, serveUi, type UiDeps } from './ui.js';

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context?: unknown,
  opts?: { signal?: AbortSignal },
) => Promise<APIGatewayProxyResultV2>;

export function makeHandler(deps: ApiDeps & UiDeps & { logger: Logger }): ApiHandler {
  return async (event, _context, opts) => {
    const signal = opts?.signal ?? AbortSignal.timeout(25_000);
    try {
      const req = {
        method: event.requestContext.http.method.toUpperCase(),
        path: event.rawPath.replace(/\/+$/, '') || '/',
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        body: bodyOf(event, deps.maxBodyBytes),
        caller: callerOf(event),
        signal,
      };
      if (isUiPath(event.rawPath)) return await serveUi(deps, event, req, (r) => route(deps, r));
      const r = await route(deps, req);
      if (r.body === undefined) return { statusCode: r.status, headers: r.headers };
      return json(r.status, r.body);
    } catch (e) {
      return errorResponse(e, deps.logger);
    }
  };
}

/**
 * Exposed errors keep their message; others are logged and hidden. Every 4xx carries at least one
 * `errors[]` entry: the field paths when the error names fields, else `''` (the whole request).
 */
export function errorResponse(e: unknown, logger: Logger): APIGatewayProxyResultV2 {
  if (e instanceof HttpError) return clientError(e.status, e.message, e.errors);
  if (e instanceof ValidationError) return clientError(400, e.message, e.errors);
  if (e instanceof SignInError) return clientError(401, e.message);
  if (e instanceof InvalidError) return clientError(400, e.message);
  if (e instanceof ForbiddenError) return clientError(403, e.message);
  if (e instanceof NotFoundError) return clientError(404, e.message);
  if (e instanceof ConflictError) return clientError(409, e.message);
  if (e instanceof UnavailableError) {
    logger.warn('API dependency unavailable', { error: e.message });
    return json(503, { message: e.message, errors: [] });
  }
  logger.error('unhandled API error', { error: (e as Error)?.message, stack: (e as Error)?.stack });
  return json(500, { message: 'internal error; see the function logs', errors: [] });
}

function clientError(
  status: number,
  message: string,
  errors?: readonly { path: string; message: string }[],
): APIGatewayProxyResultV2 {
  return json(status, { message, errors: errors?.length ? errors : [{ path: '', message }] });
}

let cached: ApiHandler | undefined;

/** The Lambda entry point; the dependencies are built once per container, on first use. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(httpHeaderNormalizer())
  .handler(async (event, context, opts) => {
    const { buildApiDeps } = await import('../../lib/wiring.js');
    cached ??= makeHandler(buildApiDeps());
    return cached(event, context, opts);
  });
