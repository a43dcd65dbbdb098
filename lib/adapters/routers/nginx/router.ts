/**
 * The NGINX ingress router: reads the `ingressRef` Ingress (never writes it) and keeps its copy
 * `<ingress>-canary` in step, built by ingress.ts. The split is the copy's annotations, so every
 * write is one PUT of spec and annotations through the shared engine, and none when unchanged.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName, ingressName } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { NotFoundError } from '../../kubernetes/errors.js';
import { ownerLabels } from '../../kubernetes/labels.js';
import { inheritedLabels } from '../engine/copy.js';
import { InvalidRoutesError } from '../engine/errors.js';
import type { Json } from '../engine/json.js';
import {
  CustomObjectStore,
  describeRef,
  isAdopted,
  type CustomObjectClients,
  type KubeObject,
  type ObjectRef,
} from '../engine/objects.js';
import { assertRoutable } from '../engine/rules.js';
import {
  canaryIngressName,
  canaryIngressSpec,
  canaryState,
  NGINX_PREFIX,
  nonCanaryAnnotations,
  routeWeightsOf,
} from './ingress.js';

/** Options of {@link NginxRouter}. */
export interface NginxRouterOptions {
  /** ingress-nginx's annotation prefix; default `nginx.ingress.kubernetes.io`. */
  annotationsPrefix?: string;
}

const INITIAL: RouteWeights = { primary: 100, canary: 0, mirrored: false };

/** Routes a canary with ingress-nginx's canary Ingress. */
export class NginxRouter implements Router {
  private readonly store: CustomObjectStore;
  private readonly prefix: string;

  constructor(clients: CustomObjectClients, options: NginxRouterOptions = {}) {
    this.store = new CustomObjectStore(clients);
    this.prefix = options.annotationsPrefix ?? NGINX_PREFIX;
  }

  /** Copies the source Ingress into `<ingress>-canary`, keeping the live split (100/0 when new). */
  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    assertRoutable(canary, 'nginx');
    const source = await this.source(canary, signal);
    const ref = this.canaryIngress(canary);
    const live = await this.store.get(ref, signal);
    const weights = (live && routeWeightsOf(canary, live.metadata.annotations, this.prefix)) ?? INITIAL;
    await this.write(canary, source, live, weights, signal);
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    const ref = this.canaryIngress(canary);
    const live = await this.store.get(ref, signal);
    if (!live) throw new NotFoundError(`${describeRef(ref)} get failed: not found`);
    const weights = routeWeightsOf(canary, live.metadata.annotations, this.prefix);
    if (!weights) {
      throw new InvalidRoutesError(
        `${describeRef(ref)} is not an NGINX canary Ingress (annotation ${this.prefix}/canary: "true" with a canary-weight)`,
      );
    }
    return weights;
  }

  /** One GET of the canary Ingress; its spec is kept, its annotations carry `w`. */
  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    assertRoutable(canary, 'nginx');
    const ref = this.canaryIngress(canary);
    const live = await this.store.get(ref, signal);
    if (!live) return this.write(canary, await this.source(canary, signal), undefined, w, signal);
    await this.store.applyTo(ref, live, live.spec ?? {}, signal, {
      annotations: {
        ...nonCanaryAnnotations(live.metadata.annotations, this.prefix),
        ...this.state(canary, w),
      },
    });
  }

  /** Deletes our copy; an adopted one is switched off (weight 0) and gets its spec back. */
  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    const ref = this.canaryIngress(canary);
    const live = await this.store.get(ref, signal);
    if (live && isAdopted(live)) {
      await this.store.applyTo(ref, live, live.spec ?? {}, signal, {
        annotations: {
          ...nonCanaryAnnotations(live.metadata.annotations, this.prefix),
          ...this.state(canary, INITIAL),
        },
      });
    }
    await this.store.finalize(ref, signal);
  }

  private state(canary: Canary, w: RouteWeights): Record<string, string> {
    return canaryState(canary, w, this.prefix);
  }

  private async write(
    canary: Canary,
    source: KubeObject,
    live: KubeObject | undefined,
    w: RouteWeights,
    signal: AbortSignal,
  ): Promise<void> {
    const spec: Json | undefined = canaryIngressSpec(canary, source.spec);
    if (!spec) {
      throw new InvalidRoutesError(
        `${describeRef(this.sourceRef(canary))} has no backend to the apex Service ${apexName(canary)}`,
      );
    }
    const annotations = {
      ...nonCanaryAnnotations(source.metadata.annotations, this.prefix),
      ...this.state(canary, w),
    };
    const labels = { ...inheritedLabels(source.metadata.labels), ...ownerLabels(canary) };
    await this.store.applyTo(this.canaryIngress(canary), live, spec, signal, { labels, annotations });
  }

  private async source(canary: Canary, signal: AbortSignal): Promise<KubeObject> {
    const ref = this.sourceRef(canary);
    const source = await this.store.get(ref, signal);
    if (!source) throw new NotFoundError(`${describeRef(ref)} (ingressRef) get failed: not found`);
    return source;
  }

  private sourceRef(c: Canary): ObjectRef {
    return ingressRef(c, ingressName(c));
  }

  private canaryIngress(c: Canary): ObjectRef {
    return ingressRef(c, canaryIngressName(c));
  }
}

function ingressRef(c: Canary, name: string): ObjectRef {
  const { namespace } = c.metadata;
  return { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', kind: 'Ingress', namespace, name };
}
