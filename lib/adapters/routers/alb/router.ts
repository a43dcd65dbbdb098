/**
 * The AWS Load Balancer Controller router (`provider: alb`): adopts the `ingressRef` Ingress and
 * keeps its weighted forward action (and the A/B match action) in step, built by ingress.ts. The
 * Ingress's original spec is kept by the engine (annotation
 * `flagger.kubernetes.io/original-configuration`) and every build starts from it, so the user's
 * hosts, paths, TLS and other annotations stay; finalize takes the actions out and restores it.
 */
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName, ingressName, strategy } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import { NotFoundError } from '../../kubernetes/errors.js';
import { InvalidRoutesError } from '../engine/errors.js';
import { isJson } from '../engine/json.js';
import {
  CustomObjectStore,
  describeRef,
  isAdopted,
  originalSpec,
  type CustomObjectClients,
  type KubeObject,
  type ObjectRef,
} from '../engine/objects.js';
import { assertRoutable } from '../engine/rules.js';
import { albAnnotations, albRouteWeights, foreignAnnotations, weightedSpec } from './ingress.js';

const INITIAL: RouteWeights = { primary: 100, canary: 0, mirrored: false };

/** Routes a canary with the ALB's weighted target groups. */
export class AlbRouter implements Router {
  private readonly store: CustomObjectStore;

  constructor(clients: CustomObjectClients) {
    this.store = new CustomObjectStore(clients);
  }

  /** Adopts the Ingress, keeping the live split (100/0 when not ours yet). */
  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    const live = await this.live(canary, signal);
    await this.write(canary, live, albRouteWeights(canary, live.metadata.annotations) ?? INITIAL, signal);
  }

  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    const live = await this.live(canary, signal);
    return albRouteWeights(canary, live.metadata.annotations);
  }

  /** One GET and at most one PUT (none when the split and spec are already so). */
  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    await this.write(canary, await this.live(canary, signal), w, signal);
  }

  /** Takes the actions out (the Ingress still adopted), then restores the original spec. */
  async finalize(canary: Canary, signal: AbortSignal): Promise<void> {
    const ref = ingressRef(canary);
    const live = await this.store.get(ref, signal);
    if (!live || !isAdopted(live)) return;
    const original = originalSpec(live) ?? {};
    const annotations = foreignAnnotations(canary, live.metadata.annotations);
    await this.store.applyTo(ref, live, isJson(original) ? original : {}, signal, { annotations });
    await this.store.finalize(ref, signal);
  }

  private async write(canary: Canary, live: KubeObject, w: RouteWeights, signal: AbortSignal): Promise<void> {
    assertRoutable(canary, 'alb');
    const ref = ingressRef(canary);
    const original = originalSpec(live);
    const ab = strategy(canary, 'alb') === 'ab-testing' && w.canary === 100;
    const built = isJson(original) ? weightedSpec(canary, original, ab) : undefined;
    if (!built) {
      throw new InvalidRoutesError(`${describeRef(ref)} has no path to the apex Service ${apexName(canary)}`);
    }
    const annotations = {
      ...foreignAnnotations(canary, live.metadata.annotations),
      ...albAnnotations(canary, w, built.port),
    };
    await this.store.applyTo(ref, live, built.spec, signal, { annotations });
  }

  private async live(canary: Canary, signal: AbortSignal): Promise<KubeObject> {
    const ref = ingressRef(canary);
    const live = await this.store.get(ref, signal);
    if (!live) throw new NotFoundError(`${describeRef(ref)} (ingressRef) get failed: not found`);
    return live;
  }
}

function ingressRef(c: Canary): ObjectRef {
  const { namespace } = c.metadata;
  const name = ingressName(c);
  return { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', kind: 'Ingress', namespace, name };
}
