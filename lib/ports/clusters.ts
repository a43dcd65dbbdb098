/**
 * Everything a step needs inside one cluster, resolved from its cluster record (ClusterRecord in
 * ./cluster.ts). The wiring builds these from the Kubernetes adapters; app tests use fakes.
 */
import type { Provider } from '../domain/spec/accessors.js';
import type { Stamps } from '../domain/sweep/seen.js';
import type { ClusterRecord } from './cluster.js';
import { NotFoundError } from './errors.js';
import type { Hooks } from './hooks.js';
import type { CheckCluster, MetricsProvider, MetricTemplate } from './metrics.js';
import type { Router } from './router.js';
import type { EventRecorder, Scaler, Workloads } from './workloads.js';

export interface ClusterHandle extends CheckCluster {
  record: ClusterRecord;
  workloads: Workloads;
  scaler: Scaler;
  events: EventRecorder;
  router(provider: Provider): Router;
  /** Webhooks as seen from this cluster (in-cluster addresses through its service proxy). */
  hooks: Hooks;
  /**
   * The metrics server of a template, or the default one, as seen from this cluster, for a check
   * whose interval is `intervalSeconds` (Datadog queries over it; Prometheus reads it in the query).
   */
  metrics(template: MetricTemplate | undefined, intervalSeconds?: number): MetricsProvider;
  /**
   * Every object the requests through this handle read or wrote, with the stamp they left it at
   * (lib/domain/sweep/trail.ts): what an idle canary saw. One handle serves one step.
   */
  touched(): Stamps;
  /**
   * Whether a request through this handle changed the cluster: a create, update, patch or delete
   * that the API server accepted (a write that would change nothing is not made: adapters compare
   * first), Kubernetes Events aside — they are notifications. A step that changed nothing writes
   * no history record (lib/app/step-history.ts).
   */
  wrote(): boolean;
}

export interface ClusterAccess {
  /** NotFound-style error when no such cluster is registered. */
  get(cluster: string, signal: AbortSignal): Promise<ClusterHandle>;
}

/** Raised when a canary names a cluster that is not registered. */
export class UnknownClusterError extends NotFoundError {
  override readonly name: string = 'UnknownClusterError';
  constructor(cluster: string) {
    super(`cluster "${cluster}" is not registered (POST /clusters first)`);
  }
}
