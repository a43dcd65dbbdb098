/**
 * The App Mesh router (appmesh.k8s.aws/v1beta2). App Mesh reached end of support in September
 * 2026; this router is kept correct for existing users, not extended. Objects are built by
 * objects.ts and applied with one GET and at most one PUT each.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName, canaryName, primaryName } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { ownerLabels } from '../../kubernetes/labels.js';
import {
  CustomObjectStore,
  liveRouteWeights,
  reconciledWeights,
  type ApplyOptions,
  type CustomObjectClients,
  type ObjectRef,
} from '../engine/objects.js';
import {
  APPMESH_PRESERVED,
  routeWeightsOf,
  virtualNodeSpec,
  virtualRouterSpec,
  virtualServiceSpec,
} from './objects.js';

const GROUP = 'appmesh.k8s.aws';
const VERSION = 'v1beta2';
const CANARY_ONLY: RouteWeights = { primary: 0, canary: 100, mirrored: false };

type Kind = 'VirtualNode' | 'VirtualRouter' | 'VirtualService';

function ref(c: Canary, kind: Kind, name: string): ObjectRef {
  return {
    group: GROUP,
    version: VERSION,
    plural: `${kind.toLowerCase()}s`,
    kind,
    namespace: c.metadata.namespace,
    name,
  };
}

/** Apply options: App Mesh owns `awsName`/`meshRef` after create; created objects get owner labels. */
function options(c: Canary): ApplyOptions {
  return { preserve: APPMESH_PRESERVED, labels: ownerLabels(c) };
}

/** Routes a canary with App Mesh VirtualNodes, VirtualRouters and VirtualServices. */
export class AppMeshRouter implements Router {
  private readonly store: CustomObjectStore;

  constructor(clients: CustomObjectClients) {
    this.store = new CustomObjectStore(clients);
  }

  /** Nodes, then routers, then services: each object only refers to objects that already exist. */
  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    const opts = options(canary);
    await this.store.apply(
      ref(canary, 'VirtualNode', primaryName(canary)),
      virtualNodeSpec(canary, 'primary'),
      signal,
      opts,
    );
    await this.store.apply(
      ref(canary, 'VirtualNode', canaryName(canary)),
      virtualNodeSpec(canary, 'canary'),
      signal,
      opts,
    );
    const apexRouter = ref(canary, 'VirtualRouter', apexName(canary));
    const live = await this.store.get(apexRouter, signal);
    // Reconcile keeps the live split; a new or foreign router starts at 100 % primary.
    const weights = reconciledWeights(canary, live, routeWeightsOf);
    await this.store.applyTo(apexRouter, live, virtualRouterSpec(canary, 'apex', weights), signal, opts);
    const canaryRouter = ref(canary, 'VirtualRouter', canaryName(canary));
    await this.store.apply(canaryRouter, virtualRouterSpec(canary, 'canary', CANARY_ONLY), signal, opts);
    await this.store.apply(
      ref(canary, 'VirtualService', apexName(canary)),
      virtualServiceSpec(canary, 'apex'),
      signal,
      opts,
    );
    await this.store.apply(
      ref(canary, 'VirtualService', canaryName(canary)),
      virtualServiceSpec(canary, 'canary'),
      signal,
      opts,
    );
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    return liveRouteWeights(
      this.store,
      ref(canary, 'VirtualRouter', apexName(canary)),
      canary,
      routeWeightsOf,
      signal,
    );
  }

  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    const spec = virtualRouterSpec(canary, 'apex', w);
    await this.store.apply(ref(canary, 'VirtualRouter', apexName(canary)), spec, signal, options(canary));
  }

  /** Services, then routers, then nodes: the reverse of reconcile, so nothing dangles. */
  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    for (const [kind, name] of [
      ['VirtualService', apexName(canary)],
      ['VirtualService', canaryName(canary)],
      ['VirtualRouter', apexName(canary)],
      ['VirtualRouter', canaryName(canary)],
      ['VirtualNode', primaryName(canary)],
      ['VirtualNode', canaryName(canary)],
    ] as const) {
      await this.store.finalize(ref(canary, kind, name), signal);
    }
  }
}
