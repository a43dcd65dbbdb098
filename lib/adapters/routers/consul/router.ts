/**
 * The Consul service-mesh router: ServiceDefaults, ServiceResolver, ServiceSplitter and (A/B)
 * ServiceRouter `<apex>` (consul.hashicorp.com/v1alpha1), built by config-entries.ts and applied
 * through the shared engine, one GET and at most one write each.
 *
 * Order matters to Consul, which rejects an entry referring to what does not exist yet: reconcile
 * writes defaults, resolver (the subsets), splitter, then router; finalize goes in reverse. An
 * existing ServiceDefaults is never adopted (it holds the service's other settings): it is only
 * checked for an L7 protocol.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { ownerLabels } from '../../kubernetes/labels.js';
import { UnsupportedRoutingError } from '../engine/errors.js';
import {
  CustomObjectStore,
  describeRef,
  isManaged,
  liveRouteWeights,
  reconciledWeights,
  type CustomObjectClients,
  type KubeObject,
  type ObjectRef,
} from '../engine/objects.js';
import {
  isAbTest,
  L7_PROTOCOLS,
  resolverPreserved,
  routerWeightsOf,
  serviceDefaultsSpec,
  serviceResolverSpec,
  serviceRouterSpec,
  serviceSplitterSpec,
  splitterWeightsOf,
} from './config-entries.js';

type Kind = 'ServiceDefaults' | 'ServiceResolver' | 'ServiceSplitter' | 'ServiceRouter';

function ref(c: Canary, kind: Kind): ObjectRef {
  const plural = kind === 'ServiceDefaults' ? 'servicedefaults' : `${kind.toLowerCase()}s`;
  const name = apexName(c);
  return {
    group: 'consul.hashicorp.com',
    version: 'v1alpha1',
    plural,
    kind,
    namespace: c.metadata.namespace,
    name,
  };
}

/**
 * Pure: why a ServiceDefaults we did not create cannot carry the canary, or undefined. Without a
 * `protocol` the protocol comes from ProxyDefaults, which is not ours to read.
 */
export function foreignDefaultsProblem(ref: ObjectRef, live: KubeObject): string | undefined {
  const raw = (live.spec as { protocol?: unknown } | undefined)?.protocol;
  if (raw === undefined) return undefined;
  const protocol = typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (L7_PROTOCOLS.includes(protocol)) return undefined;
  return `${describeRef(ref)} sets protocol "${protocol}"; splitting a canary needs ${L7_PROTOCOLS.join(', ')}`;
}

/** Routes a canary with Consul service-mesh config entries. */
export class ConsulRouter implements Router {
  private readonly store: CustomObjectStore;

  constructor(clients: CustomObjectClients) {
    this.store = new CustomObjectStore(clients);
  }

  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    await this.reconcileDefaults(canary, signal);
    await this.reconcileResolver(canary, signal);
    const labels = ownerLabels(canary);
    const splitter = ref(canary, 'ServiceSplitter');
    const liveSplitter = await this.store.get(splitter, signal);
    if (!isAbTest(canary)) {
      const w = reconciledWeights(canary, liveSplitter, splitterWeightsOf);
      await this.store.applyTo(splitter, liveSplitter, { ...serviceSplitterSpec(canary, w) }, signal, {
        labels,
      });
      await this.store.finalize(ref(canary, 'ServiceRouter'), signal);
      return;
    }
    // A/B: the splitter holds everyone else on the primary; the router carries the test.
    const start = { primary: 100, canary: 0, mirrored: false };
    await this.store.applyTo(splitter, liveSplitter, { ...serviceSplitterSpec(canary, start) }, signal, {
      labels,
    });
    const router = ref(canary, 'ServiceRouter');
    const liveRouter = await this.store.get(router, signal);
    const w = reconciledWeights(canary, liveRouter, routerWeightsOf);
    await this.store.applyTo(router, liveRouter, { ...serviceRouterSpec(canary, w) }, signal, { labels });
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    return isAbTest(canary)
      ? await liveRouteWeights(this.store, ref(canary, 'ServiceRouter'), canary, routerWeightsOf, signal)
      : await liveRouteWeights(this.store, ref(canary, 'ServiceSplitter'), canary, splitterWeightsOf, signal);
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    const labels = ownerLabels(canary);
    if (isAbTest(canary)) {
      await this.store.apply(ref(canary, 'ServiceRouter'), { ...serviceRouterSpec(canary, w) }, signal, {
        labels,
      });
    } else {
      await this.store.apply(ref(canary, 'ServiceSplitter'), { ...serviceSplitterSpec(canary, w) }, signal, {
        labels,
      });
    }
  }

  /** Router, splitter, resolver, then our ServiceDefaults: nothing refers to a removed entry. */
  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    for (const kind of ['ServiceRouter', 'ServiceSplitter', 'ServiceResolver', 'ServiceDefaults'] as const) {
      await this.store.finalize(ref(canary, kind), signal);
    }
  }

  /** The user's resolver fields survive adoption; on a resolver we created, ours are the only ones. */
  private async reconcileResolver(canary: Canary, signal: AbortSignal): Promise<void> {
    const resolver = ref(canary, 'ServiceResolver');
    const live = await this.store.get(resolver, signal);
    const preserve = live && !isManaged(live) ? resolverPreserved(canary) : [];
    await this.store.applyTo(resolver, live, serviceResolverSpec(canary), signal, {
      labels: ownerLabels(canary),
      preserve,
    });
  }

  /** Creates ServiceDefaults (or repairs ours); checks one that belongs to someone else. */
  private async reconcileDefaults(canary: Canary, signal: AbortSignal): Promise<void> {
    const defaults = ref(canary, 'ServiceDefaults');
    const live = await this.store.get(defaults, signal);
    if (live && !isManaged(live)) {
      const problem = foreignDefaultsProblem(defaults, live);
      if (problem) throw new UnsupportedRoutingError(problem);
      return;
    }
    await this.store.applyTo(defaults, live, serviceDefaultsSpec(), signal, { labels: ownerLabels(canary) });
  }
}
