/**
 * Watch: `?watch=true` (or `watch=1`) on a collection, or the legacy `/watch/` paths, answers a
 * chunked stream of JSON lines `{"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":…}`,
 * as kube-apiserver does:
 * - without `resourceVersion`, or with `resourceVersion=0`: one synthetic ADDED per matching
 *   object first, then live changes; `sendInitialEvents=true` does the same and, with
 *   `allowWatchBookmarks=true`, ends the initial events with a BOOKMARK annotated
 *   `k8s.io/initial-events-end: "true"`;
 * - `resourceVersion=N`: every change after N (replayed from the retained history of
 *   {@link WatchHub}), then live ones; N older than the history gives one ERROR event with a 410
 *   Expired Status and the end of the stream (clients then re-list);
 * - `labelSelector`, `fieldSelector` (e.g. `metadata.name=podinfo`) and the namespace filter
 *   events; an object modified into the selection arrives as ADDED, out of it as DELETED;
 * - `allowWatchBookmarks=true`: a BOOKMARK (an object of the kind with only
 *   metadata.resourceVersion) every minute and just before a `timeoutSeconds` ends the stream;
 * - objects are presented in the requested version and representation (Table for `kubectl get -w`,
 *   PartialObjectMetadata for metadata informers).
 * A client that disconnects is unsubscribed and its timers cleared.
 */
import type { ServerResponse } from 'node:http';
import { badRequest, expired, statusBody } from './errors.js';
import type { KubeObject } from './json.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { fieldSelector, labelSelector } from './selectors.js';
import type { Store } from './store.js';
import type { ChangeEvent } from './writes.js';

const HISTORY = 10_000;
const BOOKMARK_EVERY_MS = 60_000;

/** Retains the latest changes of one store so watches can resume from a resourceVersion. */
export class WatchHub {
  private readonly history: ChangeEvent[] = [];
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  /** resourceVersion just before the oldest retained change. */
  private floor: number;

  constructor(private readonly store: Store) {
    this.floor = store.revision();
    store.subscribe((event) => {
      this.history.push(event);
      if (this.history.length > HISTORY) this.floor = this.history.shift()?.resourceVersion ?? this.floor;
      for (const listener of [...this.listeners]) listener(event);
    });
  }

  /** Forgets the history (after the store was restored): older resourceVersions are then expired. */
  reset(): void {
    this.history.splice(0);
    this.floor = this.store.revision();
  }

  /** Changes after `rv`, or undefined when some of them are no longer retained. */
  since(rv: number): ChangeEvent[] | undefined {
    if (rv < this.floor) return undefined;
    return this.history.filter((e) => e.resourceVersion > rv);
  }

  /** Number of open watch streams. */
  size(): number {
    return this.listeners.size;
  }

  /** Calls `listener` with every change from now on; returns the unsubscribe function. */
  listen(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/** One watch request, routed and negotiated. */
export interface WatchRequest {
  rt: ResourceType;
  /** '' for all namespaces or cluster-scoped kinds. */
  namespace: string;
  query: URLSearchParams;
  /** Renders a stored object for the client (version, Table or metadata); undefined for BOOKMARK when the representation has none. */
  render(obj: KubeObject): unknown;
  /** Whether BOOKMARK events can be rendered in this representation (not for Tables). */
  bookmarks: boolean;
}

/** Validates the request before anything is written (selectors throw 400 BadRequest). */
export function prepareWatch(req: WatchRequest): (obj: KubeObject) => boolean {
  const rv = req.query.get('resourceVersion') ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version "${rv}"`);
  const byLabel = labelSelector(req.query.get('labelSelector'));
  const byField = fieldSelector(req.query.get('fieldSelector'));
  return (o) =>
    (!req.rt.namespaced || !req.namespace || o.metadata.namespace === req.namespace) &&
    byLabel(o) &&
    byField(o);
}

/** Streams one watch until the client leaves, the timeout passes or the history is too old. */
export function serveWatch(hub: WatchHub, store: Store, req: WatchRequest, res: ServerResponse): void {
  const { rt, query } = req;
  const matches = prepareWatch(req);
  const rvParam = query.get('resourceVersion') ?? '';
  const wantBookmarks = req.bookmarks && query.get('allowWatchBookmarks') === 'true';
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  const bookmark = (annotations?: Record<string, string>) =>
    send(
      'BOOKMARK',
      req.render({
        apiVersion: apiVersionOf(rt),
        kind: rt.kind,
        metadata: { resourceVersion: store.resourceVersion(), ...(annotations ? { annotations } : {}) },
      }),
    );
  const deliver = (e: ChangeEvent) => {
    if (e.rt.group !== rt.group || e.rt.plural !== rt.plural) return;
    const was = e.type === 'MODIFIED' && e.prev !== undefined && matches(e.prev);
    const is = matches(e.object);
    const type =
      e.type === 'MODIFIED'
        ? was && is
          ? 'MODIFIED'
          : is
            ? 'ADDED'
            : was
              ? 'DELETED'
              : undefined
        : is
          ? e.type
          : undefined;
    if (type) send(type, req.render(e.object));
  };

  let backlog: ChangeEvent[] = [];
  if (rvParam === '' || rvParam === '0' || query.get('sendInitialEvents') === 'true') {
    for (const obj of store.list(rt, rt.namespaced && req.namespace ? req.namespace : undefined))
      if (matches(obj)) send('ADDED', req.render(obj));
    if (query.get('sendInitialEvents') === 'true' && wantBookmarks)
      bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const replay = hub.since(Number(rvParam));
    if (!replay) {
      send('ERROR', statusBody(expired(`too old resource version: ${rvParam} (${store.resourceVersion()})`)));
      res.end();
      return;
    }
    backlog = replay;
  }
  for (const e of backlog) deliver(e);
  const unsubscribe = hub.listen(deliver);

  const timers: NodeJS.Timeout[] = [];
  if (wantBookmarks) timers.push(setInterval(() => bookmark(), BOOKMARK_EVERY_MS));
  const timeout = Number(query.get('timeoutSeconds') ?? '0');
  if (timeout > 0) {
    timers.push(
      setTimeout(() => {
        if (wantBookmarks) bookmark();
        res.end();
      }, timeout * 1000),
    );
  }
  for (const t of timers) t.unref();
  res.on('close', () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
  });
}
