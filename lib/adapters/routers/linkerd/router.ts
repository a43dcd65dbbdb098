/**
 * The Linkerd router. Linkerd routes a canary in one of two ways, chosen per canary by
 * `linkerdUsesGatewayApi` (lib/domain/spec/meshes.ts):
 *
 * - an SMI `TrafficSplit` `<apex>` in split.smi-spec.io/v1alpha1, as Flagger's `linkerd` provider
 *   writes it (Linkerd ≥ 2.12 serves it through its SMI extension);
 * - with `service.gatewayRefs` (usually the apex Service itself, `kind: Service`), a Gateway API
 *   `HTTPRoute` `<apex>`, as Flagger v1.44's Linkerd guide runs it (`gatewayapi:v1beta1`; Linkerd
 *   ≥ 2.14 reads gateway.networking.k8s.io HTTPRoutes). A/B matches need this path.
 *
 * Both write through the shared engine. Reconcile also finalizes the object of the other path, so
 * switching paths leaves no stale split behind.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { linkerdUsesGatewayApi } from '../../../domain/spec/meshes.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import type { CustomObjectClients } from '../engine/objects.js';
import { GatewayApiRouter } from '../gatewayapi/router.js';
import { SmiRouter } from '../smi/router.js';

/** Options of {@link LinkerdRouter}. */
export interface LinkerdRouterOptions {
  /** HTTPRoute version on the Gateway API path; default `v1beta1` (every Linkerd ≥ 2.14). */
  gatewayApiVersion?: 'v1' | 'v1beta1';
}

/** Routes a canary through Linkerd: TrafficSplit, or HTTPRoute when gatewayRefs are given. */
export class LinkerdRouter implements Router {
  private readonly split: SmiRouter;
  private readonly route: GatewayApiRouter;

  constructor(clients: CustomObjectClients, options: LinkerdRouterOptions = {}) {
    this.split = new SmiRouter(clients, { version: 'v1alpha1' });
    this.route = new GatewayApiRouter(clients, { version: options.gatewayApiVersion ?? 'v1beta1' });
  }

  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    const [active, other] = this.paths(canary);
    await active.reconcile(canary, signal);
    await other.finalize(canary, signal);
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    return await this.paths(canary)[0].getRoutes(canary, signal);
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    await this.paths(canary)[0].setRoutes(canary, w, signal);
  }

  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    for (const router of this.paths(canary)) await router.finalize(canary, signal);
  }

  /** The router of the canary's path first, the other second. */
  private paths(c: Canary): [Router, Router] {
    return linkerdUsesGatewayApi(c) ? [this.route, this.split] : [this.split, this.route];
  }
}
