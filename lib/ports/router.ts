/**
 * One mesh's traffic split for one canary (Flagger's router: Reconcile / SetRoutes / GetRoutes /
 * Finalize). Implementations are idempotent: calling any method twice has the effect of calling
 * it once, and a method that finds the cluster already as wanted writes nothing.
 */
import type { RouteWeights } from '../domain/observations.js';
import type { Canary } from '../domain/spec/schema.js';
import { InvalidError } from './errors.js';

export type { RouteWeights } from '../domain/observations.js';

/** Routes traffic between a canary's primary and canary workloads. */
export interface Router {
  /**
   * Creates or adopts the routing objects. Keeps the live weights; writes only on drift.
   * Call it after the apex Service points at the primary pods (Flagger tick step 8). Resolves to
   * one sentence per object it took over from someone else (for a Kubernetes Event), if any.
   */
  reconcile(canary: Canary, signal: AbortSignal): Promise<string[] | void>;
  /**
   * Reads the split that is live in the cluster; the routing object is the source of truth.
   * Undefined when there are no routes to the primary and canary yet: the object does not exist,
   * or it is someone else's, which `reconcile` takes over.
   */
  getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined>;
  /** Sets the split; no write when the live objects already carry it. */
  setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void>;
  /** Deletes the objects we created and restores the ones we adopted. */
  finalize(canary: Canary, signal: AbortSignal): Promise<void>;
}

/**
 * The live routing object exists but carries no route to the primary and canary (someone edited
 * it, or it was never reconciled). Flagger: "VirtualService … does not contain routes for …".
 * Reading routes, it means "not ours yet": `reconcile` takes the object over.
 */
export class InvalidRoutesError extends InvalidError {
  override readonly name: string = 'InvalidRoutesError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
