/**
 * The read cache of one step (docs/architecture.md#requests-per-step): each object is read from the
 * API server at most once per step, whichever adapter asks for it. It sits under client-node, as
 * the `httpApi` of every call a step makes, so the workloads, scaler, event recorder and every
 * router share it without knowing:
 *
 * - a GET of one object (no query string) is sent once; later GETs of that path replay the answer —
 *   200 or 404 (absent) — and concurrent GETs share the one in flight. Other answers are not kept.
 * - the object a POST, PUT or PATCH answers with replaces the kept one (a create ends "absent");
 *   a DELETE, a failed write or a write to a subresource forgets it, so the next GET reads it.
 * - a LIST (a GET with a query, e.g. a label selector) is always sent, and keeps each item it
 *   returns as if it had been read by name: one request stands for several GETs.
 *
 * A cache lives exactly as long as the {@link ClusterClients} {@link withReadCache} returns, which
 * the cluster access builds for one step and one canary: nothing is ever served across steps.
 */
import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  ResponseContext,
  wrapHttpLibrary,
  type HttpLibrary,
  type RequestContext,
} from '@kubernetes/client-node';
import type { ClusterClients } from './client.js';

/** An answer kept as text, so that it can be replayed (and deserialised afresh) any number of times. */
interface Kept {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Named {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  items?: Named[];
}

/** `clients` whose every call goes through one new read cache: the clients of one step. */
export function withReadCache(clients: ClusterClients): ClusterClients {
  const httpApi = wrapHttpLibrary(new ReadCache());
  return {
    ...clients,
    call: (what, signal, fn, contentType) =>
      clients.call(what, signal, (options) => fn({ ...options, httpApi }), contentType),
  };
}

/** client-node's HTTP library with the rules of the module comment in front of it. */
class ReadCache {
  private readonly kept = new Map<string, Promise<Kept>>();

  constructor(private readonly http: HttpLibrary = new IsomorphicFetchHttpLibrary()) {}

  async send(req: RequestContext): Promise<ResponseContext> {
    const url = new URL(req.getUrl());
    const path = url.pathname;
    if (req.getHttpMethod() !== HttpMethod.GET) return replay(await this.write(path, req));
    if (url.search !== '') return replay(this.prime(path, await this.fetch(req)));
    return replay(await this.read(path, req));
  }

  private read(path: string, req: RequestContext): Promise<Kept> {
    const hit = this.kept.get(path);
    if (hit) return hit;
    const answer = this.fetch(req).then((k) => (k.status === 200 ? this.prime(path, k) : k));
    this.kept.set(path, answer);
    const drop = () => this.kept.get(path) === answer && this.kept.delete(path);
    answer.then((k) => k.status !== 200 && k.status !== 404 && drop(), drop);
    return answer;
  }

  private async write(path: string, req: RequestContext): Promise<Kept> {
    const post = req.getHttpMethod() === HttpMethod.POST;
    const named = post ? parse(req.getBody())?.metadata?.name : undefined;
    this.forget(post && named !== undefined ? `${path}/${named}` : path);
    const answer = await this.fetch(req);
    const written = answer.status < 300 && req.getHttpMethod() !== HttpMethod.DELETE;
    const name = written ? parse(answer.body)?.metadata?.name : undefined;
    if (name === undefined) return answer;
    const at = post ? `${path}/${name}` : path;
    if (at.endsWith(`/${name}`)) this.kept.set(at, Promise.resolve({ ...answer, status: 200 }));
    else this.forget(objectPath(at, name));
    return answer;
  }

  /** Keeps every item of a List answer under its own path; other answers pass through. */
  private prime(path: string, k: Kept): Kept {
    const list = k.status === 200 ? parse(k.body) : undefined;
    if (!list?.kind?.endsWith('List') || !Array.isArray(list.items)) return k;
    const kind = list.kind.slice(0, -'List'.length);
    for (const item of list.items) {
      const { name, namespace } = item.metadata ?? {};
      if (name === undefined || (namespace !== undefined && !path.includes(`/namespaces/${namespace}/`)))
        continue;
      const body = JSON.stringify({ apiVersion: list.apiVersion, kind, ...item });
      this.kept.set(`${path}/${name}`, Promise.resolve({ status: 200, headers: k.headers, body }));
    }
    return k;
  }

  /** Forgets `path` and everything under it. */
  private forget(path: string): void {
    for (const key of [...this.kept.keys()])
      if (key === path || key.startsWith(`${path}/`)) this.kept.delete(key);
  }

  private async fetch(req: RequestContext): Promise<Kept> {
    const res = await this.http.send(req).toPromise();
    return { status: res.httpStatusCode, headers: res.headers, body: await res.body.text() };
  }
}

/** A fresh response for one caller. */
function replay(k: Kept): ResponseContext {
  return new ResponseContext(
    k.status,
    { ...k.headers },
    {
      text: () => Promise.resolve(k.body),
      binary: () => Promise.resolve(Buffer.from(k.body)),
    },
  );
}

function parse(text: unknown): Named | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The object a subresource answer is about: `…/name/status` → `…/name` (`/` when unknown: all). */
function objectPath(path: string, name: string): string {
  const at = path.lastIndexOf(`/${name}/`);
  return at < 0 ? '' : path.slice(0, at + name.length + 1);
}
