/**
 * Where an EKS cluster's API server is and which CA signs it, from EKS `DescribeCluster` through an
 * injected `EKSClient` (so tests use aws-sdk-client-mock and Lambda shares one client). Results
 * are cached per (region, cluster) for the life of the process: endpoints and CAs do not change
 * while a cluster exists, and a failed lookup is not cached.
 */
import { DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import { UnavailableError } from '../../ports/errors.js';

/** The API endpoint (`https://…eks.amazonaws.com`) and the base64 PEM CA bundle. */
export interface ClusterEndpoint {
  server: string;
  caData: string;
}

/** Thrown when DescribeCluster answers without an endpoint or CA (a cluster still creating). */
export class ClusterInfoError extends UnavailableError {
  override readonly name: string = 'ClusterInfoError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Resolves EKS cluster endpoints, caching them. One instance per region's EKSClient. */
export class EksClusterInfo {
  private readonly cache = new Map<string, Promise<ClusterEndpoint>>();

  constructor(private readonly eks: EKSClient) {}

  /** Endpoint and CA of `clusterName`; the signal aborts the DescribeCluster call. */
  endpoint(clusterName: string, signal?: AbortSignal): Promise<ClusterEndpoint> {
    const cached = this.cache.get(clusterName);
    if (cached) return cached;
    const pending = this.describe(clusterName, signal);
    this.cache.set(clusterName, pending);
    pending.catch(() => {
      if (this.cache.get(clusterName) === pending) this.cache.delete(clusterName);
    });
    return pending;
  }

  /** Forgets a cluster, e.g. after the API server became unreachable at its cached endpoint. */
  forget(clusterName: string): void {
    this.cache.delete(clusterName);
  }

  private async describe(clusterName: string, signal?: AbortSignal): Promise<ClusterEndpoint> {
    let out;
    try {
      out = await this.eks.send(new DescribeClusterCommand({ name: clusterName }), { abortSignal: signal });
    } catch (e) {
      throw new ClusterInfoError(
        `EKS cluster ${clusterName} describe failed: ${String((e as Error).message ?? e)}`,
        {
          cause: e,
        },
      );
    }
    const server = out.cluster?.endpoint;
    const caData = out.cluster?.certificateAuthority?.data;
    if (!server || !caData) {
      throw new ClusterInfoError(
        `EKS cluster ${clusterName} has no endpoint or certificate authority yet (status ${out.cluster?.status ?? 'unknown'})`,
      );
    }
    return { server, caData };
  }
}
