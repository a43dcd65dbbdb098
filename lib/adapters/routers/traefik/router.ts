/**
 * The Traefik router: one weighted `TraefikService` `<apex>` built by traefik-service.ts and applied
 * through the shared single-object router (one GET, at most one PUT). Canary and blue/green only:
 * a TraefikService has no request matching.
 */
import { apexName } from '../../../domain/spec/accessors.js';
import type { Canary } from '../../../domain/spec/schema.js';
import type { ObjectRef, CustomObjectClients } from '../engine/objects.js';
import { SingleObjectRouter } from '../engine/single-object.js';
import { routeWeightsOf, traefikServiceJson } from './traefik-service.js';

/** Options of {@link TraefikRouter}. */
export interface TraefikRouterOptions {
  /** API group: `traefik.io` (Traefik ≥ 2.10, the default) or the older `traefik.containo.us`. */
  group?: 'traefik.io' | 'traefik.containo.us';
}

/** Where the TraefikService of `c` lives. */
function traefikServiceRef(c: Canary, group = 'traefik.io'): ObjectRef {
  const { namespace } = c.metadata;
  return {
    group,
    version: 'v1alpha1',
    plural: 'traefikservices',
    kind: 'TraefikService',
    namespace,
    name: apexName(c),
  };
}

/** Routes a canary with a weighted TraefikService. */
export class TraefikRouter extends SingleObjectRouter {
  constructor(clients: CustomObjectClients, options: TraefikRouterOptions = {}) {
    super(clients, {
      provider: 'traefik',
      ref: (c) => traefikServiceRef(c, options.group),
      spec: traefikServiceJson,
      weightsOf: routeWeightsOf,
    });
  }
}
