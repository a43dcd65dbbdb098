/**
 * The Prometheus HTTP API as a {@link MetricsProvider}: instant queries
 * (`GET <address>/api/v1/query?query=…`) read as one number or as every series, range queries
 * (`/api/v1/query_range`), with a timeout, optional bearer/basic/SigV4 auth.
 *
 * Query failures are values (`{ kind: 'error' }`) whose message names the server address, never
 * its credentials: the message goes through the redaction rule with the client's credentials
 * (lib/domain/redaction.ts), so a server echoing them back in an error echoes nothing we print.
 * Only the caller's own AbortSignal makes `query` reject: a cancelled step is not a metric result.
 */
import { basicSecrets, headerSecrets, redactor, urlSecrets, type Redactor } from '../../domain/redaction.js';
import { withTimeout } from '../../abort.js';
import type {
  MetricsProvider,
  QueryRange,
  QueryResult,
  RangeResult,
  VectorResult,
} from '../../ports/metrics.js';
import { escapeUri, makeAuthorizer, type Authorizer, type PrometheusAuth } from './auth.js';
import { describeFetchError } from '../fetch-error.js';
import { PrometheusConfigError } from './errors.js';
import { parseQueryResponse, parseRangeResponse, parseVectorResponse } from './response.js';

/** Default per-query timeout, as Flagger's (docs/flagger-compatibility.md#no-data-and-errors). */
const DEFAULT_QUERY_TIMEOUT_MS = 5_000;

/** How to reach one Prometheus-compatible server. */
export interface PrometheusClientOptions {
  /**
   * Base URL, e.g. `http://prometheus.istio-system:9090` or an AMP workspace
   * `https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-…`. User info in the URL
   * (`http://user:pass@host`) is taken as basic auth when `auth` is not given.
   */
  address: string;
  /** Per-request timeout in milliseconds; default {@link DEFAULT_QUERY_TIMEOUT_MS}. */
  timeoutMs?: number;
  auth?: PrometheusAuth;
  /** Extra headers on every request (MetricTemplate `provider.headers`). */
  headers?: Readonly<Record<string, string>>;
  /** Injected fetch (e.g. one with a custom TLS dispatcher); default the global fetch. */
  fetch?: typeof globalThis.fetch;
}

/** A {@link MetricsProvider} over the Prometheus HTTP API. */
export class PrometheusClient implements MetricsProvider {
  /** The address without credentials, as used in messages. */
  readonly address: string;
  private readonly timeoutMs: number;
  private readonly authorize: Authorizer;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly fetch: typeof globalThis.fetch;
  private readonly redact: Redactor;

  /** Throws {@link PrometheusConfigError} for an address that is not an http(s) URL. */
  constructor(options: PrometheusClientOptions) {
    let url: URL;
    try {
      url = new URL(options.address);
    } catch (err) {
      throw new PrometheusConfigError('Prometheus address is not a URL', { cause: err });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new PrometheusConfigError(`Prometheus address must be http(s), got ${url.protocol}`);
    }
    let auth = options.auth;
    if (url.username || url.password) {
      auth ??= {
        type: 'basic',
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      };
      url.username = '';
      url.password = '';
    }
    this.address = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.authorize = makeAuthorizer(auth);
    this.headers = options.headers ?? {};
    this.fetch = options.fetch ?? globalThis.fetch;
    this.redact = redactor([
      ...urlSecrets(options.address),
      ...authSecrets(auth),
      ...headerSecrets(this.headers),
    ]);
  }

  /** Runs an instant query; see the module comment for the error contract. */
  async query(q: string, signal: AbortSignal): Promise<QueryResult> {
    const r = await this.send('query', { query: q }, signal, parseQueryResponse, 'value');
    return r.kind === 'value' ? r : { ...r, message: this.redact(r.message) };
  }

  /** Runs an instant query and returns every series; errors as {@link query}'s. */
  async queryVector(q: string, signal: AbortSignal): Promise<VectorResult> {
    const r = await this.send('query', { query: q }, signal, parseVectorResponse, 'vector');
    return r.kind === 'vector' ? r : { ...r, message: this.redact(r.message) };
  }

  /**
   * Runs a range query (`/api/v1/query_range`): `q` evaluated at `start`, `start + step`, … ≤ `end`.
   * Errors as {@link query}'s; an empty matrix is `{ kind: 'series', series: [] }`.
   */
  async queryRange(q: string, range: QueryRange, signal: AbortSignal): Promise<RangeResult> {
    const params = {
      query: q,
      start: String(range.start / 1000),
      end: String(range.end / 1000),
      step: String(range.stepSeconds),
    };
    const r = await this.send('query_range', params, signal, parseRangeResponse, 'series');
    return r.kind === 'series' ? r : { ...r, message: this.redact(r.message) };
  }

  /**
   * One GET of `/api/v1/<path>?<params>`, read by `parse`; an answer whose kind is not `success`
   * is a failure, whose message quotes the body with the credentials masked.
   */
  private async send<R extends { kind: string }>(
    path: 'query' | 'query_range',
    params: Readonly<Record<string, string>>,
    signal: AbortSignal,
    parse: (status: number, text: string, where: string) => R,
    success: R['kind'],
  ): Promise<R | { kind: 'error'; message: string }> {
    const where = `Prometheus ${this.address}`;
    const search = Object.entries(params)
      .map(([k, v]) => `${k}=${escapeUri(v)}`)
      .join('&');
    const url = new URL(`${this.address}/api/v1/${path}?${search}`);
    return withTimeout(signal, this.timeoutMs, async (call) => {
      try {
        const auth = await this.authorize(url, params);
        const res = await this.fetch(url, {
          method: 'GET',
          headers: { accept: 'application/json', ...this.headers, ...auth },
          signal: call,
          redirect: 'error',
        });
        const text = await res.text();
        const r = parse(res.status, text, where);
        if (r.kind === success) return r;
        // The message quotes the body cut to a length: mask the body first, so no secret is cut.
        const masked = parse(res.status, this.redact(text), where);
        return masked.kind === success ? r : masked;
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (call.aborted) {
          return { kind: 'error', message: `${where} query timed out after ${this.timeoutMs}ms` };
        }
        return { kind: 'error', message: `${where} query failed: ${describeFetchError(err)}` };
      }
    });
  }

  /** True when `vector(1)` answers 1 (Flagger's IsOnline); never throws except on caller abort. */
  async isOnline(signal: AbortSignal): Promise<boolean> {
    const r = await this.query('vector(1)', signal);
    return r.kind === 'value' && r.value === 1;
  }
}

/** The secrets of an auth: a bearer token, basic credentials; none for SigV4 (signatures expire). */
function authSecrets(auth: PrometheusAuth | undefined): string[] {
  if (auth?.type === 'bearer') return [auth.token];
  if (auth?.type === 'basic') return basicSecrets(auth.username, auth.password);
  return [];
}
