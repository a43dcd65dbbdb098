/**
 * HTTP plumbing: bearer-token auth, routing of discovery and resource paths, body parsing by
 * Content-Type, Status bodies for every error, and a record of every request for tests.
 * Health endpoints (/healthz, /livez, /readyz) are the only paths served without a token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import {
  coreVersions,
  groupInfo,
  groupList,
  openApiV2,
  openApiV3,
  openApiV3GroupVersion,
  resourceList,
  versionInfo,
} from './discovery.js';
import {
  ApiError,
  badRequest,
  methodNotAllowed,
  noRoute,
  statusBody,
  unauthorized,
  unsupportedMediaType,
} from './errors.js';
import { handleResource, PATCH_TYPES, type Reply, type ResourceRequest } from './handlers.js';
import { findResource } from './resources.js';
import type { Store } from './store.js';
import { asTable, wantsTable } from './table.js';

/** One request as the sandbox saw it; tests count writes with these. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The raw query string without `?`, '' when absent. */
  query: string;
  /** Media type of the request body without parameters, '' when absent. */
  contentType: string;
  status: number;
}

/** What the request listener needs from its sandbox. */
export interface ServerContext {
  store: Store;
  token: string;
  record(request: RecordedRequest): void;
}

const MAX_BODY = 16 * 1024 * 1024;
const YAML_TYPES = new Set([PATCH_TYPES.apply, 'application/yaml']);
const BODY_TYPES = new Set<string>(['application/json', 'application/yaml', ...Object.values(PATCH_TYPES)]);

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, contentType: string): unknown {
  if (text.trim() === '') return undefined;
  if (!BODY_TYPES.has(contentType)) throw unsupportedMediaType(contentType, [...BODY_TYPES]);
  try {
    return YAML_TYPES.has(contentType) ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    throw badRequest(`error decoding request body: ${(error as Error).message}`);
  }
}

/** Splits `/api/v1/...` or `/apis/<g>/<v>/...` into a ResourceRequest (without body), or a discovery reply. */
function routeResource(
  segments: string[],
  method: string,
): Omit<ResourceRequest, 'query' | 'contentType' | 'body'> | Reply {
  const [root, ...tail] = segments;
  const group = root === 'api' ? '' : (tail.shift() ?? '');
  const version = tail.shift();
  if (root === 'apis' && version === undefined) {
    const info = groupInfo(group);
    if (!info) throw noRoute(`/apis/${group}`);
    return { code: 200, body: info };
  }
  if (version === undefined) throw noRoute(`/${segments.join('/')}`);
  if (tail.length === 0) {
    const list = resourceList(group, version);
    if (!list) throw noRoute(`/${segments.join('/')}`);
    return { code: 200, body: list };
  }
  const scoped =
    tail[0] === 'namespaces' &&
    tail.length >= 3 &&
    findResource(group, version, tail[2] ?? '')?.namespaced === true;
  const [plural = '', name, subresource, extra] = scoped ? tail.slice(2) : tail;
  const rt = findResource(group, version, plural);
  if (!rt || extra !== undefined) throw noRoute(`/${segments.join('/')}`);
  const namespace = scoped ? (tail[1] ?? '') : '';
  if (rt.namespaced && !namespace && (name !== undefined || method !== 'GET')) throw methodNotAllowed(method);
  return { method, rt, namespace, name, subresource };
}

async function route(
  ctx: ServerContext,
  req: IncomingMessage,
  url: URL,
  contentType: string,
): Promise<Reply> {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  const text = await readBody(req);
  if (!authorized(req.headers.authorization, ctx.token)) throw unauthorized();
  const body = parseBody(text, contentType);
  const fixed: Record<string, () => unknown> = {
    '/version': versionInfo,
    '/api': () => coreVersions(req.headers.host ?? '127.0.0.1'),
    '/apis': groupList,
    '/openapi/v2': openApiV2,
    '/openapi/v3': openApiV3,
  };
  const fixedReply = fixed[path];
  if (fixedReply) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return { code: 200, body: fixedReply() };
  }
  const openApiDoc = openApiV3GroupVersion(path);
  if (openApiDoc) return { code: 200, body: openApiDoc };
  const segments = path.split('/').slice(1);
  if (segments[0] !== 'api' && segments[0] !== 'apis') throw noRoute(path);
  const routed = routeResource(segments, method);
  if ('code' in routed) return routed;
  const reply = handleResource(ctx.store, { ...routed, query: url.searchParams, contentType, body });
  return method === 'GET' && wantsTable(req.headers.accept)
    ? {
        code: reply.code,
        body: asTable(routed.rt, reply.body, url.searchParams.get('includeObject') ?? 'Metadata'),
      }
    : reply;
}

/** The request listener shared by the http and https servers of one sandbox. */
export function requestListener(ctx: ServerContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const send = (reply: Reply) => {
      ctx.record({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search.slice(1),
        contentType,
        status: reply.code,
      });
      if (!res.headersSent) res.writeHead(reply.code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    };
    if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    route(ctx, req, url, contentType).then(send, (error: unknown) => {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(500, 'InternalError', `internal error: ${String(error)}`);
      send({ code: apiError.code, body: statusBody(apiError) });
    });
  };
}
