/**
 * The Kuma router: one cluster-scoped `TrafficRoute` `<apex>` (kuma.io/v1alpha1) built by
 * traffic-route.ts and applied through the shared engine (one GET, at most one write).
 *
 * The object is cluster-scoped and named after the apex, as Flagger names it, so canaries of the
 * same name in two namespaces would share it. A TrafficRoute we create carries the canary's
 * namespace in a label; a canary of another namespace is refused instead of taking it over, and
 * never deletes it.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { CANARY_LABEL, ownerLabels } from '../../kubernetes/labels.js';
import { InvalidRoutesError, UnsupportedRoutingError } from '../engine/errors.js';
import {
  CustomObjectStore,
  describeRef,
  isManaged,
  reconciledWeights,
  type ApplyOptions,
  type CustomObjectClients,
  type KubeObject,
  type ObjectRef,
} from '../engine/objects.js';
import { NotFoundError } from '../../kubernetes/errors.js';
import { meshOf, routeWeightsOf, trafficRouteSpec } from './traffic-route.js';

/** Label holding the namespace of the canary that created a cluster-scoped object. */
const NAMESPACE_LABEL = 'flagger-serverless.io/namespace';

function ref(c: Canary): ObjectRef {
  return {
    group: 'kuma.io',
    version: 'v1alpha1',
    plural: 'trafficroutes',
    kind: 'TrafficRoute',
    name: apexName(c),
  };
}

/** Pure: `<namespace>/<canary>` of another canary that owns `live`, or undefined when it is free for `c`. */
export function ownedElsewhere(c: Canary, live: KubeObject | undefined): string | undefined {
  if (!live || !isManaged(live)) return undefined;
  const ns = live.metadata.labels?.[NAMESPACE_LABEL];
  if (ns === undefined || ns === c.metadata.namespace) return undefined;
  return `${ns}/${live.metadata.labels?.[CANARY_LABEL] ?? '?'}`;
}

function options(c: Canary): ApplyOptions {
  return {
    labels: { ...ownerLabels(c), [NAMESPACE_LABEL]: c.metadata.namespace },
    topLevel: { mesh: meshOf(c) },
  };
}

/** Routes a canary with a Kuma TrafficRoute. */
export class KumaRouter implements Router {
  private readonly store: CustomObjectStore;

  constructor(clients: CustomObjectClients) {
    this.store = new CustomObjectStore(clients);
  }

  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    const live = await this.live(canary, signal);
    const weights = reconciledWeights(canary, live, routeWeightsOf);
    await this.store.applyTo(
      ref(canary),
      live,
      { ...trafficRouteSpec(canary, weights) },
      signal,
      options(canary),
    );
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights> {
    const live = await this.live(canary, signal);
    if (!live) throw new NotFoundError(`${describeRef(ref(canary))} get failed: not found`);
    const w = routeWeightsOf(canary, live.spec);
    if (!w)
      throw new InvalidRoutesError(
        `${describeRef(ref(canary))} does not contain routes for ${apexName(canary)}-primary and ${apexName(canary)}-canary`,
      );
    return w;
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    const live = await this.live(canary, signal);
    await this.store.applyTo(ref(canary), live, { ...trafficRouteSpec(canary, w) }, signal, options(canary));
  }

  /** Deletes or restores the TrafficRoute, unless a canary of another namespace owns it. */
  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    if (ownedElsewhere(canary, await this.store.get(ref(canary), signal))) return;
    await this.store.finalize(ref(canary), signal);
  }

  /** The live TrafficRoute; refuses one created for a canary of another namespace. */
  private async live(canary: Canary, signal: AbortSignal): Promise<KubeObject | undefined> {
    const live = await this.store.get(ref(canary), signal);
    const other = ownedElsewhere(canary, live);
    if (other !== undefined) {
      throw new UnsupportedRoutingError(
        `${describeRef(ref(canary))} routes canary ${other}; TrafficRoutes are cluster-scoped, so set service.name to give this canary another apex name`,
      );
    }
    return live;
  }
}
