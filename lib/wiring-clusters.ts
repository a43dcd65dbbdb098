/**
 * How the step and sweep functions reach clusters: a registered cluster (its secrets resolved) →
 * cached API clients, with the credentials of a record's `assumeRole` for clusters in other
 * accounts. Shared by wiring-step.ts and wiring-sweep.ts.
 */
import type { EKSClient } from '@aws-sdk/client-eks';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { CLUSTER_RECORD_TTL_MS, keptFor } from './app/cluster-cache.js';
import { resolveCluster } from './app/resolve-cluster.js';
import { assumeRoleCredentials } from './adapters/aws/assume-role.js';
import type { AwsCredentialsProvider } from './adapters/aws/sigv4.js';
import { ClusterClientFactory } from './adapters/kubernetes/client.js';
import type { SecretReader } from './adapters/secrets.js';
import type { ClusterRecord, EksClusterRecord } from './ports/cluster.js';
import type { ClusterRegistration } from './app/clusters.js';
import type { Core } from './wiring.js';

export interface ClusterWiring {
  factory: ClusterClientFactory;
  /**
   * A registered cluster with its secrets resolved, or undefined. The record is read from the
   * table at most once per CLUSTER_RECORD_TTL_MS (30 s) per container; its secrets are read on
   * every lookup, as before.
   */
  lookup: (name: string, signal: AbortSignal) => Promise<ClusterRecord | undefined>;
  /** The stored registration, secrets unresolved (read through the same cache as `lookup`). */
  registration: (name: string, signal: AbortSignal) => Promise<ClusterRegistration | undefined>;
  /** The assumed role's credentials of a record in another account (undefined: the function's own). */
  credentialsOf: (record: ClusterRecord) => AwsCredentialsProvider | undefined;
}

export function clusterWiring(
  core: Core,
  parts: { secrets: SecretReader; eks?: (region: string, credentials?: AwsCredentialsProvider) => EKSClient },
): ClusterWiring {
  // Clusters in other accounts: their role's credentials, per role and external ID.
  const assumed = new Map<string, AwsCredentialsProvider>();
  const assumedCredentials = (r: EksClusterRecord): AwsCredentialsProvider => {
    const { roleArn, externalId } = r.assumeRole!;
    const id = `${roleArn}|${externalId ?? ''}`;
    if (!assumed.has(id)) assumed.set(id, assumeRoleCredentials({ roleArn, externalId, region: r.region }));
    return assumed.get(id)!;
  };
  const registration = keptFor(
    (name, signal) => core.clusters.get(name, signal),
    CLUSTER_RECORD_TTL_MS,
    core.now,
  );
  return {
    factory: new ClusterClientFactory({ eks: parts.eks, credentials: defaultProvider(), assumedCredentials }),
    registration,
    lookup: async (name, signal) => {
      const r = await registration(name, signal);
      return r && resolveCluster(r, parts.secrets);
    },
    credentialsOf: (c) => (c.kind === 'eks' && c.assumeRole ? assumedCredentials(c) : undefined),
  };
}
