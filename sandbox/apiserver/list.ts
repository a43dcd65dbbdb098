/**
 * LIST semantics: label and field selectors, `resourceVersion` / `resourceVersionMatch`, and
 * `limit` / `continue` pagination, as kube-apiserver 1.30 answers them:
 * - no resourceVersion: the latest state; `resourceVersion=0`: "any" state — served from the same
 *   store (the sandbox's "watch cache") and, as the 1.30 watch cache does, ignoring `limit`;
 * - `resourceVersion=N` (NotOlderThan): the latest state when N ≤ current, else 504 Timeout
 *   ("Too large resource version"; real servers wait up to 3 s first);
 * - `resourceVersionMatch=Exact` with N ≠ current: 410 Expired (the sandbox keeps no history of
 *   object states; a real server would serve N from etcd while it is not compacted);
 * - `limit`: at most that many items, `metadata.continue` and (without selectors)
 *   `metadata.remainingItemCount`; the token carries the first page's resourceVersion, reported by
 *   every page. Later pages read the current state after the last key (real servers read the
 *   snapshot of the first page).
 * `metadata.resourceVersion` of a list is the store's current resourceVersion.
 */
import { badRequest, expired, tooLargeResourceVersion } from './errors.js';
import { type KubeObject } from './json.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { fieldSelector, labelSelector } from './selectors.js';
import type { Store } from './store.js';

/** The list body (before content negotiation). */
export interface ListBody {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

interface ContinueToken {
  rv: string;
  start: string;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

function decodeToken(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (typeof parsed.rv === 'string' && typeof parsed.start === 'string') return parsed as ContinueToken;
  } catch {
    // fall through
  }
  throw badRequest('continue key is not valid: invalid continue token');
}

/** Checks resourceVersion / resourceVersionMatch against the store (504 too new, 410 not kept). */
function checkResourceVersion(store: Store, query: URLSearchParams): void {
  const rv = query.get('resourceVersion') ?? '';
  if (rv === '' || rv === '0') return;
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version "${rv}"`);
  if (Number(rv) > store.revision()) throw tooLargeResourceVersion(rv, store.resourceVersion());
  if (query.get('resourceVersionMatch') === 'Exact' && rv !== store.resourceVersion())
    throw expired(`too old resource version: ${rv} (${store.resourceVersion()})`);
}

/** The objects of a kind matching the request's namespace and selectors. */
export function selectObjects(store: Store, rt: ResourceType, namespace: string, query: URLSearchParams) {
  const byLabel = labelSelector(query.get('labelSelector'));
  const byField = fieldSelector(query.get('fieldSelector'));
  return store
    .list(rt, rt.namespaced && namespace ? namespace : undefined)
    .filter((o) => byLabel(o) && byField(o));
}

/** GET on a collection. Items come back in namespace/name order. */
export function listObjects(
  store: Store,
  rt: ResourceType,
  namespace: string,
  query: URLSearchParams,
  present: (o: KubeObject) => KubeObject,
): ListBody {
  checkResourceVersion(store, query);
  let items = selectObjects(store, rt, namespace, query);
  const metadata: ListBody['metadata'] = { resourceVersion: store.resourceVersion() };
  const token = query.get('continue');
  if (token) {
    const { rv, start } = decodeToken(token);
    items = items.filter((o) => keyOf(o) > start);
    metadata.resourceVersion = rv;
  }
  const limit = Number(query.get('limit') ?? '0');
  const fromCache = query.get('resourceVersion') === '0' && !token;
  if (Number.isInteger(limit) && limit > 0 && !fromCache && items.length > limit) {
    const rest = items.length - limit;
    items = items.slice(0, limit);
    const last = items[items.length - 1];
    metadata.continue = Buffer.from(
      JSON.stringify({ rv: metadata.resourceVersion, start: last ? keyOf(last) : '' }),
    ).toString('base64url');
    if (!query.get('labelSelector') && !query.get('fieldSelector')) metadata.remainingItemCount = rest;
  }
  return {
    apiVersion: apiVersionOf(rt),
    kind: `${rt.kind}List`,
    metadata,
    items: items.map(present),
  };
}
