/**
 * ClusterAccess over the Kubernetes adapters: a registered cluster → its clients (cached per
 * record) → the workloads, scaler, event recorder and routers of that cluster.
 */
import type { ClusterRecord } from '../ports/cluster.js';
import type { ClusterAccess, ClusterHandle } from '../ports/clusters.js';
import { UnknownClusterError } from '../ports/clusters.js';
import { ClusterClientFactory } from './kubernetes/client.js';
import { KubernetesEventRecorder } from './kubernetes/events.js';
import { KubernetesScaler } from './kubernetes/scaler.js';
import { KubernetesWorkloads } from './kubernetes/workloads.js';
import { makeRouter } from './routers/index.js';

export class KubernetesClusterAccess implements ClusterAccess {
  /** `lookup` resolves a registered cluster (secrets included) or answers undefined. */
  constructor(
    private readonly lookup: (cluster: string, signal: AbortSignal) => Promise<ClusterRecord | undefined>,
    private readonly factory: ClusterClientFactory,
  ) {}

  async get(cluster: string, signal: AbortSignal): Promise<ClusterHandle> {
    const record = await this.lookup(cluster, signal);
    if (!record) throw new UnknownClusterError(cluster);
    const clients = await this.factory.clusterClients(record, signal);
    return {
      record,
      workloads: new KubernetesWorkloads({ clients }),
      scaler: new KubernetesScaler(clients),
      events: new KubernetesEventRecorder(clients),
      router: (provider) => makeRouter(provider, clients),
    };
  }
}
