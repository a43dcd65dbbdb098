/**
 * The service proxy, `/api/v1/namespaces/NS/services/[SCHEME:]SVC[:PORT]/proxy[/PATH]`, as
 * kube-apiserver serves it, with loopback servers standing in for the Service's endpoints:
 * - the Service must exist (404 NotFound Status otherwise); PORT is a port number (503
 *   "no service port N found for service …" when the Service has no such port) or a port name
 *   ('' = the unnamed port; 503 "no endpoints available for service …" when none matches);
 * - the endpoint is the URL registered with {@link ProxyTargets} for (namespace, service, port) or
 *   for the whole Service, else the Service's `sandbox.flagger.app/proxy-to` annotation; with
 *   neither, 503 "no endpoints available for service …";
 * - the request is forwarded with its method, PATH (after the target URL's own path), raw query,
 *   headers and streamed body; `Authorization` is consumed (the caller must carry the sandbox's
 *   bearer token, 401 otherwise) and hop-by-hop headers dropped; `X-Forwarded-For` is added;
 * - SCHEME `https` calls the endpoint over TLS without verifying its certificate (as the API server
 *   does), `http` or none over plain http — the registered URL's scheme is ignored;
 * - the answer (status, headers, body) streams back unchanged; an unreachable endpoint is 503
 *   "error trying to reach service: …"; `…/proxy` without a trailing path is 301-redirected to
 *   `…/proxy/`.
 * Not reproduced: HTML link rewriting, protocol upgrades (websockets), pod and node proxies.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiError, badRequest, notFound, serviceUnavailable, statusBody } from './errors.js';
import { getPath, type KubeObject } from './json.js';
import { findResource } from './resources.js';
import type { Store } from './store.js';

/** Annotation on a Service: the base URL its proxy forwards to (every port). */
export const PROXY_TO = 'sandbox.flagger.app/proxy-to';

const SERVICES = findResource('', 'v1', 'services')!;
const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/;
const HOP_BY_HOP = new Set([
  'authorization',
  'connection',
  'host',
  'keep-alive',
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Which Service (and optionally which of its ports, by number or name) a target stands in for. */
export interface ProxyTargetKey {
  namespace: string;
  service: string;
  /** A Service port number or name; omitted = every port of the Service. */
  port?: number | string;
}

/** In-process registry of proxy endpoints: base URLs like `http://127.0.0.1:1234`. */
export class ProxyTargets {
  private readonly targets = new Map<string, string>();

  private static key({ namespace, service, port }: ProxyTargetKey): string {
    return `${namespace}/${service}/${port ?? '*'}`;
  }

  /** Registers (or replaces) the endpoint for a Service or one of its ports. */
  set(key: ProxyTargetKey, url: string): void {
    new URL(url); // throws on a malformed URL
    this.targets.set(ProxyTargets.key(key), url);
  }

  /** Forgets one registration; false when there was none. */
  delete(key: ProxyTargetKey): boolean {
    return this.targets.delete(ProxyTargets.key(key));
  }

  /** Forgets every registration. */
  clear(): void {
    this.targets.clear();
  }

  /** The endpoint for a resolved Service port: by number, then by name, then for the whole Service. */
  lookup(namespace: string, service: string, port: { port?: number; name?: string }): string | undefined {
    const at = (p: number | string | undefined) =>
      this.targets.get(ProxyTargets.key({ namespace, service, port: p }));
    return at(port.port) ?? (port.name ? at(port.name) : undefined) ?? at(undefined);
  }
}

/** True for service proxy paths. */
export function isProxyPath(pathname: string): boolean {
  return PATH.test(pathname);
}

interface ServicePort {
  port?: number;
  name?: string;
}

/** Resolves the endpoint URL for a proxy request (throws the ApiError kube-apiserver would answer). */
function resolve(store: Store, targets: ProxyTargets, namespace: string, id: string): URL {
  const parts = decodeURIComponent(id).split(':');
  const [scheme, name, portStr] =
    parts.length === 1 ? ['', parts[0], ''] : parts.length === 2 ? ['', parts[0], parts[1]] : parts;
  if (parts.length > 3 || !name || !['', 'http', 'https'].includes(scheme ?? ''))
    throw badRequest(`invalid service request "${id}"`);
  const svc: KubeObject | undefined = store.get(SERVICES, namespace, name);
  if (!svc) throw notFound(SERVICES, name);
  const ports = (getPath(svc, 'spec.ports') as ServicePort[] | undefined) ?? [];
  let port: ServicePort | undefined;
  if (/^\d+$/.test(portStr ?? '')) {
    port = ports.find((p) => p.port === Number(portStr));
    if (!port) throw serviceUnavailable(`no service port ${portStr} found for service "${name}"`);
  } else {
    port = ports.find((p) => (p.name ?? '') === (portStr ?? ''));
    if (!port) throw serviceUnavailable(`no endpoints available for service "${id}"`);
  }
  const base = targets.lookup(namespace, name, port) ?? svc.metadata.annotations?.[PROXY_TO];
  if (!base) throw serviceUnavailable(`no endpoints available for service "${name}"`);
  const url = new URL(base);
  url.protocol = scheme === 'https' ? 'https:' : 'http:';
  return url;
}

/** What the proxy needs from its sandbox. */
export interface ProxyContext {
  store: Store;
  targets: ProxyTargets;
}

/** Serves one (authorized) proxy request; resolves with the status answered once the response ends. */
export function serveProxy(
  ctx: ProxyContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<number> {
  const [, namespace = '', id = '', rest] = PATH.exec(url.pathname) ?? [];
  const fail = (error: unknown): number => {
    const apiError =
      error instanceof ApiError
        ? error
        : serviceUnavailable(`error trying to reach service: ${String(error)}`);
    if (!res.headersSent) res.writeHead(apiError.code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(statusBody(apiError)));
    return apiError.code;
  };
  let target: URL;
  try {
    target = resolve(ctx.store, ctx.targets, namespace, id);
  } catch (error) {
    req.resume();
    return Promise.resolve(fail(error));
  }
  if (rest === undefined) {
    req.resume();
    res.writeHead(301, { Location: `${url.pathname}/${url.search}` }).end();
    return Promise.resolve(301);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  headers['x-forwarded-for'] = forwarded;
  const path = `${target.pathname.replace(/\/$/, '')}${rest}${url.search}`;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((done) => {
    const upstream = send(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path,
        headers,
        rejectUnauthorized: false,
      },
      (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers))
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        answer.on('end', () => done(answer.statusCode ?? 502));
        answer.on('error', () => done(answer.statusCode ?? 502));
      },
    );
    upstream.on('error', (error) => {
      req.resume();
      done(fail(error.message));
    });
    res.on('close', () => {
      upstream.destroy();
      done(res.statusCode);
    });
    req.pipe(upstream);
  });
}
