/**
 * Observes one canary's cluster for a step: the target's revision, both workloads' readiness and
 * the live route weights. A missing object is an observation (undefined), not an error; any other
 * failure (API server down, forbidden) propagates and the step ends without a decision.
 */
import type { Observations } from '../domain/observations.js';
import type { Provider } from '../domain/spec/accessors.js';
import type { Canary } from '../domain/spec/schema.js';
import type { ClusterHandle } from '../ports/clusters.js';
import type { Router } from '../ports/router.js';

export async function observe(
  canary: Canary,
  cluster: ClusterHandle,
  router: Router,
  provider: Provider,
  now: number,
  signal: AbortSignal,
): Promise<Observations> {
  const at = new Date(now);
  const [target, primary, canaryReady, routes] = await Promise.all([
    orMissing(cluster.workloads.revision(canary, signal)),
    orMissing(cluster.workloads.readiness(canary, 'primary', at, signal)),
    orMissing(cluster.workloads.readiness(canary, 'canary', at, signal)),
    orMissing(router.getRoutes(canary, signal)),
  ]);
  return {
    now,
    cluster: cluster.record.name,
    clusterDefaultProvider: provider,
    target,
    primary,
    canary: canaryReady,
    routes,
    hooks: {},
  };
}

/** NotFound (and a router's "no routes yet") become undefined; everything else propagates. */
async function orMissing<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    const err = e as Error;
    if (err.name === 'NotFoundError' || err.name === 'NoRoutesError') return undefined;
    throw e;
  }
}
