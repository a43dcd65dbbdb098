/**
 * The Gloo Edge router: the primary and canary Upstreams, then the RouteTable `<apex>`, built by
 * objects.ts and applied with one GET and at most one PUT each. The Upstreams copy the selector of
 * the `-primary`/`-canary` Services (read, never written) and the `upstreamRef` settings.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName, canaryName, primaryName, upstreamRef } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import type { ClusterClients } from '../../kubernetes/client.js';
import { NotFoundError } from '../../kubernetes/errors.js';
import { ownerLabels } from '../../kubernetes/labels.js';
import {
  CustomObjectStore,
  describeRef,
  liveRouteWeights,
  reconciledWeights,
  type ObjectRef,
} from '../engine/objects.js';
import { assertRoutable } from '../engine/rules.js';
import { routeTableSpec, routeWeightsOf, upstreamName, upstreamSpec, type Side } from './objects.js';

/** What the Gloo router uses of a cluster's clients. */
export type GlooClients = Pick<ClusterClients, 'custom' | 'core' | 'call'>;

function upstream(c: Canary, name: string, namespace = c.metadata.namespace): ObjectRef {
  return { group: 'gloo.solo.io', version: 'v1', plural: 'upstreams', kind: 'Upstream', namespace, name };
}

/** Where the RouteTable of `c` lives. */
function routeTableRef(c: Canary): ObjectRef {
  const { namespace } = c.metadata;
  return {
    group: 'gateway.solo.io',
    version: 'v1',
    plural: 'routetables',
    kind: 'RouteTable',
    namespace,
    name: apexName(c),
  };
}

/** Routes a canary with Gloo Edge Upstreams and a RouteTable. */
export class GlooRouter implements Router {
  private readonly store: CustomObjectStore;

  constructor(private readonly clients: GlooClients) {
    this.store = new CustomObjectStore(clients);
  }

  /** Upstreams first, so the RouteTable never names an Upstream that does not exist. */
  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    assertRoutable(canary, 'gloo');
    const config = await this.config(canary, signal);
    for (const side of ['primary', 'canary'] as const) {
      const service = await this.service(canary, side, signal);
      await this.store.apply(
        upstream(canary, upstreamName(canary, side)),
        upstreamSpec(canary, service, config),
        signal,
        { labels: ownerLabels(canary) },
      );
    }
    const ref = routeTableRef(canary);
    const live = await this.store.get(ref, signal);
    const weights = reconciledWeights(canary, live, routeWeightsOf);
    await this.store.applyTo(ref, live, routeTableSpec(canary, weights), signal, {
      labels: ownerLabels(canary),
    });
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    return liveRouteWeights(this.store, routeTableRef(canary), canary, routeWeightsOf, signal);
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    assertRoutable(canary, 'gloo');
    await this.store.apply(routeTableRef(canary), routeTableSpec(canary, w), signal, {
      labels: ownerLabels(canary),
    });
  }

  /** The RouteTable first, so no route names a deleted Upstream. */
  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    await this.store.finalize(routeTableRef(canary), signal);
    for (const side of ['primary', 'canary'] as const) {
      await this.store.finalize(upstream(canary, upstreamName(canary, side)), signal);
    }
  }

  /** The spec of the `upstreamRef` Upstream, or undefined without one. */
  private async config(canary: Canary, signal: AbortSignal) {
    const ref = upstreamRef(canary);
    if (!ref) return undefined;
    const at = upstream(canary, ref.name, ref.namespace);
    const found = await this.store.get(at, signal);
    if (!found) throw new NotFoundError(`${describeRef(at)} (upstreamRef) get failed: not found`);
    return found.spec;
  }

  private async service(canary: Canary, side: Side, signal: AbortSignal) {
    const name = side === 'primary' ? primaryName(canary) : canaryName(canary);
    const { namespace } = canary.metadata;
    const svc = await this.clients.call(`Service ${namespace}/${name} get`, signal, (o) =>
      this.clients.core.readNamespacedService({ name, namespace }, o),
    );
    return { name, selector: svc.spec?.selector };
  }
}
