/**
 * The routers' compute-then-apply cycle for custom objects (STYLE.md habit 4): a pure plan decides
 * whether the live object must be created, updated or left alone; the store performs at most one
 * write. Ownership is recorded on the object itself, because the Canary is not a cluster object:
 *
 * - objects we create carry the owner labels of labels.ts (`app.kubernetes.io/managed-by:
 *   flagger-serverless`, `flagger-serverless.io/canary: <name>`) and are deleted by `finalize`;
 * - pre-existing objects are adopted: their original spec is kept, as JSON, in the annotation
 *   `flagger.kubernetes.io/original-configuration`, and `finalize` restores it and drops the
 *   annotation. (Flagger skips the annotation when kubectl's last-applied annotation exists; we
 *   always store it, because last-applied may be older than the live spec we replace.)
 */
import type { Canary } from '../../../domain/spec/schema.js';
import type { RouteWeights } from '../../../ports/router.js';
import type { ClusterClients } from '../../kubernetes/client.js';
import { NotFoundError } from '../../kubernetes/errors.js';
import { COMPONENT, MANAGED_BY_LABEL } from '../../kubernetes/labels.js';
import { releaseFromFlagger } from '../../kubernetes/ownership.js';
import { deepEqual, isJson, prune, type Json } from './json.js';

/** Annotation holding the JSON spec of an adopted object, as it was before adoption. */
export const ORIGINAL_CONFIGURATION = 'flagger.kubernetes.io/original-configuration';

/** Where one custom object lives; no namespace means a cluster-scoped object (Kuma's TrafficRoute). */
export interface ObjectRef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** The part of object metadata the routers read or write. */
interface ObjectMeta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A custom object as the API returns it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Json;
  [key: string]: unknown;
}

/** `VirtualService test/podinfo` (`TrafficRoute podinfo` when cluster-scoped): how messages name an object. */
export function describeRef(ref: ObjectRef): string {
  return ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** What {@link planApply} decided. */
export type ApplyPlan = { action: 'create' | 'update'; body: KubeObject } | { action: 'none' };

/** Options of {@link planApply}. */
export interface ApplyOptions {
  /**
   * Spec keys owned by someone else (App Mesh's webhook fills `meshRef`, `awsName` is immutable):
   * set on create, then kept from the live object and ignored when diffing.
   */
  preserve?: readonly string[];
  /** Labels of a created object; default just the managed-by label. */
  labels?: Record<string, string>;
  /**
   * The object's whole annotation set besides the engine's own (NGINX keeps its canary state in
   * annotations): written on create, compared and replaced on update. Absent: annotations are not
   * the router's and are left as they are.
   */
  annotations?: Record<string, string>;
  /**
   * Fields of a created object beside `spec` (Kuma's `mesh`); an existing object keeps its own,
   * and they are not diffed.
   */
  topLevel?: Json;
}

/** True when we created the object. */
export function isManaged(obj: KubeObject): boolean {
  return obj.metadata.labels?.[MANAGED_BY_LABEL] === COMPONENT;
}

/**
 * The spec of a routing object a team already had, which the router takes over: the live spec
 * while it is someone else's, the stored original once adopted; undefined for objects we created.
 * Routers keep what it says about *where* traffic enters (hosts, gateways, matches).
 */
export function originalSpec(live: KubeObject | undefined): Record<string, unknown> | undefined {
  if (!live || isManaged(live)) return undefined;
  const stored = live.metadata.annotations?.[ORIGINAL_CONFIGURATION];
  if (stored === undefined) return live.spec ?? {};
  try {
    return JSON.parse(stored) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** True when applying now takes over someone else's object (not created by us, not adopted yet). */
export function isForeign(live: KubeObject | undefined): boolean {
  return live !== undefined && !isManaged(live) && !isAdopted(live);
}

/** The Kubernetes Event text of a takeover: what was routed where, and what now. */
export function takeoverMessage(ref: ObjectRef, was: readonly string[], now: string): string {
  const before = was.length > 0 ? `routes to ${[...new Set(was)].join(', ')}` : 'its routes';
  return `${describeRef(ref)} taken over: ${before} replaced by ${now}; its hosts, gateways and matches are kept, and its original spec (annotation ${ORIGINAL_CONFIGURATION}) is restored when the canary is deleted`;
}

/** True when we adopted the object and still hold its original spec. */
export function isAdopted(obj: KubeObject): boolean {
  return obj.metadata.annotations?.[ORIGINAL_CONFIGURATION] !== undefined;
}

/**
 * Pure: the single write (if any) that makes `live` carry `spec`. Diffs the whole spec except the
 * preserved keys; an unmanaged, not yet adopted object is adopted even when its spec already matches.
 */
export function planApply(
  ref: ObjectRef,
  spec: Json,
  live: KubeObject | undefined,
  options: ApplyOptions = {},
): ApplyPlan {
  const desired = prune(spec) ?? {};
  if (!live) {
    const body: KubeObject = {
      ...options.topLevel,
      ...newObject(ref, desired, options.labels ?? { [MANAGED_BY_LABEL]: COMPONENT }),
    };
    if (options.annotations && Object.keys(options.annotations).length > 0)
      body.metadata.annotations = { ...options.annotations };
    return { action: 'create', body };
  }
  const kept = pick(live.spec, options.preserve ?? []);
  const next = { ...desired, ...kept };
  const adopt = !isManaged(live) && !isAdopted(live);
  const wanted = wantedAnnotations(live, options.annotations);
  const annotationsChanged = !deepEqual(live.metadata.annotations ?? {}, wanted);
  // Objects Flagger created are released from its Canary (owner references, finalizers).
  const release = releaseFromFlagger(
    live.metadata as { ownerReferences?: { kind?: string }[]; finalizers?: string[] },
  );
  if (!adopt && !release && !annotationsChanged && deepEqual(prune(live.spec ?? {}) ?? {}, next))
    return { action: 'none' };
  const annotations = adopt
    ? { ...wanted, [ORIGINAL_CONFIGURATION]: JSON.stringify(live.spec ?? {}) }
    : wanted;
  const metadata = prune({ ...live.metadata, ...release, annotations }) ?? {};
  return {
    action: 'update',
    body: { ...live, apiVersion: apiVersion(ref), kind: ref.kind, metadata, spec: next },
  };
}

/** Pure: what `finalize` does to the live object: delete ours, restore adopted, leave others. */
export type FinalizePlan =
  { action: 'delete' } | { action: 'restore'; body: KubeObject } | { action: 'none' };

/** Pure: the finalize step for one live object (see the module comment). */
export function planFinalize(ref: ObjectRef, live: KubeObject | undefined): FinalizePlan {
  if (!live) return { action: 'none' };
  if (isManaged(live)) return { action: 'delete' };
  const original = live.metadata.annotations?.[ORIGINAL_CONFIGURATION];
  if (original === undefined) return { action: 'none' };
  const spec = JSON.parse(original) as unknown;
  const { [ORIGINAL_CONFIGURATION]: _dropped, ...annotations } = live.metadata.annotations ?? {};
  const metadata: ObjectMeta = { ...live.metadata, annotations };
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  const body = {
    ...live,
    apiVersion: apiVersion(ref),
    kind: ref.kind,
    metadata,
    spec: isJson(spec) ? spec : {},
  };
  return { action: 'restore', body };
}

/** The annotations `live` must end up with: the router's set plus the engine's own, or the live ones. */
function wantedAnnotations(
  live: KubeObject,
  own: Record<string, string> | undefined,
): Record<string, string> {
  const current = live.metadata.annotations ?? {};
  if (!own) return current;
  const original = current[ORIGINAL_CONFIGURATION];
  return original === undefined ? { ...own } : { ...own, [ORIGINAL_CONFIGURATION]: original };
}

function apiVersion(ref: ObjectRef): string {
  return `${ref.group}/${ref.version}`;
}

function newObject(ref: ObjectRef, spec: Json, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: apiVersion(ref),
    kind: ref.kind,
    metadata: prune({ name: ref.name, namespace: ref.namespace, labels }) ?? {},
    spec,
  };
}

function pick(spec: Json | undefined, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (spec?.[k] !== undefined) out[k] = spec[k];
  return out;
}

/** Result of {@link CustomObjectStore.apply}: what was written, for logs and tests. */
export type ApplyResult = 'created' | 'updated' | 'unchanged';

/** What the store needs from a cluster's clients (client.ts). */
export type CustomObjectClients = Pick<ClusterClients, 'custom' | 'call'>;

/**
 * Custom objects (namespaced or cluster-scoped) over client-node's CustomObjectsApi: one GET, at most one write.
 * Updates are PUTs carrying the live `resourceVersion`, so a concurrent edit fails with
 * `ConflictError` instead of being overwritten. Every call goes through `ClusterClients.call`:
 * the caller's AbortSignal, the request timeout, a fresh EKS token and typed errors.
 */
export class CustomObjectStore {
  constructor(private readonly clients: CustomObjectClients) {}

  /** The live object, or undefined when it does not exist. */
  async get(ref: ObjectRef, signal: AbortSignal): Promise<KubeObject | undefined> {
    const { group, version, namespace, plural, name } = ref;
    const { custom } = this.clients;
    try {
      return await this.clients.call(`${describeRef(ref)} get`, signal, async (o) => {
        return (await (namespace === undefined
          ? custom.getClusterCustomObject({ group, version, plural, name }, o)
          : custom.getNamespacedCustomObject({ group, version, namespace, plural, name }, o))) as KubeObject;
      });
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  }

  /**
   * The objects of `ref`'s kind and namespace that match `labelSelector`, in one request: the
   * step's read cache (kubernetes/read-cache.ts) keeps each, so the GETs that follow are free.
   */
  async list(ref: ObjectRef, labelSelector: string, signal: AbortSignal): Promise<KubeObject[]> {
    const { group, version, namespace, plural } = ref;
    const { custom } = this.clients;
    const where = namespace === undefined ? ref.kind : `${ref.kind} ${namespace}/*`;
    const list = await this.clients.call<{ items?: KubeObject[] }>(`${where} list`, signal, (o) =>
      namespace === undefined
        ? custom.listClusterCustomObject({ group, version, plural, labelSelector }, o)
        : custom.listNamespacedCustomObject({ group, version, namespace, plural, labelSelector }, o),
    );
    return list.items ?? [];
  }

  /** Creates, updates or leaves the object so that it carries `spec` (see {@link planApply}). */
  async apply(ref: ObjectRef, spec: Json, signal: AbortSignal, options?: ApplyOptions): Promise<ApplyResult> {
    return this.applyTo(ref, await this.get(ref, signal), spec, signal, options);
  }

  /** {@link apply} against a live object the caller has just read (saves a GET). */
  async applyTo(
    ref: ObjectRef,
    live: KubeObject | undefined,
    spec: Json,
    signal: AbortSignal,
    options?: ApplyOptions,
  ): Promise<ApplyResult> {
    const plan = planApply(ref, spec, live, options);
    if (plan.action === 'none') return 'unchanged';
    await this.write(ref, plan.action, plan.body, signal);
    return plan.action === 'create' ? 'created' : 'updated';
  }

  /** Deletes the object if we created it, restores it if we adopted it (see {@link planFinalize}). */
  async finalize(ref: ObjectRef, signal: AbortSignal): Promise<void> {
    const plan = planFinalize(ref, await this.get(ref, signal));
    if (plan.action === 'delete') await this.remove(ref, signal);
    if (plan.action === 'restore') await this.write(ref, 'update', plan.body, signal);
  }

  private async write(
    ref: ObjectRef,
    action: 'create' | 'update',
    body: KubeObject,
    signal: AbortSignal,
  ): Promise<void> {
    const { group, version, namespace, plural, name } = ref;
    const { custom } = this.clients;
    await this.clients.call(`${describeRef(ref)} ${action}`, signal, (o) => {
      if (namespace === undefined) {
        return action === 'create'
          ? custom.createClusterCustomObject({ group, version, plural, body }, o)
          : custom.replaceClusterCustomObject({ group, version, plural, name, body }, o);
      }
      return action === 'create'
        ? custom.createNamespacedCustomObject({ group, version, namespace, plural, body }, o)
        : custom.replaceNamespacedCustomObject({ group, version, namespace, plural, name, body }, o);
    });
  }

  private async remove(ref: ObjectRef, signal: AbortSignal): Promise<void> {
    const { group, version, namespace, plural, name } = ref;
    const { custom } = this.clients;
    try {
      await this.clients.call(`${describeRef(ref)} delete`, signal, (o) =>
        namespace === undefined
          ? custom.deleteClusterCustomObject({ group, version, plural, name }, o)
          : custom.deleteNamespacedCustomObject({ group, version, namespace, plural, name }, o),
      );
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
}

/** A router's reading of the primary/canary split in its routing object's spec (undefined: none). */
export type RouteWeightsOf = (canary: Canary, spec: unknown) => RouteWeights | undefined;

const INITIAL: RouteWeights = { primary: 100, canary: 0, mirrored: false };

/**
 * The split reconcile writes: the live one, so that reconcile keeps it; 100 % primary for a new or
 * foreign object.
 */
export function reconciledWeights(
  canary: Canary,
  live: KubeObject | undefined,
  weightsOf: RouteWeightsOf,
): RouteWeights {
  return (live && weightsOf(canary, live.spec)) ?? INITIAL;
}

/**
 * The split of the live routing object `ref`; undefined when it does not exist or carries no
 * routes to the primary and canary (not ours yet: reconcile takes it over).
 */
export async function liveRouteWeights(
  store: CustomObjectStore,
  ref: ObjectRef,
  canary: Canary,
  weightsOf: RouteWeightsOf,
  signal: AbortSignal,
): Promise<RouteWeights | undefined> {
  const live = await store.get(ref, signal);
  return live && weightsOf(canary, live.spec);
}
