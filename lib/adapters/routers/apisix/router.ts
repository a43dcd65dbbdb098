/**
 * The APISIX router: reads the `routeRef` ApisixRoute (never writes it) and keeps the canary route
 * `<route>-<apex>-canary`, built by apisix-route.ts, with one GET and at most one PUT; setRoutes
 * only changes the live canary route's backend weights.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { routeName } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { NotFoundError } from '../../kubernetes/errors.js';
import { ownerLabels } from '../../kubernetes/labels.js';
import { inheritedAnnotations, inheritedLabels } from '../engine/copy.js';
import { InvalidRoutesError, UnsupportedRoutingError } from '../engine/errors.js';
import {
  CustomObjectStore,
  describeRef,
  liveRouteWeights,
  reconciledWeights,
  type CustomObjectClients,
  type KubeObject,
  type ObjectRef,
} from '../engine/objects.js';
import { assertRoutable } from '../engine/rules.js';
import { canaryRouteName, canaryRouteSpec, routeWeightsOf, withWeights } from './apisix-route.js';

function apisixRoute(c: Canary, name: string): ObjectRef {
  const { namespace } = c.metadata;
  return {
    group: 'apisix.apache.org',
    version: 'v2',
    plural: 'apisixroutes',
    kind: 'ApisixRoute',
    namespace,
    name,
  };
}

function noMirror(c: Canary, w: RouteWeights): void {
  if (w.mirrored) {
    throw new UnsupportedRoutingError(
      `the apisix provider does not mirror traffic (${c.metadata.namespace}/${c.metadata.name})`,
    );
  }
}

/** Routes a canary with a weighted copy of its ApisixRoute. */
export class ApisixRouter implements Router {
  private readonly store: CustomObjectStore;

  constructor(clients: CustomObjectClients) {
    this.store = new CustomObjectStore(clients);
  }

  /** Copies the source route's rule into the canary route, keeping the live split (100/0 when new). */
  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    assertRoutable(canary, 'apisix');
    const source = await this.source(canary, signal);
    const ref = this.canaryRoute(canary);
    const live = await this.store.get(ref, signal);
    await this.write(canary, source, live, reconciledWeights(canary, live, routeWeightsOf), signal);
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    return liveRouteWeights(this.store, this.canaryRoute(canary), canary, routeWeightsOf, signal);
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    assertRoutable(canary, 'apisix');
    noMirror(canary, w);
    const ref = this.canaryRoute(canary);
    const live = await this.store.get(ref, signal);
    if (!live) return this.write(canary, await this.source(canary, signal), undefined, w, signal);
    const spec = withWeights(canary, live.spec, w);
    if (!spec) throw new InvalidRoutesError(`${describeRef(ref)} does not contain a backend to the primary`);
    await this.store.applyTo(ref, live, spec, signal);
  }

  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    await this.store.finalize(this.canaryRoute(canary), signal);
  }

  private async write(
    canary: Canary,
    source: KubeObject,
    live: KubeObject | undefined,
    w: RouteWeights,
    signal: AbortSignal,
  ): Promise<void> {
    noMirror(canary, w);
    await this.store.applyTo(
      this.canaryRoute(canary),
      live,
      canaryRouteSpec(canary, source.spec, w),
      signal,
      {
        labels: { ...inheritedLabels(source.metadata.labels), ...ownerLabels(canary) },
        annotations: inheritedAnnotations(source.metadata.annotations),
      },
    );
  }

  private async source(canary: Canary, signal: AbortSignal): Promise<KubeObject> {
    const ref = apisixRoute(canary, routeName(canary));
    const found = await this.store.get(ref, signal);
    if (!found) throw new NotFoundError(`${describeRef(ref)} (routeRef) get failed: not found`);
    return found;
  }

  private canaryRoute(c: Canary): ObjectRef {
    return apisixRoute(c, canaryRouteName(c));
  }
}
