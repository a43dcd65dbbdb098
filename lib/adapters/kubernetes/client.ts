/**
 * Kubernetes API clients for one cluster record (ARCHITECTURE.md "EKS access from Lambda"):
 * a client-node KubeConfig built from the record, the typed APIs, and {@link ClusterClients.call},
 * through which every request gets the caller's AbortSignal, a timeout, a fresh EKS token when
 * needed and typed errors (request.ts documents the mechanism). {@link ClusterClientFactory}
 * caches clients per cluster for the life of the Lambda container.
 */
import type { EKSClient } from '@aws-sdk/client-eks';
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type ConfigurationOptions,
  type PatchStrategy,
} from '@kubernetes/client-node';
import type { ClusterRecord, EksClusterRecord } from '../../ports/cluster.js';
import { EksClusterInfo } from '../eks/cluster-info.js';
import { EksTokenCache, type CredentialsProvider } from '../eks/token.js';
import { canonicalJson } from './hashing.js';
import { rawRequest, type RawRequest } from './raw.js';
import { callApi, type TokenSource } from './request.js';

/** Default upper bound of one API request. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** The APIs of one cluster plus the per-call wrapper. */
export interface ClusterClients {
  /** The record's `name`. */
  readonly cluster: string;
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly autoscaling: AutoscalingV2Api;
  readonly custom: CustomObjectsApi;
  /**
   * Runs one request: `fn` must pass the given options as the API method's last argument. Aborts
   * on `signal` or after the timeout; failures become NotFoundError/ConflictError/… naming `what`.
   */
  call<T>(
    what: string,
    signal: AbortSignal,
    fn: (options: ConfigurationOptions) => Promise<T>,
    contentType?: PatchStrategy,
  ): Promise<T>;
  /** One raw HTTP request to the API server with the cluster's credentials (the service proxy). */
  raw(req: RawRequest): Promise<Response>;
}

/** Where the connection comes from; EKS records also need a token source. */
export interface Connection {
  kubeConfig: KubeConfig;
  token?: TokenSource;
}

/** A KubeConfig for a static record (kubeconfig or endpoint); `http://` servers skip TLS checks. */
function staticKubeConfig(record: Exclude<ClusterRecord, EksClusterRecord>): KubeConfig {
  const kc = new KubeConfig();
  if (record.kind === 'endpoint') {
    kc.loadFromOptions({
      clusters: [
        {
          name: record.name,
          server: record.server,
          caData: record.caData,
          skipTLSVerify: skipTls(record.server, record.skipTLSVerify),
        },
      ],
      users: [{ name: record.name, token: record.token }],
      contexts: [{ name: record.name, cluster: record.name, user: record.name }],
      currentContext: record.name,
    });
    return kc;
  }
  kc.loadFromString(record.kubeconfig);
  if (record.context) kc.setCurrentContext(record.context);
  return withHttpSkipTls(kc);
}

/** A KubeConfig for an EKS endpoint; the token is added per request. */
function eksKubeConfig(name: string, server: string, caData: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name, server, caData, skipTLSVerify: skipTls(server, false) }],
    users: [{ name: 'lambda' }],
    contexts: [{ name, cluster: name, user: 'lambda' }],
    currentContext: name,
  });
  return kc;
}

function skipTls(server: string, requested: boolean | undefined): boolean {
  return requested === true || server.startsWith('http:');
}

function withHttpSkipTls(kc: KubeConfig): KubeConfig {
  if (!kc.clusters.some((c) => c.server.startsWith('http:') && !c.skipTLSVerify)) return kc;
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: kc.clusters.map((c) => ({ ...c, skipTLSVerify: skipTls(c.server, c.skipTLSVerify) })),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.getCurrentContext(),
  });
  return out;
}

/** The APIs over one connection. */
export function makeClusterClients(
  cluster: string,
  conn: Connection,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): ClusterClients {
  const kc = conn.kubeConfig;
  return {
    cluster,
    kubeConfig: kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    autoscaling: kc.makeApiClient(AutoscalingV2Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    call: (what, signal, fn, contentType) =>
      callApi(what, { signal, timeoutMs, token: conn.token, contentType }, fn),
    raw: (req) => rawRequest(kc, conn.token, req),
  };
}

/** What the factory needs; EKS parts only for `eks` records. */
export interface ClusterClientFactoryDeps {
  /** An EKSClient for a region, with other credentials when given (one per region and role). */
  eks?: (region: string, credentials?: CredentialsProvider) => EKSClient;
  /** Credentials that sign EKS tokens, e.g. `fromNodeProviderChain()`. */
  credentials?: CredentialsProvider;
  /** Credentials of a record's `assumeRole` (STS AssumeRole as the function's role). */
  assumedCredentials?: (record: EksClusterRecord) => CredentialsProvider;
  /** Clock for token reuse; default `Date.now`. */
  now?: () => number;
  /** Upper bound of one request; default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
}

interface Cached {
  fingerprint: string;
  clients: Promise<ClusterClients>;
}

/**
 * Builds and caches {@link ClusterClients} per cluster record name; a changed record (other
 * kubeconfig, endpoint…) is rebuilt, a failed build is not cached.
 */
export class ClusterClientFactory {
  private readonly cache = new Map<string, Cached>();
  private readonly infos = new Map<string, EksClusterInfo>();
  private readonly tokens = new Map<string, EksTokenCache>();

  constructor(private readonly deps: ClusterClientFactoryDeps = {}) {}

  /** Clients for `record`; `signal` bounds the EKS DescribeCluster lookup on first use. */
  clusterClients(record: ClusterRecord, signal?: AbortSignal): Promise<ClusterClients> {
    const fingerprint = canonicalJson(record);
    const hit = this.cache.get(record.name);
    if (hit && hit.fingerprint === fingerprint) return hit.clients;
    const entry: Cached = { fingerprint, clients: this.build(record, signal) };
    entry.clients.catch(() => {
      if (this.cache.get(record.name) === entry) this.cache.delete(record.name);
    });
    this.cache.set(record.name, entry);
    return entry.clients;
  }

  /** Drops the cached clients (and EKS endpoint) of a cluster. */
  forget(record: ClusterRecord): void {
    this.cache.delete(record.name);
    if (record.kind === 'eks') this.infos.get(identity(record))?.forget(record.eksClusterName);
  }

  private async build(record: ClusterRecord, signal?: AbortSignal): Promise<ClusterClients> {
    const timeoutMs = this.deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (record.kind !== 'eks')
      return makeClusterClients(record.name, { kubeConfig: staticKubeConfig(record) }, timeoutMs);
    const { server, caData } = await this.info(record).endpoint(record.eksClusterName, signal);
    const tokens = this.tokenCache(record);
    const token = () => tokens.token(record.eksClusterName, record.region);
    return makeClusterClients(
      record.name,
      { kubeConfig: eksKubeConfig(record.name, server, caData), token },
      timeoutMs,
    );
  }

  private info(record: EksClusterRecord): EksClusterInfo {
    const key = identity(record);
    let info = this.infos.get(key);
    if (!info) {
      if (!this.deps.eks)
        throw new Error('ClusterClientFactory: an EKSClient is required for eks cluster records');
      const assumed = record.assumeRole ? this.credentials(record) : undefined;
      info = new EksClusterInfo(this.deps.eks(record.region, assumed));
      this.infos.set(key, info);
    }
    return info;
  }

  private tokenCache(record: EksClusterRecord): EksTokenCache {
    const key = record.assumeRole?.roleArn ?? '';
    let tokens = this.tokens.get(key);
    if (!tokens) {
      tokens = new EksTokenCache({ credentials: this.credentials(record), now: this.deps.now });
      this.tokens.set(key, tokens);
    }
    return tokens;
  }

  /** The function's own credentials, or the assumed role's for a record in another account. */
  private credentials(record: EksClusterRecord): CredentialsProvider {
    if (record.assumeRole) {
      if (!this.deps.assumedCredentials)
        throw new Error('ClusterClientFactory: assumedCredentials are required for records with assumeRole');
      return this.deps.assumedCredentials(record);
    }
    if (!this.deps.credentials)
      throw new Error('ClusterClientFactory: credentials are required for eks cluster records');
    return this.deps.credentials;
  }
}

/** EKS clients and token caches are shared per region and assumed role. */
function identity(record: EksClusterRecord): string {
  return `${record.region}|${record.assumeRole?.roleArn ?? ''}`;
}
