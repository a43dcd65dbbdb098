/**
 * Wiring of the sweep function (and local mode's sweep timer): the idle index, the clusters'
 * metadata lists and the step queue.
 */
import { EKSClient } from '@aws-sdk/client-eks';
import type { SweepDeps } from './app/sweep.js';
import { KubernetesCanaryObjects } from './adapters/kubernetes/canary-objects.js';
import { KubernetesSourcedObjects } from './adapters/kubernetes/sourced-objects.js';
import { MetadataInventory } from './adapters/kubernetes/inventory.js';
import type { SecretReader } from './adapters/secrets.js';
import type { AwsCredentialsProvider } from './adapters/aws/sigv4.js';
import { UnknownClusterError } from './ports/clusters.js';
import type { WorkQueue } from './ports/queue.js';
import { awsCore, awsQueue, secrets, type Core } from './wiring.js';
import { clusterWiring } from './wiring-clusters.js';

export interface SweepParts {
  queue: WorkQueue;
  secrets: SecretReader;
  eks?: (region: string, credentials?: AwsCredentialsProvider) => EKSClient;
}

export function sweepDeps(core: Core, parts: SweepParts): SweepDeps {
  const { factory, lookup, registration } = clusterWiring(core, parts);
  const clientsOf = async (name: string, signal: AbortSignal) => {
    const record = await lookup(name, signal);
    if (!record) throw new UnknownClusterError(name);
    return factory.clusterClients(record, signal);
  };
  const inventory = new MetadataInventory(clientsOf);
  // The record the inventory reads anyway (cached): no read is added for a cluster that did not opt in.
  const enabled = async (name: string, signal: AbortSignal) =>
    (await registration(name, signal))?.gitops?.enabled === true;
  return {
    idle: core.idle,
    inventory,
    queue: parts.queue,
    logger: core.logger,
    now: core.now,
    gitops: {
      enabled,
      objects: async (name, signal) => new KubernetesCanaryObjects(await clientsOf(name, signal)),
      register: {
        store: core.store,
        history: core.history,
        clusters: core.clusters,
        queue: parts.queue,
        now: core.now,
        newId: core.newId,
        defaultProvider: core.config.defaultProvider,
      },
      logger: core.logger,
    },
    templates: {
      enabled,
      objects: async (name, signal) => new KubernetesSourcedObjects(await clientsOf(name, signal)),
      store: core.sourced,
      logger: core.logger,
    },
  };
}

export function buildSweepDeps(): SweepDeps {
  const core = awsCore();
  const c = core.config;
  return sweepDeps(core, {
    queue: awsQueue(c),
    secrets: secrets(c.region),
    eks: (region, credentials) => new EKSClient({ region, credentials }),
  });
}
