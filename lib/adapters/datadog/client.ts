/**
 * Datadog's metrics query API as a {@link MetricsProvider}, as Flagger's datadog provider
 * (pkg/metrics/providers/datadog.go) reads it: `GET <address>/api/v1/query?from=&to=&query=` with
 * the `DD-API-KEY` and `DD-APPLICATION-KEY` headers over the last ten check intervals, and the first
 * (oldest) point of the first series as the value — the newest bucket is almost always incomplete.
 * No series, or no points, is no data. `isOnline` is `GET /api/v1/validate`.
 *
 * Failures are values (`{ kind: 'error' }`) naming the address, never the keys: every message goes
 * through the redaction rule with both keys (lib/domain/redaction.ts), so a server echoing them
 * back echoes nothing we print. Only the caller's own AbortSignal makes a call reject.
 */
import { withTimeout } from '../../abort.js';
import { redactor, type Redactor } from '../../domain/redaction.js';
import type { MetricsProvider, QueryResult, RangeResult, VectorResult } from '../../ports/metrics.js';
import { describeFetchError } from '../fetch-error.js';
import { parseDatadogQuery } from './response.js';

/** Flagger's per-request timeout. */
const DEFAULT_TIMEOUT_MS = 5_000;
/** Flagger queries `from = now - 10 × interval`. */
const WINDOW_INTERVALS = 10;

/** How to reach Datadog for one check. */
export interface DatadogClientOptions {
  /** API site, e.g. `https://api.datadoghq.com`. */
  address: string;
  apiKey: string;
  applicationKey: string;
  /** The check's interval; the query covers ten of them, as Flagger's. */
  intervalSeconds: number;
  /** The clock `from` and `to` are read from (epoch ms). */
  now: () => number;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** The operations Datadog checks do not support: only templates' instant checks query Datadog. */
export const ONLY_INSTANT =
  'Datadog templates serve metric checks only (an instant value); range queries and the judge need Prometheus';

/** A {@link MetricsProvider} over Datadog's v1 query API. */
export class DatadogClient implements MetricsProvider {
  /** The address without a trailing slash, as used in messages. */
  readonly address: string;
  private readonly redact: Redactor;
  private readonly timeoutMs: number;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: DatadogClientOptions) {
    this.address = options.address.replace(/\/+$/, '');
    this.redact = redactor([options.apiKey, options.applicationKey]);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** The first point of the first series over the last ten intervals; see the module comment. */
  async query(q: string, signal: AbortSignal): Promise<QueryResult> {
    const to = Math.floor(this.options.now() / 1000);
    const from = to - WINDOW_INTERVALS * this.options.intervalSeconds;
    const params = new URLSearchParams({ from: String(from), to: String(to), query: q });
    const r = await this.get(`/api/v1/query?${params.toString()}`, signal);
    if (r.kind === 'error') return r;
    const where = `Datadog ${this.address}`;
    const parsed = parseDatadogQuery(r.status, this.redact(r.text), where, r.reset);
    return parsed.kind === 'value' ? parsed : { ...parsed, message: this.redact(parsed.message) };
  }

  queryRange(): Promise<RangeResult> {
    return Promise.resolve({ kind: 'error', message: ONLY_INSTANT });
  }

  queryVector(): Promise<VectorResult> {
    return Promise.resolve({ kind: 'error', message: ONLY_INSTANT });
  }

  /** True when Datadog accepts the keys (`/api/v1/validate` answers 200); never throws except on caller abort. */
  async isOnline(signal: AbortSignal): Promise<boolean> {
    const r = await this.get('/api/v1/validate', signal);
    return r.kind === 'answer' && r.status === 200;
  }

  /** One GET with the keys; the body as text, or why there is none (timeout, refused connection). */
  private get(
    path: string,
    signal: AbortSignal,
  ): Promise<
    | { kind: 'answer'; status: number; text: string; reset: string | null }
    | { kind: 'error'; message: string }
  > {
    const where = `Datadog ${this.address}`;
    return withTimeout(signal, this.timeoutMs, async (call) => {
      try {
        const res = await this.fetch(`${this.address}${path}`, {
          method: 'GET',
          headers: {
            accept: 'application/json',
            'DD-API-KEY': this.options.apiKey,
            'DD-APPLICATION-KEY': this.options.applicationKey,
          },
          signal: call,
          redirect: 'error',
        });
        const text = await res.text();
        return { kind: 'answer', status: res.status, text, reset: res.headers.get('x-ratelimit-reset') };
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (call.aborted)
          return { kind: 'error', message: `${where} query timed out after ${this.timeoutMs}ms` };
        return { kind: 'error', message: this.redact(`${where} query failed: ${describeFetchError(err)}`) };
      }
    });
  }
}
