/**
 * REST verbs over the store for one resource path: get, list (list.ts), create, replace, patch
 * (json, merge, strategic, apply), delete and deletecollection (lifecycle.ts: finalizers, garbage
 * collection, `propagationPolicy` from a DeleteOptions body or the query), and the /status
 * subresource. Inputs are already-parsed bodies; outputs are `{ code, body }` before content
 * negotiation. Objects are presented in the requested version (shared storage).
 */
import {
  badRequest,
  conflict,
  invalid,
  methodNotAllowed,
  noRoute,
  notFound,
  unsupportedMediaType,
} from './errors.js';
import { asKubeObject, isObject, type KubeObject } from './json.js';
import type { DeleteOptions, Lifecycle, PropagationPolicy } from './lifecycle.js';
import { listObjects, selectObjects } from './list.js';
import { jsonPatch, mergePatch } from './patch.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import type { Store } from './store.js';
import { applyConfig, strategicMergePatch } from './strategic.js';

/** A routed resource request. `namespace` is '' for cluster-scoped kinds and all-namespace lists. */
export interface ResourceRequest {
  method: string;
  rt: ResourceType;
  namespace: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  /** Media type of the body without parameters, e.g. `application/merge-patch+json`. */
  contentType: string;
  body: unknown;
}

/** A handler result; the server writes `body` as JSON with `code`. */
export interface Reply {
  code: number;
  body: unknown;
  /** Content-Type when not plain `application/json` (Table and metadata answers carry parameters). */
  contentType?: string;
}

/** Patch media types. */
export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** Sets apiVersion and kind to the requested version, keeping them first in the JSON. */
export function present(rt: ResourceType, obj: KubeObject): KubeObject {
  const { apiVersion: _stored, kind: _kind, ...rest } = obj;
  return { apiVersion: apiVersionOf(rt), kind: rt.kind, ...rest };
}

function bodyObject(req: ResourceRequest): KubeObject {
  if (!isObject(req.body)) throw badRequest('the request body must be a JSON object');
  const obj = asKubeObject(req.body);
  if (obj.kind !== undefined && obj.kind !== req.rt.kind) {
    throw badRequest(
      `the kind in the data (${String(obj.kind)}) does not match the expected kind (${req.rt.kind})`,
    );
  }
  return obj;
}

/** What the verbs work on. */
export interface HandlerContext {
  store: Store;
  lifecycle: Lifecycle;
}

/** Dispatches one resource request. */
export function handleResource(ctx: HandlerContext, req: ResourceRequest): Reply {
  const { store } = ctx;
  const { rt, name, subresource, method } = req;
  if (subresource && (subresource !== 'status' || !rt.status)) throw noRoute(`${rt.plural}/${subresource}`);
  const dryRun = req.query.get('dryRun') === 'All';
  if (name === undefined) {
    if (method === 'GET')
      return { code: 200, body: listObjects(store, rt, req.namespace, req.query, (o) => present(rt, o)) };
    if (method === 'POST')
      return { code: 201, body: present(rt, store.create(rt, req.namespace, bodyObject(req), { dryRun })) };
    if (method === 'DELETE') return deleteCollection(ctx, req);
    throw methodNotAllowed(method);
  }
  switch (method) {
    case 'GET': {
      const obj = store.get(rt, req.namespace, name);
      if (!obj) throw notFound(rt, name);
      return { code: 200, body: present(rt, obj) };
    }
    case 'PUT': {
      const cause = subresource ? 'status' : 'update';
      return {
        code: 200,
        body: present(rt, store.update(rt, req.namespace, name, bodyObject(req), cause, { dryRun })),
      };
    }
    case 'PATCH':
      return patch(store, req, name, dryRun);
    case 'DELETE':
      return remove(ctx, req, name);
    default:
      throw methodNotAllowed(method);
  }
}

/** DeleteOptions from the body (kind DeleteOptions) and the query (propagationPolicy, orphanDependents). */
function deleteOptions(req: ResourceRequest): DeleteOptions {
  const body = isObject(req.body) ? req.body : {};
  const orphan = body.orphanDependents ?? req.query.get('orphanDependents');
  const policy =
    (body.propagationPolicy as string | undefined) ??
    req.query.get('propagationPolicy') ??
    (orphan === true || orphan === 'true' ? 'Orphan' : undefined);
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy))
    throw invalid(undefined, '', 'propagationPolicy', `Unsupported value: "${policy}"`);
  const dry = body.dryRun;
  return {
    propagationPolicy: policy as PropagationPolicy | undefined,
    preconditions: isObject(body.preconditions) ? body.preconditions : undefined,
    dryRun: req.query.get('dryRun') === 'All' || (Array.isArray(dry) && dry.includes('All')),
  };
}

function remove(ctx: HandlerContext, req: ResourceRequest, name: string): Reply {
  const { rt } = req;
  const { object, deleted } = ctx.lifecycle.delete(rt, req.namespace, name, deleteOptions(req));
  if (!deleted || !rt.builtin || rt.kind === 'Namespace') {
    if (rt.kind === 'Namespace') object.status = { phase: 'Terminating' };
    return { code: 200, body: present(rt, object) };
  }
  const details = { name, group: rt.group, kind: rt.plural, uid: object.metadata.uid };
  return { code: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details } };
}

/** DELETE on a collection: deletes every selected object; answers the list of them. */
function deleteCollection(ctx: HandlerContext, req: ResourceRequest): Reply {
  const { rt } = req;
  const options = deleteOptions(req);
  const items = selectObjects(ctx.store, rt, req.namespace, req.query).map(
    (o) => ctx.lifecycle.delete(rt, o.metadata.namespace ?? '', o.metadata.name ?? '', options).object,
  );
  return {
    code: 200,
    body: {
      apiVersion: apiVersionOf(rt),
      kind: `${rt.kind}List`,
      metadata: { resourceVersion: ctx.store.resourceVersion() },
      items: items.map((o) => present(rt, o)),
    },
  };
}

function patch(store: Store, req: ResourceRequest, name: string, dryRun: boolean): Reply {
  const { rt, contentType } = req;
  const accepted: string[] = [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];
  if (rt.builtin) accepted.push(PATCH_TYPES.strategic);
  if (!accepted.includes(contentType)) throw unsupportedMediaType(contentType, accepted);
  if (contentType === PATCH_TYPES.apply) return apply(store, req, name, dryRun);
  const live = store.get(rt, req.namespace, name);
  if (!live) throw notFound(rt, name);
  const current = present(rt, live);
  const patched =
    contentType === PATCH_TYPES.json
      ? jsonPatch(current, req.body)
      : contentType === PATCH_TYPES.merge
        ? mergePatch(current, req.body)
        : strategicMergePatch(current, req.body);
  if (!isObject(patched)) throw invalid(rt, name, 'patch', 'the patched document must be an object');
  const cause = req.subresource ? 'status' : 'update';
  return {
    code: 200,
    body: present(rt, store.update(rt, req.namespace, name, asKubeObject(patched), cause, { dryRun })),
  };
}

const SYSTEM_META = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
];

/**
 * Server-side apply: requires `fieldManager` (422 otherwise), apiVersion/kind/name matching the URL
 * (400 otherwise); creates the object when absent (201), else merges (see strategic.ts applyConfig).
 * A stale metadata.resourceVersion in the applied configuration is a 409 Conflict. `force` is accepted.
 */
function apply(store: Store, req: ResourceRequest, name: string, dryRun: boolean): Reply {
  const { rt, namespace } = req;
  const manager = req.query.get('fieldManager');
  if (!manager) throw invalid(undefined, '', 'fieldManager', 'Required value: is required for apply patch');
  const config = bodyObject(req);
  if (config.apiVersion !== apiVersionOf(rt) || config.kind !== rt.kind) {
    throw badRequest(`apply configuration must have apiVersion ${apiVersionOf(rt)} and kind ${rt.kind}`);
  }
  if (config.metadata.name !== name)
    throw badRequest(
      `the name of the object (${String(config.metadata.name)}) does not match the name on the URL (${name})`,
    );
  const live = store.get(rt, namespace, name);
  const rv = config.metadata.resourceVersion;
  const clean: KubeObject = { ...config, metadata: { ...config.metadata } };
  for (const field of SYSTEM_META) delete clean.metadata[field];
  if (!live) {
    const created = store.create(rt, namespace, clean, { dryRun });
    if (!dryRun) store.recordApplied(rt, namespace, name, manager, clean);
    return { code: 201, body: present(rt, created) };
  }
  if (rv && rv !== live.metadata.resourceVersion) throw conflict(rt, name);
  const key = req.subresource ? `${manager}/status` : manager;
  const previous = store.lastApplied(rt, namespace, name, key);
  const merged = req.subresource
    ? { ...live, status: applyConfig(live.status ?? {}, previous?.status, clean.status ?? {}, rt.builtin) }
    : (applyConfig(live, previous, clean, rt.builtin) as KubeObject);
  const updated = store.update(rt, namespace, name, merged, req.subresource ? 'status' : 'update', {
    dryRun,
  });
  if (!dryRun) store.recordApplied(rt, namespace, name, key, clean);
  return { code: 200, body: present(rt, updated) };
}
