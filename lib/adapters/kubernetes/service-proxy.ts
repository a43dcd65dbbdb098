/**
 * In-cluster addresses from outside the cluster (ARCHITECTURE.md "In-cluster addresses from
 * Lambda"): a webhook or Prometheus URL whose host names a cluster Service is called through the
 * API server's service proxy, `/api/v1/namespaces/NS/services/[https:]SVC:PORT/proxy/…`, with the
 * function's cluster credentials. A host is in-cluster when it ends in `.svc` or
 * `.svc.cluster.local` (`svc.ns.svc[.cluster.local]`), or is a two-label `svc.ns` whose `ns` is a
 * namespace of that cluster (looked up, cached), and — when the cluster record lists namespaces —
 * only in those namespaces.
 *
 * The API server consumes the `Authorization` header, so a target that needs its own credentials
 * cannot be reached this way: such a request fails with {@link ProxyCredentialsError}, never
 * silently without them.
 */
import { InvalidError } from '../../ports/errors.js';
/** Which in-cluster addresses a cluster record lets through the service proxy. */
interface ServiceProxyPolicy {
  enabled: boolean;
  /** When set, only Services in these namespaces (the RBAC grants services/proxy only there). */
  namespaces?: readonly string[];
}

/** A Service named by a URL. */
export interface ServiceTarget {
  namespace: string;
  service: string;
  port: number;
  https: boolean;
  /** Path and query to send to the Service. */
  rest: string;
}

/** Refused: the target needs credentials the API server would strip. */
class ProxyCredentialsError extends InvalidError {
  override readonly name: string = 'ProxyCredentialsError';
  constructor(target: ServiceTarget) {
    super(
      `${target.service}.${target.namespace} is an in-cluster address reached through the Kubernetes API server's service proxy, ` +
        'which consumes the Authorization header, so this target cannot get its credentials that way; ' +
        'give the functions network access to it (deploy with the vpc parameters, docs/deploy.md "Private clusters") and use an address routable from there, or call it without credentials',
    );
  }
}

/** Refused: a namespace outside the cluster record's `serviceProxy.namespaces`. */
class ProxyNamespaceError extends InvalidError {
  override readonly name: string = 'ProxyNamespaceError';
  constructor(target: ServiceTarget, allowed: readonly string[]) {
    super(
      `${target.service}.${target.namespace} is an in-cluster address, but namespace "${target.namespace}" is not in the cluster record's serviceProxy.namespaces (${allowed.join(', ') || 'none'})`,
    );
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The Service `url` names, or undefined when it is not an in-cluster address. `isNamespace`
 * answers for two-label hosts (`svc.ns`) only.
 */
export async function serviceTarget(
  url: URL,
  isNamespace: (ns: string) => Promise<boolean>,
): Promise<ServiceTarget | undefined> {
  const labels = url.hostname.toLowerCase().split('.');
  let names: string[] | undefined;
  if (labels.length === 5 && labels.slice(2).join('.') === 'svc.cluster.local') names = labels.slice(0, 2);
  else if (labels.length === 3 && labels[2] === 'svc') names = labels.slice(0, 2);
  else if (labels.length === 2 && labels.every((l) => DNS_LABEL.test(l)) && (await isNamespace(labels[1])))
    names = labels;
  if (!names || !names.every((l) => DNS_LABEL.test(l))) return undefined;
  const https = url.protocol === 'https:';
  return {
    service: names[0],
    namespace: names[1],
    port: url.port ? Number(url.port) : https ? 443 : 80,
    https,
    rest: `${url.pathname}${url.search}`,
  };
}

/** The API server path that proxies to `t`. */
export function proxyPath(t: ServiceTarget): string {
  const rest = t.rest.startsWith('/') ? t.rest : `/${t.rest}`;
  return `/api/v1/namespaces/${t.namespace}/services/${t.https ? 'https:' : ''}${t.service}:${t.port}/proxy${rest}`;
}

/** What the cluster fetch needs of one cluster. */
export interface ProxyConnection {
  policy: ServiceProxyPolicy;
  /** The cluster's namespaces (cached by the caller). */
  namespaces(signal: AbortSignal): Promise<ReadonlySet<string>>;
  /** One raw request to the API server (raw.ts). */
  send(req: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: string;
    signal: AbortSignal;
  }): Promise<Response>;
}

/**
 * A `fetch` for one cluster: in-cluster addresses go through the service proxy, everything else
 * is fetched directly. Only string bodies and plain-object headers are supported (what our HTTP
 * adapters send).
 */
export function clusterFetch(conn: ProxyConnection, direct: typeof fetch = fetch): typeof fetch {
  const send = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (!conn.policy.enabled) return direct(input, init);
    const signal = init.signal ?? new AbortController().signal;
    // A listed namespace needs no lookup; with a list, a failed lookup (no RBAC to list
    // namespaces) means "not a namespace" rather than an error.
    const listed = conn.policy.namespaces;
    const isNamespace = async (ns: string): Promise<boolean> => {
      if (listed?.includes(ns)) return true;
      try {
        return (await conn.namespaces(signal)).has(ns);
      } catch (e) {
        if (listed) return false;
        throw e;
      }
    };
    const target = await serviceTarget(url, isNamespace);
    if (!target) return direct(input, init);
    const allowed = conn.policy.namespaces;
    if (allowed && !allowed.includes(target.namespace)) throw new ProxyNamespaceError(target, allowed);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    if (headers.authorization || url.username || url.password) throw new ProxyCredentialsError(target);
    return conn.send({
      method: init.method ?? 'GET',
      path: proxyPath(target),
      headers,
      body: typeof init.body === 'string' ? init.body : undefined,
      signal,
    });
  };
  return send;
}
