/**
 * The Gateway API router: one `HTTPRoute` `<apex>` (gateway.networking.k8s.io/v1) with weighted
 * backendRefs to the primary and canary Services, built by http-route.ts and applied with one GET
 * and at most one PUT.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { ownerLabels } from '../../kubernetes/labels.js';
import { canaryName, primaryName } from '../../../domain/spec/accessors.js';
import {
  CustomObjectStore,
  isForeign,
  liveRouteWeights,
  originalSpec,
  reconciledWeights,
  takeoverMessage,
  type CustomObjectClients,
  type ObjectRef,
} from '../engine/objects.js';
import { httpRouteSpec, routedBackends, routeWeightsOf, type InheritedRoute } from './http-route.js';

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

  /** An HTTPRoute the team already had is taken over: parentRefs, hostnames and matches kept. */
  async reconcile(canary: Canary, signal: AbortSignal): Promise<string[]> {
    const ref = this.httpRoute(canary);
    const live = await this.store.get(ref, signal);
    const weights = reconciledWeights(canary, live, routeWeightsOf);
    const inherited = originalSpec(live) as InheritedRoute | undefined;
    await this.store.applyTo(ref, live, { ...httpRouteSpec(canary, weights, inherited) }, signal, {
      labels: ownerLabels(canary),
    });
    if (!isForeign(live)) return [];
    const now = `${primaryName(canary)} (${weights.primary}%) and ${canaryName(canary)} (${weights.canary}%)`;
    return [takeoverMessage(ref, routedBackends(inherited), now)];
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    return await liveRouteWeights(this.store, this.httpRoute(canary), canary, routeWeightsOf, signal);
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    const ref = this.httpRoute(canary);
    const live = await this.store.get(ref, signal);
    const inherited = originalSpec(live) as InheritedRoute | undefined;
    await this.store.applyTo(ref, live, { ...httpRouteSpec(canary, w, inherited) }, signal, {
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
