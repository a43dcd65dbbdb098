/**
 * The Gateway API router: one `HTTPRoute` `<apex>` (gateway.networking.k8s.io/v1) with weighted
 * backendRefs to the primary and canary Services, built by http-route.ts and applied with one GET
 * and at most one PUT.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { ownerLabels } from '../../kubernetes/labels.js';
import {
  CustomObjectStore,
  liveRouteWeights,
  reconciledWeights,
  type CustomObjectClients,
  type ObjectRef,
} from '../engine/objects.js';
import { httpRouteSpec, routeWeightsOf } from './http-route.js';

/** Options of {@link GatewayApiRouter}. */
export interface GatewayApiRouterOptions {
  /** `gateway.networking.k8s.io` version; default `v1` (`v1beta1` for clusters older than Gateway API 1.0). */
  version?: 'v1' | 'v1beta1';
}

/** Routes a canary with a Gateway API HTTPRoute. */
export class GatewayApiRouter implements Router {
  private readonly store: CustomObjectStore;
  private readonly version: 'v1' | 'v1beta1';

  constructor(clients: CustomObjectClients, options: GatewayApiRouterOptions = {}) {
    this.store = new CustomObjectStore(clients);
    this.version = options.version ?? 'v1';
  }

  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    const ref = this.httpRoute(canary);
    const live = await this.store.get(ref, signal);
    const weights = reconciledWeights(canary, live, routeWeightsOf);
    await this.store.applyTo(ref, live, { ...httpRouteSpec(canary, weights) }, signal, {
      labels: ownerLabels(canary),
    });
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    return await liveRouteWeights(this.store, this.httpRoute(canary), canary, routeWeightsOf, signal);
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    await this.store.apply(this.httpRoute(canary), { ...httpRouteSpec(canary, w) }, signal, {
      labels: ownerLabels(canary),
    });
  }

  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    await this.store.finalize(this.httpRoute(canary), signal);
  }

  private httpRoute(c: Canary): ObjectRef {
    return {
      group: 'gateway.networking.k8s.io',
      version: this.version,
      plural: 'httproutes',
      kind: 'HTTPRoute',
      namespace: c.metadata.namespace,
      name: apexName(c),
    };
  }
}
