/**
 * The request log of one sandbox, for tests that count requests ("count, don't time"). Every
 * request but health checks is recorded once: API requests when answered, watches when their
 * stream starts, service-proxy calls when the proxied answer ends (flagged `proxied`, so counts of
 * Kubernetes API requests can leave out traffic merely passing through the API server).
 * Marks make "the requests of one step" a one-liner:
 *
 *   const mark = sandbox.mark();
 *   await step();
 *   expect(sandbox.countRequests({ since: mark, proxied: false })).toBeLessThanOrEqual(8);
 */

/** One request as the sandbox saw it. */
export interface RecordedRequest {
  method: string;
  /** URL path as received (not decoded). */
  path: string;
  /** The raw query string without `?`, '' when absent. */
  query: string;
  /** Media type of the request body without parameters, '' when absent. */
  contentType: string;
  status: number;
  /** The Accept header as sent, '' when absent. */
  accept: string;
  /** True for service-proxy calls (`…/services/…/proxy/…`), which are not Kubernetes API calls. */
  proxied: boolean;
  /** True for watch requests (counted once, when the stream starts). */
  watch: boolean;
  /** Position in the log since the sandbox started (1, 2, …); unaffected by clearRequests(). */
  seq: number;
}

/** A point in the request log; requests recorded after it are "since" it. */
export interface RequestMark {
  readonly seq: number;
}

/** Which recorded requests to count or return; every field narrows the selection. */
interface RequestQuery {
  /** Only requests recorded after this mark. */
  since?: RequestMark;
  /** true: only service-proxy calls; false: only Kubernetes API calls. */
  proxied?: boolean;
  /** true: only writes (not GET); false: only reads (GET). */
  writes?: boolean;
  /** true: only watches; false: no watches. */
  watch?: boolean;
  /** Only this HTTP method. */
  method?: string;
  /** Only paths starting with this string, or matching this expression. */
  path?: string | RegExp;
}

/** A request filter: a predicate or a {@link RequestQuery}. */
export type RequestFilter = RequestQuery | ((request: RecordedRequest) => boolean);

function matches(r: RecordedRequest, q: RequestQuery): boolean {
  return (
    (q.since === undefined || r.seq > q.since.seq) &&
    (q.proxied === undefined || r.proxied === q.proxied) &&
    (q.writes === undefined || (r.method !== 'GET') === q.writes) &&
    (q.watch === undefined || r.watch === q.watch) &&
    (q.method === undefined || r.method === q.method.toUpperCase()) &&
    (q.path === undefined || (typeof q.path === 'string' ? r.path.startsWith(q.path) : q.path.test(r.path)))
  );
}

/** The log itself. */
export class RequestLog {
  private readonly entries: RecordedRequest[] = [];
  private seq = 0;

  /** Appends one request, numbering it. */
  record(request: Omit<RecordedRequest, 'seq'>): void {
    this.entries.push({ ...request, seq: ++this.seq });
  }

  /** Recorded requests matching `filter` (all when omitted), oldest first. */
  select(filter?: RequestFilter): RecordedRequest[] {
    if (filter === undefined) return [...this.entries];
    return this.entries.filter(typeof filter === 'function' ? filter : (r) => matches(r, filter));
  }

  /** A mark at the current end of the log. */
  mark(): RequestMark {
    return { seq: this.seq };
  }

  /** Forgets every recorded request (marks stay valid). */
  clear(): void {
    this.entries.splice(0);
  }
}
