/**
 * ClusterAccess over the Kubernetes adapters: a registered cluster → its clients (cached per
 * record) → the workloads, scaler, event recorder and routers of that cluster, and the webhooks
 * and metrics servers as seen from it (in-cluster addresses through its service proxy), and the
 * target groups its Services are bound to (the alb builtins).
 *
 * Every handle reads through a read cache of its own (kubernetes/read-cache.ts): a handle serves
 * one step of one canary, so the cache lives exactly one step. What outlives it is the clients,
 * the namespace list (for the service proxy) and the counts of the Events this container wrote.
 */
import type { ClusterRecord } from '../ports/cluster.js';
import { serviceProxyPolicy } from '../ports/cluster.js';
import type { ClusterAccess, ClusterHandle } from '../ports/clusters.js';
import { UnknownClusterError } from '../ports/clusters.js';
import type { Hooks } from '../ports/hooks.js';
import type { MetricsProvider, MetricTemplate } from '../ports/metrics.js';
import type { ClusterClientFactory, ClusterClients } from './kubernetes/client.js';
import { KubernetesEventRecorder, WrittenEvents } from './kubernetes/events.js';
import { ObjectLedger, withLedger } from './kubernetes/object-ledger.js';
import { withReadCache } from './kubernetes/read-cache.js';
import { KubernetesScaler } from './kubernetes/scaler.js';
import { targetGroupLookup } from './kubernetes/target-groups.js';
import { clusterFetch } from './kubernetes/service-proxy.js';
import { KubernetesWorkloads } from './kubernetes/workloads.js';
import { makeRouter } from './routers/index.js';

/** The HTTP adapters of one cluster, built over its `fetch`. */
export interface ClusterIo {
  hooks(fetch: typeof globalThis.fetch): Hooks;
  metrics(
    template: MetricTemplate | undefined,
    cluster: ClusterRecord,
    fetch: typeof globalThis.fetch,
    intervalSeconds?: number,
    /** The cluster's API (a cluster-sourced template's `secretRef` is a Secret there). */
    clients?: Pick<ClusterClients, 'raw'>,
  ): MetricsProvider;
}

/** How long a cluster's namespace list is trusted for classifying `svc.ns` hosts. */
const NAMESPACES_TTL_MS = 5 * 60_000;

export class KubernetesClusterAccess implements ClusterAccess {
  private readonly namespaceCache = new Map<string, { at: number; names: Promise<ReadonlySet<string>> }>();
  private readonly writtenEvents = new WrittenEvents();

  /** `lookup` resolves a registered cluster (secrets included) or answers undefined. */
  constructor(
    private readonly lookup: (cluster: string, signal: AbortSignal) => Promise<ClusterRecord | undefined>,
    private readonly factory: ClusterClientFactory,
    private readonly io: ClusterIo,
    private readonly now: () => number = Date.now,
  ) {}

  /** A handle for one step: call it once per step (its reads are cached for that step only). */
  async get(cluster: string, signal: AbortSignal): Promise<ClusterHandle> {
    const record = await this.lookup(cluster, signal);
    if (!record) throw new UnknownClusterError(cluster);
    // One handle serves one step: its ledger records what the step's requests saw (touched()).
    const ledger = new ObjectLedger();
    const clients = withLedger(await this.factory.clusterClients(record, signal), ledger);
    const fetch = clusterFetch({
      policy: serviceProxyPolicy(record),
      namespaces: (s) => this.namespaces(clients, s),
      send: (req) => clients.raw(req),
    });
    const step = withReadCache(clients);
    return {
      record,
      workloads: new KubernetesWorkloads({ clients: step, selectorLabels: record.routing?.selectorLabels }),
      scaler: new KubernetesScaler(step),
      events: new KubernetesEventRecorder(step, this.writtenEvents),
      router: (provider) => makeRouter(provider, step, record.routing),
      hooks: this.io.hooks(fetch),
      metrics: (template, intervalSeconds) =>
        this.io.metrics(template, record, fetch, intervalSeconds, clients),
      // Listed on the first question of the step (the alb builtins), never for other providers.
      targetGroups: targetGroupLookup(step),
      touched: () => ledger.stamps(),
      wrote: () => ledger.wrote,
    };
  }

  /** The cluster's namespace names, listed at most every few minutes. */
  private namespaces(clients: ClusterClients, signal: AbortSignal): Promise<ReadonlySet<string>> {
    const hit = this.namespaceCache.get(clients.cluster);
    if (hit && this.now() - hit.at < NAMESPACES_TTL_MS) return hit.names;
    const names = clients
      .call('Namespace list', signal, (o) => clients.core.listNamespace({}, o))
      .then((l) => new Set(l.items.map((n) => n.metadata?.name ?? '')) as ReadonlySet<string>);
    names.catch(() => this.namespaceCache.delete(clients.cluster));
    this.namespaceCache.set(clients.cluster, { at: this.now(), names });
    return names;
  }
}
