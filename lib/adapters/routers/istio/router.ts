/**
 * The Istio router: VirtualService `<apex>` and DestinationRules `<apex>-primary`/`<apex>-canary`
 * (networking.istio.io, v1beta1 by default, v1 on request). Objects are built by the pure
 * functions of virtual-service.ts and applied with at most one read (one LIST for both
 * DestinationRules) and one PUT each.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName, canaryName, primaryName } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { ownerLabels, ownerSelector } from '../../kubernetes/labels.js';
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
import {
  destinationRuleSpec,
  routedHosts,
  routeWeightsOf,
  virtualServiceSpec,
  type InheritedRouting,
} from './virtual-service.js';

/** Istio API versions the router can write. */
export type IstioVersion = 'v1beta1' | 'v1';

/** Options of {@link IstioRouter}. */
export interface IstioRouterOptions {
  /** `networking.istio.io` version to read and write; default `v1beta1`. */
  version?: IstioVersion;
}

const GROUP = 'networking.istio.io';

/** Routes a canary with an Istio VirtualService. */
export class IstioRouter implements Router {
  private readonly store: CustomObjectStore;
  private readonly version: IstioVersion;

  constructor(clients: CustomObjectClients, options: IstioRouterOptions = {}) {
    this.store = new CustomObjectStore(clients);
    this.version = options.version ?? 'v1beta1';
  }

  /**
   * DestinationRules first, so the VirtualService never points at hosts without their policy. A
   * VirtualService the team already had is taken over: hosts, gateways and matches kept.
   */
  async reconcile(canary: Canary, signal: AbortSignal): Promise<string[]> {
    const options = { labels: ownerLabels(canary) };
    // One LIST reads both DestinationRules we created; the applies below then read nothing.
    await this.store.list(this.destinationRule(canary, 'primary'), ownerSelector(canary), signal);
    await this.store.apply(
      this.destinationRule(canary, 'primary'),
      destinationRuleSpec(canary, 'primary'),
      signal,
      options,
    );
    await this.store.apply(
      this.destinationRule(canary, 'canary'),
      destinationRuleSpec(canary, 'canary'),
      signal,
      options,
    );
    const ref = this.virtualService(canary);
    const live = await this.store.get(ref, signal);
    const weights = reconciledWeights(canary, live, routeWeightsOf);
    const inherited = originalSpec(live) as InheritedRouting | undefined;
    await this.store.applyTo(
      ref,
      live,
      { ...virtualServiceSpec(canary, weights, inherited) },
      signal,
      options,
    );
    if (!isForeign(live)) return [];
    const now = `${primaryName(canary)} (${weights.primary}%) and ${canaryName(canary)} (${weights.canary}%)`;
    return [takeoverMessage(ref, routedHosts(inherited), now)];
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    return await liveRouteWeights(this.store, this.virtualService(canary), canary, routeWeightsOf, signal);
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    const ref = this.virtualService(canary);
    const live = await this.store.get(ref, signal);
    const inherited = originalSpec(live) as InheritedRouting | undefined;
    await this.store.applyTo(ref, live, { ...virtualServiceSpec(canary, w, inherited) }, signal, {
      labels: ownerLabels(canary),
    });
  }

  /** The VirtualService first, so no route points at a restored or deleted DestinationRule's host. */
  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    await this.store.finalize(this.virtualService(canary), signal);
    await this.store.finalize(this.destinationRule(canary, 'primary'), signal);
    await this.store.finalize(this.destinationRule(canary, 'canary'), signal);
  }

  private virtualService(c: Canary): ObjectRef {
    const { version } = this;
    return {
      group: GROUP,
      version,
      plural: 'virtualservices',
      kind: 'VirtualService',
      namespace: c.metadata.namespace,
      name: apexName(c),
    };
  }

  private destinationRule(c: Canary, role: 'primary' | 'canary'): ObjectRef {
    const name = role === 'primary' ? primaryName(c) : canaryName(c);
    const { version } = this;
    return {
      group: GROUP,
      version,
      plural: 'destinationrules',
      kind: 'DestinationRule',
      namespace: c.metadata.namespace,
      name,
    };
  }
}
