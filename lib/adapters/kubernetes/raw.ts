/**
 * One raw HTTP request to a cluster's API server with the cluster's credentials (its CA, client
 * certificate or bearer token, a fresh EKS token per request), answered as a WHATWG `Response`.
 * The service proxy (service-proxy.ts) uses it: client-node's generated proxy methods cannot send
 * a body or read a status, and the proxied answer must reach webhooks and Prometheus clients as
 * if they had fetched it themselves.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { TokenSource } from './request.js';

/** A request relative to the API server (`/api/v1/…`). */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** Sends `req` to the current cluster of `kc`; resolves when the response headers arrived. */
export async function rawRequest(
  kc: KubeConfig,
  token: TokenSource | undefined,
  req: RawRequest,
): Promise<Response> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const base = new URL(cluster.server);
  const opts: RequestOptions & { headers: Record<string, string> } = {
    method: req.method,
    protocol: base.protocol,
    hostname: base.hostname,
    port: base.port || undefined,
    path: `${base.pathname.replace(/\/$/, '')}${req.path}`,
    headers: { ...req.headers },
  };
  await kc.applyToHTTPSOptions(opts);
  if (token) opts.headers.Authorization = `Bearer ${await token()}`;
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const r = send({ ...opts, signal: req.signal }, (res) => resolve(toResponse(res)));
    r.on('error', reject);
    r.end(req.body);
  });
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const value of Array.isArray(v) ? v : [v]) headers.append(k, value);
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      res.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
      res.on('end', () => controller.close());
      res.on('error', (e) => controller.error(e));
    },
    cancel() {
      res.destroy();
    },
  });
  const status = res.statusCode ?? 502;
  return new Response(status === 204 || status === 304 ? null : body, { status, headers });
}
