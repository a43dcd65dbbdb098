/**
 * A router whose whole split is one custom object named after the apex (Contour's HTTPProxy,
 * Traefik's TraefikService): reconcile keeps the live weights, setRoutes writes only on change,
 * finalize deletes or restores. The provider supplies the object's place, its pure builder and
 * its weight reader; the routing rules of the provider are checked before every write.
 */
import type { Provider } from '../../../domain/spec/accessors.js';
import type { Canary } from '../../../domain/spec/schema.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { ownerLabels } from '../../kubernetes/labels.js';
import type { Json } from './json.js';
import {
  CustomObjectStore,
  liveRouteWeights,
  reconciledWeights,
  type CustomObjectClients,
  type ObjectRef,
  type RouteWeightsOf,
} from './objects.js';
import { assertRoutable } from './rules.js';

/** What a provider tells {@link SingleObjectRouter}. */
export interface SingleObjectProvider {
  provider: Provider;
  /** Where the routing object of `c` lives. */
  ref(c: Canary): ObjectRef;
  /** Pure: the object's spec for `w`. */
  spec(c: Canary, w: RouteWeights): Json;
  weightsOf: RouteWeightsOf;
}

/** Routes a canary with one object named after the apex. */
export class SingleObjectRouter implements Router {
  private readonly store: CustomObjectStore;

  constructor(
    clients: CustomObjectClients,
    private readonly kind: SingleObjectProvider,
  ) {
    this.store = new CustomObjectStore(clients);
  }

  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    assertRoutable(canary, this.kind.provider);
    const ref = this.kind.ref(canary);
    const live = await this.store.get(ref, signal);
    const weights = reconciledWeights(canary, live, this.kind.weightsOf);
    await this.store.applyTo(ref, live, this.kind.spec(canary, weights), signal, {
      labels: ownerLabels(canary),
    });
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    return liveRouteWeights(this.store, this.kind.ref(canary), canary, this.kind.weightsOf, signal);
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    assertRoutable(canary, this.kind.provider);
    await this.store.apply(this.kind.ref(canary), this.kind.spec(canary, w), signal, {
      labels: ownerLabels(canary),
    });
  }

  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    await this.store.finalize(this.kind.ref(canary), signal);
  }
}
