/**
 * Observes one canary's cluster for a step: the target's revision and — in the phases whose
 * decisions use them (lib/domain/reads.ts) — its tracked configs, both workloads' readiness and
 * the live route weights. A missing object is an observation (undefined), not an error — so are
 * routes that are not ours yet (a VirtualService or HTTPRoute a team already had, which the router
 * takes over once the primary is ready); any other failure (API server down, forbidden) propagates
 * and the step ends without a decision.
 */
import type { Observations } from '../domain/observations.js';
import { readsConfigs } from '../domain/reads.js';
import type { Provider } from '../domain/spec/accessors.js';
import type { Canary } from '../domain/spec/schema.js';
import type { CanaryStatus } from '../domain/status.js';
import { configStamps } from '../domain/sweep/watch.js';
import type { ClusterHandle } from '../ports/clusters.js';
import { NotFoundError } from '../ports/errors.js';
import { InvalidRoutesError, type Router } from '../ports/router.js';

export async function observe(
  canary: Canary,
  cluster: ClusterHandle,
  router: Router,
  provider: Provider,
  status: CanaryStatus,
  now: number,
  signal: AbortSignal,
): Promise<Observations> {
  const at = new Date(now);
  const configs = readsConfigs(status);
  const [target, primary, canaryReady, routes] = await Promise.all([
    orMissing(cluster.workloads.revision(canary, signal, { configs })),
    orMissing(cluster.workloads.readiness(canary, 'primary', at, signal)),
    orMissing(cluster.workloads.readiness(canary, 'canary', at, signal)),
    notOursYet(router.getRoutes(canary, signal)),
  ]);
  return {
    now,
    cluster: cluster.record.name,
    clusterDefaultProvider: provider,
    target,
    // What the ledger holds of the configs so far is what the revision read of them.
    ...(configs && { configStamps: configStamps(cluster.touched()) }),
    primary,
    canary: canaryReady,
    routes,
    hooks: {},
  };
}

/** A missing object becomes undefined; everything else propagates. */
async function orMissing<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/** Routes that are missing or not ours yet (someone else's object, taken over later) are undefined. */
async function notOursYet<T>(p: Promise<T | undefined>): Promise<T | undefined> {
  try {
    return (await orMissing(p)) ?? undefined;
  } catch (e) {
    if (e instanceof InvalidRoutesError) return undefined;
    throw e;
  }
}
