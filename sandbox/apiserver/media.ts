/**
 * Content negotiation of GET answers, as kube-apiserver does it from the Accept header:
 * - `application/json;as=Table;g=meta.k8s.io;v=v1` (or v1beta1): a Table (table.ts), on gets, lists
 *   and watches;
 * - `application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1` on gets and watches, and
 *   `as=PartialObjectMetadataList` on lists: only `metadata` of each object, never data, spec or
 *   status (what metadata-only informers and `kubectl get -o name` style clients use);
 * - plain `application/json`, `*\/*`, `application/yaml` or no Accept: the objects themselves (JSON).
 * The first acceptable media range wins (q-values are ignored); protobuf is never chosen. When the
 * header names only unservable types the answer is 406 NotAcceptable.
 */
import { notAcceptable } from './errors.js';
import { isObject, type KubeObject } from './json.js';

/** What a GET answers with. */
export type Representation =
  { as: 'object' } | { as: 'table'; version: string } | { as: 'metadata'; version: string };

/** What is being read: one object, a list, or a watch stream of objects. */
export type Target = 'item' | 'list' | 'watch';

const PLAIN = new Set(['application/json', 'application/yaml', '*/*', 'application/*']);

/** Picks the representation for an Accept header (406 when none can be served). */
export function negotiate(accept: string | undefined, target: Target): Representation {
  if (!accept?.trim()) return { as: 'object' };
  for (const range of accept.split(',')) {
    const [type = '', ...rest] = range.split(';').map((p) => p.trim());
    const params = Object.fromEntries(
      rest.map((p) => p.split('=').map((x) => x.trim())).filter((kv) => kv.length === 2),
    ) as Record<string, string>;
    if (!PLAIN.has(type.toLowerCase())) continue;
    if (!params.as) return { as: 'object' };
    if (params.g !== 'meta.k8s.io' || (params.v !== 'v1' && params.v !== 'v1beta1')) continue;
    if (params.as === 'Table') return { as: 'table', version: params.v };
    const metadataKind = target === 'list' ? 'PartialObjectMetadataList' : 'PartialObjectMetadata';
    if (params.as === metadataKind) return { as: 'metadata', version: params.v };
  }
  throw notAcceptable();
}

/** One object as PartialObjectMetadata. */
export function partialMetadata(obj: KubeObject, version = 'v1'): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/** An object or list answer as PartialObjectMetadata(List); Status bodies pass through. */
export function asPartialMetadata(body: unknown, version = 'v1'): unknown {
  if (!isObject(body) || body.kind === 'Status') return body;
  if (!Array.isArray(body.items)) return partialMetadata(body as KubeObject, version);
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: body.metadata,
    items: (body.items as KubeObject[]).map((o) => partialMetadata(o, version)),
  };
}
