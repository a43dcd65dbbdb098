/**
 * What one step's Kubernetes requests read and wrote, object by object, as stamps (what an idle
 * canary saw, lib/domain/sweep). {@link withLedger} wraps a cluster's clients: every call made
 * through `call` is observed on the wire — its method and URL by a client-node middleware, its
 * answer (the object, or a 404) as the API returned it — and fed to the domain's trail rule. It
 * costs no request: the stamps come from the answers the step gets anyway.
 *
 * Calls on collections (LIST), subresources (`/status`, `/scale`) and anything that is not an
 * object URL are not recorded.
 */
import { Observable, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';
import { refOf, stampOf, type ObjectId, type Stamps } from '../../domain/sweep/seen.js';
import { follow, type Touch, type Trail } from '../../domain/sweep/trail.js';
import type { ClusterClients } from './client.js';
import { NotFoundError } from './errors.js';

/** One request as the middleware saw it. */
interface Sent {
  method?: string;
  url?: string;
}

/** The trails of one step's objects, and whether the step wrote anything. */
export class ObjectLedger {
  private readonly trails = new Map<string, Trail>();
  /**
   * Whether a write was answered with success: to any object or subresource but Kubernetes Events,
   * which are notifications (a repeated one is counted by the API server, not a change).
   */
  wrote = false;

  /** Records the answer of one request: the returned object, or `notFound`. */
  note(sent: Sent, answer: { body: unknown } | 'notFound'): void {
    const target = sent.url === undefined ? undefined : objectOf(sent.url);
    const write = answer !== 'notFound' && WRITES.has(sent.method?.toUpperCase() ?? '');
    if (write && target?.resource !== 'events') this.wrote = true;
    if (!target || sent.method === undefined) return;
    const body = answer === 'notFound' ? undefined : (answer.body as { metadata?: Metadata } | undefined);
    const name = target.name ?? body?.metadata?.name;
    if (!name) return;
    const touch = touchOf(sent.method, answer === 'notFound' ? undefined : body?.metadata);
    if (!touch) return;
    const ref = refOf({ ...target, name });
    this.trails.set(ref, follow(this.trails.get(ref), touch));
  }

  /** Reference → the stamp each object was left at. */
  stamps(): Stamps {
    return Object.fromEntries([...this.trails].map(([ref, t]) => [ref, t.stamp]));
  }
}

const WRITES: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Metadata {
  name?: string;
  generation?: number;
  resourceVersion?: string;
}

function touchOf(method: string, meta: Metadata | undefined): Touch | undefined {
  switch (method.toUpperCase()) {
    case 'GET':
      return meta ? { kind: 'read', stamp: stampOf(meta) } : { kind: 'missing' };
    case 'DELETE':
      return { kind: 'deleted' };
    case 'POST':
    case 'PUT':
    case 'PATCH':
      return meta ? { kind: 'wrote', stamp: stampOf(meta) } : undefined;
    default:
      return undefined;
  }
}

const OBJECT_PATH =
  /\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;

/** The object (or, for a create, the collection) a URL names; undefined for anything else. */
function objectOf(url: string): (Omit<ObjectId, 'name'> & { name?: string }) | undefined {
  const path = new URL(url).pathname;
  const m = OBJECT_PATH.exec(path);
  if (!m) return undefined;
  const [, core, group, namespace, resource, name, subresource] = m;
  if (subresource !== undefined) return undefined;
  return {
    apiVersion: core ?? group,
    resource: decodeURIComponent(resource),
    namespace: namespace === undefined ? '' : decodeURIComponent(namespace),
    name: name === undefined ? undefined : decodeURIComponent(name),
  };
}

/** `clients` whose `call`s are recorded in `ledger`; everything else is passed through. */
export function withLedger(clients: ClusterClients, ledger: ObjectLedger): ClusterClients {
  return {
    ...clients,
    call: async (what, signal, fn, contentType) => {
      const sent: Sent = {};
      try {
        const body = await clients.call(what, signal, (o) => fn(observed(o, sent)), contentType);
        ledger.note(sent, { body });
        return body;
      } catch (e) {
        if (e instanceof NotFoundError) ledger.note(sent, 'notFound');
        throw e;
      }
    },
  };
}

/** `options` plus a middleware that notes the request's method and URL in `sent`. */
function observed(options: ConfigurationOptions, sent: Sent): ConfigurationOptions {
  const note: ObservableMiddleware = {
    pre: (ctx) => {
      sent.method = ctx.getHttpMethod();
      sent.url = ctx.getUrl();
      return new Observable(Promise.resolve(ctx));
    },
    post: (rsp) => new Observable(Promise.resolve(rsp)),
  };
  return { ...options, middleware: [...(options.middleware ?? []), note] };
}
