/**
 * The Contour router: one `HTTPProxy` `<apex>` (projectcontour.io/v1) built by http-proxy.ts and
 * applied through the shared single-object router (one GET, at most one PUT).
 */
import { apexName } from '../../../domain/spec/accessors.js';
import type { Canary } from '../../../domain/spec/schema.js';
import type { Json } from '../engine/json.js';
import type { CustomObjectClients, ObjectRef } from '../engine/objects.js';
import { SingleObjectRouter } from '../engine/single-object.js';
import { httpProxySpec, routeWeightsOf } from './http-proxy.js';

/** Options of {@link ContourRouter}. */
export interface ContourRouterOptions {
  /** `spec.ingressClassName` of the HTTPProxy (Flagger's `-ingress-class`); none by default. */
  ingressClass?: string;
}

/** Where the HTTPProxy of `c` lives. */
function httpProxyRef(c: Canary): ObjectRef {
  const { namespace } = c.metadata;
  return {
    group: 'projectcontour.io',
    version: 'v1',
    plural: 'httpproxies',
    kind: 'HTTPProxy',
    namespace,
    name: apexName(c),
  };
}

/** Routes a canary with a Contour HTTPProxy. */
export class ContourRouter extends SingleObjectRouter {
  constructor(clients: CustomObjectClients, options: ContourRouterOptions = {}) {
    super(clients, {
      provider: 'contour',
      ref: httpProxyRef,
      spec: (c, w) => httpProxySpec(c, w, options.ingressClass) as unknown as Json,
      weightsOf: routeWeightsOf,
    });
  }
}
