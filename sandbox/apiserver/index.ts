/**
 * The sandbox Kubernetes API server: a stand-in cluster for tests and the demo.
 *
 * `startSandbox()` starts one independent cluster (own store, types, ports, token and certificate);
 * many can run in one process. It serves https (self-signed, for kubectl and client-node with
 * caData) and always also plain http on a second port (client-node with skipTLSVerify). The
 * contracts live in the module comments: store.ts (write semantics), handlers.ts and list.ts (verbs,
 * patches, pagination), lifecycle.ts (finalizers, garbage collection, namespace and CRD deletion),
 * crds.ts (CustomResourceDefinitions), watch.ts, media.ts (Table and PartialObjectMetadata answers),
 * table.ts, proxy.ts (service proxy), rollout.ts with deployments.ts and daemonsets.ts (workload
 * controllers), alb-controller.ts (TargetGroupBindings of alb Ingresses), discovery.ts, persistence.ts (dataFile) and requests.ts (the request log).
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AlbController } from './alb-controller.js';
import { generateCertificate } from './certs.js';
import { CrdController } from './crds.js';
import { daemonSets } from './daemonsets.js';
import { DEPLOYMENTS } from './deployments.js';
import type { KubeObject } from './json.js';
import {
  buildKubeconfig,
  kubeconfigYaml,
  writeKubeconfigFile,
  type KubeconfigDocument,
} from './kubeconfig.js';
import { Lifecycle } from './lifecycle.js';
import { loadSnapshot, Persister } from './persistence.js';
import { ProxyTargets } from './proxy.js';
import { Registry } from './registry.js';
import { RequestLog, type RecordedRequest, type RequestFilter, type RequestMark } from './requests.js';
import { NAMESPACES, type ResourceType } from './resources.js';
import { WorkloadSimulator } from './rollout.js';
import { requestListener } from './server.js';
import { Store } from './store.js';
import { WatchHub } from './watch.js';

export { DAEMONSET_POD_OWNER } from './daemonsets.js';
export { DEADLINE_EXCEEDED, NEVER_READY } from './deployments.js';
export type { KubeObject } from './json.js';
export { CRD_CLEANUP } from './lifecycle.js';
export { PROXY_TO } from './proxy.js';
export type { RecordedRequest } from './requests.js';

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
  /** Time from a Deployment/DaemonSet spec change until it reports ready; 0 = same write. Default 200. */
  rolloutDelayMs?: number;
  /** Create missing namespaces on namespaced creates instead of answering 404. Default false. */
  autoCreateNamespaces?: boolean;
  /** Namespaces created at start (when missing). Default ['default']. */
  namespaces?: string[];
  /** Schedulable nodes: every DaemonSet runs one Pod on each. Default 2. */
  nodes?: number;
  /**
   * JSON file holding the cluster's objects: loaded at start when it exists, written after changes
   * (debounced) and on close, so a restarted sandbox has the same objects, uids and resourceVersions.
   */
  dataFile?: string;
}

/** Direct store access for tests: bypasses HTTP, auth and the workload simulators' rollouts. */
export interface SandboxStore {
  /** One object by apiVersion/kind (namespace ignored for cluster-scoped kinds), or undefined. */
  get(apiVersion: string, kind: string, namespace: string, name: string): KubeObject | undefined;
  /** All objects of a kind, optionally in one namespace. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Upsert keeping the given status (namespace defaults to 'default' and is created if missing). */
  put(obj: KubeObject & { apiVersion: string; kind: string }): KubeObject;
  /**
   * Removes one object at once, ignoring its finalizers (its dependents are still garbage-collected);
   * false when it did not exist.
   */
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
  /** Endpoints of the service proxy (see also the `sandbox.flagger.app/proxy-to` Service annotation). */
  readonly proxyTargets: ProxyTargets;
  /** Every request served so far (health checks excluded), oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Number of recorded requests matching `filter` (a predicate or a query; all when omitted). */
  requestCount(filter?: RequestFilter): number;
  /** Recorded requests matching `filter` (all when omitted), oldest first. */
  selectRequests(filter?: RequestFilter): RecordedRequest[];
  /** A mark at the end of the request log, for `since` in queries. */
  mark(): RequestMark;
  /** Kubernetes API requests (service-proxy calls excluded) recorded after `since` (all when omitted). */
  apiRequestCount(since?: RequestMark): number;
  /** Kubernetes API writes (not GET; service-proxy calls excluded), optionally only those after `since`. */
  writes(since?: RequestMark): RecordedRequest[];
  /** Forgets recorded requests (marks taken before stay usable). */
  clearRequests(): void;
  /** Number of watch streams currently open (clients that disconnect are dropped at once). */
  openWatches(): number;
  /** Kubeconfig for the main URL, or the http URL with `{ http: true }`. */
  kubeconfig(options?: { http?: boolean; namespace?: string }): KubeconfigDocument;
  /** The same kubeconfig as YAML. */
  kubeconfigYaml(options?: { http?: boolean; namespace?: string }): string;
  /** Writes the kubeconfig YAML to `path` (parent directories created, mode 0600). */
  writeKubeconfig(path: string, options?: { http?: boolean; namespace?: string }): Promise<void>;
  /** Writes the data file now (no-op without `dataFile`). */
  save(): Promise<void>;
  /** Stops listening, drops connections (watches too) and rollout timers, writes the data file. Idempotent. */
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

function directStore(store: Store, registry: Registry): SandboxStore {
  const rtFor = (apiVersion: string, kind: string): ResourceType => {
    const rt = registry.forKind(apiVersion, kind);
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
      store.removeNow(rt, namespace, name);
      return true;
    },
    resourceVersion: () => store.resourceVersion(),
  };
}

/** The store with every controller wired in, loaded from the data file when there is one. */
async function buildCluster(options: SandboxOptions) {
  const store = new Store({ autoCreateNamespaces: options.autoCreateNamespaces ?? false });
  const registry = new Registry();
  const lifecycle = new Lifecycle(store);
  const crds = new CrdController(store, registry);
  const workloads = new WorkloadSimulator(store, options.rolloutDelayMs ?? 200, [
    DEPLOYMENTS,
    daemonSets(options.nodes ?? 2),
  ]);
  const alb = new AlbController(store);
  for (const hooks of [crds.hooks(), lifecycle.hooks(), workloads.hooks(), alb.hooks()]) store.use(hooks);
  const snapshot = options.dataFile ? await loadSnapshot(options.dataFile) : undefined;
  if (snapshot) {
    store.restore(snapshot);
    crds.syncAll();
    workloads.resume(registry.storages());
  }
  const hub = new WatchHub(store);
  const persister = options.dataFile ? new Persister(options.dataFile, () => store.snapshot()) : undefined;
  if (persister) {
    store.subscribe(() => persister.changed());
    if (!snapshot) persister.changed();
  }
  for (const ns of options.namespaces ?? ['default'])
    if (!store.get(NAMESPACES, '', ns)) store.create(NAMESPACES, '', { metadata: { name: ns } });
  return { store, registry, lifecycle, hub, workloads, persister };
}

/** Starts one sandbox cluster; resolves once it is listening. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const name = options.name ?? 'sandbox';
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const useHttps = options.https ?? true;
  const { store, registry, lifecycle, hub, workloads, persister } = await buildCluster(options);
  const log = new RequestLog();
  const targets = new ProxyTargets();
  const listener = requestListener({ store, registry, lifecycle, hub, targets, token, log });
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
    store: directStore(store, registry),
    proxyTargets: targets,
    get requests() {
      return log.select();
    },
    requestCount: (filter) => log.select(filter).length,
    selectRequests: (filter) => log.select(filter),
    mark: () => log.mark(),
    apiRequestCount: (since) => log.select({ since, proxied: false }).length,
    writes: (since) => log.select({ since, proxied: false, writes: true }),
    clearRequests: () => log.clear(),
    openWatches: () => hub.size(),
    kubeconfig,
    kubeconfigYaml: (o) => kubeconfigYaml(kubeconfig(o)),
    writeKubeconfig: (path, o) => writeKubeconfigFile(path, kubeconfig(o)),
    save: () => persister?.flush() ?? Promise.resolve(),
    close: () => {
      workloads.close();
      closed ??= Promise.all(servers.map(stop)).then(() => persister?.flush());
      return closed;
    },
  };
}
