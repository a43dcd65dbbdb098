/**
 * Flagger's status fields written back to a canary's Canary object (docs/gitops.md), so that
 * `kubectl get canaries` and `kubectl wait --for=condition=promoted` work as with Flagger: for
 * canaries sourced from the cluster, and for API-registered ones when the cluster's record asks
 * (`gitops.statusForApiCanaries`). Written only when those fields changed in the step's save; a
 * write that fails is logged and not retried (the next change writes the whole status again).
 */
import { flaggerStatus, flaggerStatusChanged } from '../domain/flagger-status.js';
import type { CanaryStatus } from '../domain/status.js';
import type { CanaryObjects } from '../ports/canary-objects.js';
import type { ClusterGitOps } from '../ports/cluster.js';
import type { Logger } from '../ports/logger.js';
import { keyString, type CanaryRecord } from '../ports/store.js';

export interface StatusWriteDeps {
  /** The Canary objects of a cluster; undefined: status is never written back. */
  canaryObjects?: (cluster: string, signal: AbortSignal) => Promise<CanaryObjects>;
  logger: Logger;
}

export async function writeStatusBack(
  deps: StatusWriteDeps,
  before: CanaryRecord<CanaryStatus>,
  after: CanaryRecord<CanaryStatus>,
  gitops: ClusterGitOps | undefined,
  signal: AbortSignal,
): Promise<void> {
  if (!deps.canaryObjects) return;
  const wanted = after.source === 'cluster' || gitops?.statusForApiCanaries === true;
  if (!wanted || !flaggerStatusChanged(before.status, after.status)) return;
  const { cluster, namespace, name } = after.key;
  try {
    const objects = await deps.canaryObjects(cluster, signal);
    await objects.writeStatus(namespace, name, flaggerStatus(after.status), signal);
  } catch (e) {
    signal.throwIfAborted();
    deps.logger.warn('Canary object status not written', {
      canary: keyString(after.key),
      error: (e as Error).message,
      reason: 'CanaryStatusWriteFailed',
    });
  }
}
