/**
 * HTTP plumbing: bearer-token auth, routing of discovery, resource, watch and service-proxy paths,
 * body parsing by Content-Type, content negotiation of GET answers (media.ts), Status bodies for
 * every error, and the request log. Health endpoints (/healthz, /livez, /readyz) are the only paths
 * served without a token, and the only ones not recorded.
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
import { handleResource, PATCH_TYPES, present, type Reply, type ResourceRequest } from './handlers.js';
import type { KubeObject } from './json.js';
import type { Lifecycle } from './lifecycle.js';
import { asPartialMetadata, negotiate, partialMetadata, type Representation } from './media.js';
import { isProxyPath, serveProxy, type ProxyTargets } from './proxy.js';
import type { Registry } from './registry.js';
import type { RequestLog } from './requests.js';
import type { ResourceType } from './resources.js';
import type { Store } from './store.js';
import { asTable } from './table.js';
import { prepareWatch, serveWatch, type WatchHub, type WatchRequest } from './watch.js';

/** What the request listener needs from its sandbox. */
export interface ServerContext {
  store: Store;
  registry: Registry;
  lifecycle: Lifecycle;
  hub: WatchHub;
  targets: ProxyTargets;
  token: string;
  log: RequestLog;
}

/** A routed request answered by a stream (watch) rather than one body. */
interface Stream {
  stream(res: ServerResponse): void;
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

type Routed = Omit<ResourceRequest, 'query' | 'contentType' | 'body'> & { watch: boolean };

/** Splits `/api/v1/...` or `/apis/<g>/<v>/...` (optionally `/watch/...`) into a request, or a discovery reply. */
function routeResource(registry: Registry, segments: string[], method: string): Routed | Reply {
  const [root, ...tail] = segments;
  const group = root === 'api' ? '' : (tail.shift() ?? '');
  const version = tail.shift();
  if (root === 'apis' && version === undefined) {
    const info = groupInfo(registry, group);
    if (!info) throw noRoute(`/apis/${group}`);
    return { code: 200, body: info };
  }
  if (version === undefined) throw noRoute(`/${segments.join('/')}`);
  if (tail.length === 0) {
    const list = resourceList(registry, group, version);
    if (!list) throw noRoute(`/${segments.join('/')}`);
    return { code: 200, body: list };
  }
  const watchPath = tail[0] === 'watch';
  if (watchPath) tail.shift();
  const scoped =
    tail[0] === 'namespaces' &&
    tail.length >= 3 &&
    registry.find(group, version, tail[2] ?? '')?.namespaced === true;
  const [plural = '', name, subresource, extra] = scoped ? tail.slice(2) : tail;
  const rt = registry.find(group, version, plural);
  if (!rt || extra !== undefined || (watchPath && subresource !== undefined))
    throw noRoute(`/${segments.join('/')}`);
  const namespace = scoped ? (tail[1] ?? '') : '';
  if (watchPath) return { method, rt, namespace, name, watch: true };
  if (rt.namespaced && !namespace && (name !== undefined || !['GET'].includes(method)))
    throw methodNotAllowed(method);
  return { method, rt, namespace, name, subresource, watch: false };
}

/** Applies the negotiated representation to one presented object or list. */
function represent(rt: ResourceType, body: unknown, how: Representation, includeObject: string): unknown {
  if (how.as === 'table') return asTable(rt, body, includeObject, how.version);
  if (how.as === 'metadata') return asPartialMetadata(body, how.version);
  return body;
}

function watchStream(ctx: ServerContext, req: IncomingMessage, url: URL, routed: Routed): Stream {
  const { rt, namespace, name } = routed;
  const query = new URLSearchParams(url.searchParams);
  if (name !== undefined) {
    const byName = `metadata.name=${name}`;
    query.set(
      'fieldSelector',
      query.get('fieldSelector') ? `${query.get('fieldSelector')},${byName}` : byName,
    );
  }
  const how = negotiate(req.headers.accept, 'watch');
  const includeObject = query.get('includeObject') ?? 'Metadata';
  const render = (obj: KubeObject): unknown =>
    how.as === 'metadata'
      ? partialMetadata(present(rt, obj), how.version)
      : represent(rt, present(rt, obj), how, includeObject);
  const watch: WatchRequest = { rt, namespace, query, render, bookmarks: how.as !== 'table' };
  prepareWatch(watch);
  return { stream: (res) => serveWatch(ctx.hub, ctx.store, watch, res) };
}

async function route(
  ctx: ServerContext,
  req: IncomingMessage,
  url: URL,
  contentType: string,
): Promise<Reply | Stream> {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  const text = await readBody(req);
  if (!authorized(req.headers.authorization, ctx.token)) throw unauthorized();
  const body = parseBody(text, contentType);
  const fixed: Record<string, () => unknown> = {
    '/version': versionInfo,
    '/api': () => coreVersions(req.headers.host ?? '127.0.0.1'),
    '/apis': () => groupList(ctx.registry),
    '/openapi/v2': openApiV2,
    '/openapi/v3': () => openApiV3(ctx.registry),
  };
  const fixedReply = fixed[path];
  if (fixedReply) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return { code: 200, body: fixedReply() };
  }
  const openApiDoc = openApiV3GroupVersion(ctx.registry, path);
  if (openApiDoc) return { code: 200, body: openApiDoc };
  const segments = path.split('/').slice(1);
  if (segments[0] !== 'api' && segments[0] !== 'apis') throw noRoute(path);
  const routed = routeResource(ctx.registry, segments, method);
  if ('code' in routed) return routed;
  const watchParam = url.searchParams.get('watch');
  const isWatch =
    routed.watch || (routed.name === undefined && (watchParam === 'true' || watchParam === '1'));
  if (isWatch) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return watchStream(ctx, req, url, routed);
  }
  if (method !== 'GET') return handleResource(ctx, { ...routed, query: url.searchParams, contentType, body });
  const how = negotiate(req.headers.accept, routed.name === undefined ? 'list' : 'item');
  const reply = handleResource(ctx, { ...routed, query: url.searchParams, contentType, body });
  const includeObject = url.searchParams.get('includeObject') ?? 'Metadata';
  const kind =
    how.as === 'table'
      ? 'Table'
      : routed.name === undefined
        ? 'PartialObjectMetadataList'
        : 'PartialObjectMetadata';
  return {
    code: reply.code,
    body: represent(routed.rt, reply.body, how, includeObject),
    ...(how.as === 'object' || reply.code >= 300
      ? {}
      : { contentType: `application/json;as=${kind};g=meta.k8s.io;v=${how.version}` }),
  };
}

/** The request listener shared by the http and https servers of one sandbox. */
export function requestListener(ctx: ServerContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    const record = (status: number, kind: { proxied?: boolean; watch?: boolean } = {}) =>
      ctx.log.record({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search.slice(1),
        contentType,
        status,
        accept: req.headers.accept ?? '',
        proxied: kind.proxied ?? false,
        watch: kind.watch ?? false,
      });
    const send = (reply: Reply, kind?: { proxied?: boolean }) => {
      record(reply.code, kind);
      if (!res.headersSent)
        res.writeHead(reply.code, { 'Content-Type': reply.contentType ?? 'application/json' });
      res.end(JSON.stringify(reply.body));
    };
    const fail = (error: unknown, kind?: { proxied?: boolean }) => {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(500, 'InternalError', `internal error: ${String(error)}`);
      send({ code: apiError.code, body: statusBody(apiError) }, kind);
    };
    if (isProxyPath(url.pathname)) {
      if (!authorized(req.headers.authorization, ctx.token)) {
        req.resume();
        fail(unauthorized(), { proxied: true });
        return;
      }
      serveProxy(ctx, req, res, url).then(
        (status) => record(status, { proxied: true }),
        (error: unknown) => fail(error, { proxied: true }),
      );
      return;
    }
    route(ctx, req, url, contentType).then((outcome) => {
      if ('stream' in outcome) {
        record(200, { watch: true });
        outcome.stream(res);
      } else send(outcome);
    }, fail);
  };
}
