/**
 * The SMI router: one `TrafficSplit` `<apex>` (split.smi-spec.io) built by traffic-split.ts and
 * applied with one GET and at most one PUT. The version is fixed by the caller (Linkerd writes
 * v1alpha1, as Flagger's `linkerd` provider does) or read per canary from `spec.provider`
 * (`smi:v1alpha3` → v1alpha3), as Flagger picks its SMI router.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName, providerVersion } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { ownerLabels } from '../../kubernetes/labels.js';
import {
  CustomObjectStore,
  liveRouteWeights,
  reconciledWeights,
  type CustomObjectClients,
  type ObjectRef,
} from '../engine/objects.js';
import { routeWeightsOf, smiVersions, trafficSplitSpec, type SmiVersion } from './traffic-split.js';

/** Options of {@link SmiRouter}. */
export interface SmiRouterOptions {
  /** Always write this version; default: the canary's `smi:<version>`, else {@link DEFAULT_SMI_VERSION}. */
  version?: SmiVersion;
}

/**
 * The version of a canary routed by the bare `smi` family (a cluster default provider, which
 * carries no suffix): v1alpha2, served by both Linkerd's SMI extension and Open Service Mesh.
 */
const DEFAULT_SMI_VERSION: SmiVersion = 'v1alpha2';

/** Routes a canary with an SMI TrafficSplit. */
export class SmiRouter implements Router {
  private readonly store: CustomObjectStore;

  constructor(
    clients: CustomObjectClients,
    private readonly options: SmiRouterOptions = {},
  ) {
    this.store = new CustomObjectStore(clients);
  }

  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    const ref = this.trafficSplit(canary);
    const live = await this.store.get(ref, signal);
    const weights = reconciledWeights(canary, live, routeWeightsOf);
    await this.store.applyTo(ref, live, { ...this.spec(canary, weights) }, signal, {
      labels: ownerLabels(canary),
    });
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    return await liveRouteWeights(this.store, this.trafficSplit(canary), canary, routeWeightsOf, signal);
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    await this.store.apply(this.trafficSplit(canary), { ...this.spec(canary, w) }, signal, {
      labels: ownerLabels(canary),
    });
  }

  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    await this.store.finalize(this.trafficSplit(canary), signal);
  }

  private spec(c: Canary, w: RouteWeights) {
    return trafficSplitSpec(c, w, this.version(c));
  }

  private version(c: Canary): SmiVersion {
    if (this.options.version) return this.options.version;
    const v = providerVersion(c);
    return (smiVersions as readonly string[]).includes(v ?? '') ? (v as SmiVersion) : DEFAULT_SMI_VERSION;
  }

  private trafficSplit(c: Canary): ObjectRef {
    return {
      group: 'split.smi-spec.io',
      version: this.version(c),
      plural: 'trafficsplits',
      kind: 'TrafficSplit',
      namespace: c.metadata.namespace,
      name: apexName(c),
    };
  }
}
