/**
 * Everything a step needs inside one cluster, resolved from its cluster record (ClusterRecord in
 * ./cluster.ts). The wiring builds these from the Kubernetes adapters; app tests use fakes.
 */
import type { Provider } from '../domain/spec/accessors.js';
import type { ClusterRecord } from './cluster.js';
import type { Router } from './router.js';
import type { EventRecorder, Scaler, Workloads } from './workloads.js';

export interface ClusterHandle {
  record: ClusterRecord;
  workloads: Workloads;
  scaler: Scaler;
  events: EventRecorder;
  router(provider: Provider): Router;
}

export interface ClusterAccess {
  /** NotFound-style error when no such cluster is registered. */
  get(cluster: string, signal: AbortSignal): Promise<ClusterHandle>;
}

/** Raised when a canary names a cluster that is not registered. */
export class UnknownClusterError extends Error {
  override name = 'UnknownClusterError';
  constructor(cluster: string) {
    super(`cluster "${cluster}" is not registered (POST /clusters first)`);
  }
}
