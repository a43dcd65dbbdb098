/**
 * Flagger's `kubernetes` provider: no mesh, so no weights. Blue/green works by pointing the apex
 * Service's selector at the primary pods (`app: <target>-primary`) or at the canary pods
 * (`app: <target>`); the selector *is* the route state. The apex Service itself is created by the
 * workloads step (Flagger tick step 7); this router only reads and switches its selector.
 */
import { PatchStrategy, type V1Service } from '@kubernetes/client-node';
import type { Canary } from '../../../domain/spec/schema.js';
import { apexName, targetName } from '../../../domain/spec/accessors.js';
import type { RouteWeights, Router } from '../../../ports/router.js';
import type { ClusterClients } from '../../kubernetes/client.js';
import { NotFoundError } from '../../../ports/errors.js';
import { SELECTOR_LABELS } from '../../kubernetes/labels.js';
import { InvalidRoutesError, UnsupportedRoutingError } from '../engine/errors.js';

/** Options of {@link KubernetesRouter}. */
export interface KubernetesRouterOptions {
  /** Selector keys that may carry the app name, first match wins (Flagger's `-selector-labels`). */
  selectorLabels?: readonly string[];
}

/** Which pods the apex selects. */
type Side = 'primary' | 'canary';

/** Pure: the side a weight split asks for; only 100/0 and 0/100 without mirroring exist here. */
export function sideFor(c: Canary, w: RouteWeights): Side {
  if (!w.mirrored && w.primary === 100 && w.canary === 0) return 'primary';
  if (!w.mirrored && w.primary === 0 && w.canary === 100) return 'canary';
  throw new UnsupportedRoutingError(
    `the kubernetes provider cannot route ${w.primary}/${w.canary}${w.mirrored ? ' with mirroring' : ''} for ` +
      `${c.metadata.namespace}/${apexName(c)}: only 100/0 (primary) or 0/100 (canary), no mirroring`,
  );
}

/** Pure: the selector value that selects `side`'s pods. */
export function selectorValue(c: Canary, side: Side): string {
  return side === 'primary' ? `${targetName(c)}-primary` : targetName(c);
}

/** Routes a canary by switching the apex Service selector (blue/green only). */
export class KubernetesRouter implements Router {
  private readonly labels: readonly string[];

  constructor(
    private readonly clients: Pick<ClusterClients, 'core' | 'call'>,
    options: KubernetesRouterOptions = {},
  ) {
    this.labels = options.selectorLabels ?? SELECTOR_LABELS;
  }

  /** Verifies the apex Service exists and selects primary or canary pods; writes nothing. */
  async reconcile(canary: Canary, signal: AbortSignal): Promise<void> {
    this.selected(canary, await this.read(canary, signal));
  }

  /** Undefined while the apex Service is missing or selects neither side (not set up yet). */
  async getRoutes(canary: Canary, signal: AbortSignal): Promise<RouteWeights | undefined> {
    let side: Side;
    try {
      ({ side } = this.selected(canary, await this.read(canary, signal)));
    } catch (e) {
      if (e instanceof NotFoundError || e instanceof InvalidRoutesError) return undefined;
      throw e;
    }
    return side === 'primary'
      ? { primary: 100, canary: 0, mirrored: false }
      : { primary: 0, canary: 100, mirrored: false };
  }

  /** Merge-patches the one selector key, guarded by the resourceVersion just read. */
  async setRoutes(canary: Canary, w: RouteWeights, signal: AbortSignal): Promise<void> {
    const want = sideFor(canary, w);
    const svc = await this.read(canary, signal);
    const { key, side } = this.selected(canary, svc);
    if (side === want) return;
    const body = {
      metadata: { resourceVersion: svc.metadata?.resourceVersion },
      spec: { selector: { [key]: selectorValue(canary, want) } },
    };
    const name = apexName(canary);
    const { namespace } = canary.metadata;
    await this.clients.call(
      `${this.describe(canary)} patch`,
      signal,
      (o) => this.clients.core.patchNamespacedService({ name, namespace, body }, o),
      PatchStrategy.MergePatch,
    );
  }

  /** Nothing to undo: the router creates and adopts nothing; restoring the apex is the workloads' job. */
  async finalize(_canary: Canary, _signal: AbortSignal): Promise<void> {}

  private async read(canary: Canary, signal: AbortSignal): Promise<V1Service> {
    const name = apexName(canary);
    const { namespace } = canary.metadata;
    return this.clients.call(`${this.describe(canary)} get`, signal, (o) =>
      this.clients.core.readNamespacedService({ name, namespace }, o),
    );
  }

  /** The selector key in use and the side it selects; an error when it selects neither. */
  private selected(canary: Canary, svc: V1Service): { key: string; side: Side } {
    const selector = svc.spec?.selector ?? {};
    const primary = selectorValue(canary, 'primary');
    const canaryValue = selectorValue(canary, 'canary');
    for (const key of this.labels) {
      if (selector[key] === primary) return { key, side: 'primary' };
      if (selector[key] === canaryValue) return { key, side: 'canary' };
    }
    throw new InvalidRoutesError(
      `${this.describe(canary)} selector ${JSON.stringify(selector)} selects neither ${primary} nor ${canaryValue} ` +
        `(looked at ${this.labels.join(', ')})`,
    );
  }

  private describe(canary: Canary): string {
    return `Service ${canary.metadata.namespace}/${apexName(canary)}`;
  }
}
