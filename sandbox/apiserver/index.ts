/**
 * The sandbox Kubernetes API server: a stand-in cluster for tests and the demo.
 *
 * `startSandbox()` starts one independent cluster (own store, ports, token and certificate); many
 * can run in one process. It serves https (self-signed, for kubectl and client-node with caData) and
 * always also plain http on a second port (client-node with skipTLSVerify). The contracts live in
 * the module comments: store.ts (write semantics), handlers.ts (verbs and patches), deployments.ts
 * (rollout simulation), discovery.ts, table.ts.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateCertificate } from './certs.js';
import { DeploymentSimulator } from './deployments.js';
import type { KubeObject } from './json.js';
import {
  buildKubeconfig,
  kubeconfigYaml,
  writeKubeconfigFile,
  type KubeconfigDocument,
} from './kubeconfig.js';
import { NAMESPACES, resourceForKind, type ResourceType } from './resources.js';
import { requestListener, type RecordedRequest } from './server.js';
import { Store } from './store.js';

export { DEADLINE_EXCEEDED, NEVER_READY, POD_OWNER } from './deployments.js';
export type { KubeObject, ObjectMeta } from './json.js';
export type { KubeconfigDocument } from './kubeconfig.js';
export { RESOURCES, type ResourceType } from './resources.js';
export type { RecordedRequest } from './server.js';

/** Options of startSandbox; every field is optional. */
export interface SandboxOptions {
  /** Cluster/context/user name in kubeconfigs. Default 'sandbox'. */
  name?: string;
  /** Port of the main listener (https, or http when `https: false`). Default 0 (ephemeral). */
  port?: number;
  /** Port of the extra plain-http listener when https is on. Default 0. */
  httpPort?: number;
  /** Serve https with a fresh self-signed certificate. Default true. */
  https?: boolean;
  /** Interface to bind. Default '127.0.0.1'. */
  host?: string;
  /** Bearer token every request must carry. Default: random. */
  token?: string;
  /** Time from a Deployment spec change until it reports ready; 0 = same write. Default 200. */
  rolloutDelayMs?: number;
  /** Create missing namespaces on namespaced creates instead of answering 404. Default false. */
  autoCreateNamespaces?: boolean;
  /** Namespaces created at start. Default ['default']. */
  namespaces?: string[];
}

/** Direct store access for tests: bypasses HTTP, auth and the Deployment simulator. */
export interface SandboxStore {
  /** One object by apiVersion/kind (namespace ignored for cluster-scoped kinds), or undefined. */
  get(apiVersion: string, kind: string, namespace: string, name: string): KubeObject | undefined;
  /** All objects of a kind, optionally in one namespace. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Upsert keeping the given status (namespace defaults to 'default' and is created if missing). */
  put(obj: KubeObject & { apiVersion: string; kind: string }): KubeObject;
  /** Deletes one object; false when it did not exist. */
  delete(apiVersion: string, kind: string, namespace: string, name: string): boolean;
  /** The latest resourceVersion. */
  resourceVersion(): string;
}

/** A running sandbox cluster. */
export interface Sandbox {
  readonly name: string;
  /** Main URL: https://127.0.0.1:<port>, or http:// when started with `https: false`. */
  readonly url: string;
  /** Plain-http URL (same store); equals `url` when https is off. */
  readonly httpUrl: string;
  readonly token: string;
  /** Base64 of the PEM certificate (the CA to trust); undefined when https is off. */
  readonly caData: string | undefined;
  readonly store: SandboxStore;
  /** Every request served so far (health checks excluded), oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Number of recorded requests matching `filter` (all when omitted). */
  requestCount(filter?: (r: RecordedRequest) => boolean): number;
  /** Recorded requests that were not GETs (creates, updates, patches, deletes). */
  writes(): RecordedRequest[];
  /** Forgets recorded requests. */
  clearRequests(): void;
  /** Kubeconfig for the main URL, or the http URL with `{ http: true }`. */
  kubeconfig(options?: { http?: boolean; namespace?: string }): KubeconfigDocument;
  /** The same kubeconfig as YAML. */
  kubeconfigYaml(options?: { http?: boolean; namespace?: string }): string;
  /** Writes the kubeconfig YAML to `path` (parent directories created, mode 0600). */
  writeKubeconfig(path: string, options?: { http?: boolean; namespace?: string }): Promise<void>;
  /** Stops listening, drops connections and pending rollout timers. Idempotent. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function directStore(store: Store): SandboxStore {
  const rtFor = (apiVersion: string, kind: string): ResourceType => {
    const rt = resourceForKind(apiVersion, kind);
    if (!rt) throw new Error(`sandbox does not serve ${apiVersion} ${kind}`);
    return rt;
  };
  return {
    get: (apiVersion, kind, namespace, name) => store.get(rtFor(apiVersion, kind), namespace, name),
    list: (apiVersion, kind, namespace) => store.list(rtFor(apiVersion, kind), namespace),
    put: (obj) => store.put(rtFor(obj.apiVersion, obj.kind), obj),
    delete: (apiVersion, kind, namespace, name) => {
      const rt = rtFor(apiVersion, kind);
      if (!store.get(rt, namespace, name)) return false;
      store.remove(rt, namespace, name);
      return true;
    },
    resourceVersion: () => store.resourceVersion(),
  };
}

/** Starts one sandbox cluster; resolves once it is listening. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const name = options.name ?? 'sandbox';
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const useHttps = options.https ?? true;
  const store = new Store({ autoCreateNamespaces: options.autoCreateNamespaces ?? false });
  const simulator = new DeploymentSimulator(store, options.rolloutDelayMs ?? 200);
  store.hooks = simulator.hooks();
  for (const ns of options.namespaces ?? ['default'])
    store.create(NAMESPACES, '', { metadata: { name: ns } });

  const recorded: RecordedRequest[] = [];
  const listener = requestListener({ store, token, record: (r) => recorded.push(r) });
  const httpServer = createHttpServer(listener);
  const servers: Server[] = [httpServer];
  let caData: string | undefined;
  let url: string;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  if (useHttps) {
    const { cert, key } = await generateCertificate();
    caData = Buffer.from(cert).toString('base64');
    const httpsServer = createHttpsServer({ cert, key }, listener);
    servers.push(httpsServer);
    url = `https://${urlHost}:${await listen(httpsServer, options.port ?? 0, host)}`;
  }
  const httpUrl = `http://${urlHost}:${await listen(httpServer, (useHttps ? options.httpPort : options.port) ?? 0, host)}`;
  url ??= httpUrl;

  let closed: Promise<void> | undefined;
  const kubeconfig = (o: { http?: boolean; namespace?: string } = {}) =>
    buildKubeconfig({
      name,
      token,
      server: o.http ? httpUrl : url,
      caData: o.http ? undefined : caData,
      namespace: o.namespace,
    });
  return {
    name,
    url,
    httpUrl,
    token,
    caData,
    store: directStore(store),
    get requests() {
      return [...recorded];
    },
    requestCount: (filter) => (filter ? recorded.filter(filter).length : recorded.length),
    writes: () => recorded.filter((r) => r.method !== 'GET'),
    clearRequests: () => void recorded.splice(0),
    kubeconfig,
    kubeconfigYaml: (o) => kubeconfigYaml(kubeconfig(o)),
    writeKubeconfig: (path, o) => writeKubeconfigFile(path, kubeconfig(o)),
    close: () => {
      simulator.close();
      closed ??= Promise.all(servers.map(stop)).then(() => undefined);
      return closed;
    },
  };
}
