/**
 * The API client: JSON over fetch with a bearer token (local mode) or SigV4 (deployed API with IAM
 * authorization). Non-2xx answers become ApiErrors carrying the API's field errors; 429 and 5xx
 * are retried with backoff (retry.ts) before they are reported.
 */
import type { ErrorBody } from '../functions/api/contract.js';
import { parseDuration } from './args.js';
import type { Io } from './io.js';
import { CliError, sleep as realSleep, UsageError } from './io.js';
import { backoffMs, requestRetries, retryableStatus } from './retry.js';
import type { Credentials } from './sigv4.js';

export const defaultUrl = 'http://127.0.0.1:8080';
const defaultTimeoutMs = 30_000;

/** A 4xx/5xx answer: `{ message, errors: [{ path, message }] }` from our API, or whatever the gateway said. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly errors: ErrorBody['errors'] = [],
    /** The Retry-After header of a 429/503, if any. */
    readonly retryAfter?: string,
  ) {
    super(message);
  }
}

/** Ctrl-C during a request: exit 130 without a message. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

/** The API could not be reached at all (refused, unresolvable, no answer in time). */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

/** True for failures that may pass on their own: 429, 5xx, and no connection. */
export function isTransient(e: unknown): boolean {
  return e instanceof ConnectionError || (e instanceof ApiError && retryableStatus(e.status, true));
}

export type Auth =
  | { kind: 'bearer'; token: string }
  | { kind: 'sigv4'; region: string; credentials?: Credentials }
  | { kind: 'none' };

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  /** May a 5xx be retried? Default: every method but POST. */
  idempotent?: boolean;
}

export interface ClientOptions {
  fetch?: typeof fetch;
  /** Ctrl-C: aborts a request in flight (InterruptedError). */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Per attempt; default 30 s. */
  timeoutMs?: number;
}

export class ApiClient {
  private credentials?: Credentials;

  constructor(
    readonly baseUrl: string,
    private readonly auth: Auth,
    private readonly options: ClientOptions = {},
  ) {}

  /** Sends one request; resolves to the parsed JSON body (undefined for 204). */
  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<T> {
    return (await this.request<T>(method, path, opts)).body;
  }

  /** Like call(), with the HTTP status (201 created vs 200 updated, 204 vs 202). */
  async request<T>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<{ status: number; body: T }> {
    const idempotent = opts.idempotent ?? method !== 'POST';
    const sleep = this.options.sleep ?? realSleep;
    const now = this.options.now ?? Date.now;
    for (let failures = 1; ; failures++) {
      try {
        return await this.attempt<T>(method, path, opts);
      } catch (e) {
        const retry =
          e instanceof ApiError &&
          retryableStatus(e.status, idempotent) &&
          failures < requestRetries.attempts;
        if (!retry) throw e;
        await sleep(backoffMs(failures, requestRetries, e.retryAfter, now()), this.options.signal);
        if (this.options.signal?.aborted) throw new InterruptedError('interrupted');
      }
    }
  }

  private async attempt<T>(
    method: string,
    path: string,
    opts: RequestOptions,
  ): Promise<{ status: number; body: T }> {
    const url = new URL(this.baseUrl.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/yaml';
    const signed = await this.authorize(method, url, headers, opts.body);
    const res = await this.send(method, url, signed, opts.body);
    const text = await res.text();
    if (!res.ok) throw apiError(res, text);
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }

  private async authorize(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Record<string, string>> {
    if (this.auth.kind === 'bearer') return { ...headers, authorization: `Bearer ${this.auth.token}` };
    if (this.auth.kind !== 'sigv4') return headers;
    try {
      // Loaded on first use: the AWS SDK is most of the CLI's start time.
      const { signRequest, defaultCredentials } = await import('./sigv4.js');
      // One provider per client: it caches what it resolves (SSO, IMDS) across --watch polls.
      this.credentials ??= this.auth.credentials ?? defaultCredentials();
      return await signRequest({ method, url, headers, body }, this.credentials, this.auth.region);
    } catch (e) {
      throw new CliError(
        `cannot sign the request with AWS SigV4 (an https URL without --token): ${(e as Error).message}`,
      );
    }
  }

  private async send(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Response> {
    const timeoutMs = this.options.timeoutMs ?? defaultTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const interrupt = this.options.signal;
    const signal = interrupt ? AbortSignal.any([interrupt, timeout]) : timeout;
    try {
      return await (this.options.fetch ?? fetch)(url, { method, headers, body, signal });
    } catch (e) {
      if (interrupt?.aborted) throw new InterruptedError('interrupted');
      if (timeout.aborted)
        throw new ConnectionError(`no answer from ${url.origin} within ${timeoutMs / 1000}s`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ConnectionError(
        `cannot reach ${url.origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
      );
    }
  }
}

function apiError(res: Response, text: string): ApiError {
  const retryAfter = res.headers.get('retry-after') ?? undefined;
  try {
    const body = JSON.parse(text) as { message?: unknown; errors?: unknown };
    const errors = Array.isArray(body.errors) ? (body.errors as ErrorBody['errors']) : [];
    const message = typeof body.message === 'string' ? body.message : res.statusText;
    return new ApiError(res.status, message, errors, retryAfter);
  } catch {
    const line = text.trim().split('\n')[0] || res.statusText || 'request failed';
    return new ApiError(res.status, line, [], retryAfter);
  }
}

/** The region of an API Gateway URL, else AWS_REGION / AWS_DEFAULT_REGION; a usage error when neither. */
export function regionFor(url: URL, env: Readonly<Record<string, string | undefined>>): string {
  const m = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname);
  const region = m?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region)
    throw new UsageError(
      `cannot tell the AWS region of ${url.origin}; set AWS_REGION (or pass --token for a bearer-token API)`,
    );
  return region;
}

/**
 * The client for --url/--token (or FLAGGER_API_URL/FLAGGER_API_TOKEN): bearer when a token is
 * given; SigV4 with the default AWS credential chain for an https URL without one.
 * --request-timeout bounds each attempt (default 30 s).
 */
export function clientFor(
  values: { url?: string; token?: string; 'request-timeout'?: string },
  io: Io,
  credentials?: Credentials,
): ApiClient {
  const base = values.url ?? io.env.FLAGGER_API_URL ?? defaultUrl;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`--url: expected an http(s) URL, got "${base}"`);
  }
  const token = values.token ?? io.env.FLAGGER_API_TOKEN;
  const auth: Auth = token
    ? { kind: 'bearer', token }
    : url.protocol === 'https:'
      ? { kind: 'sigv4', region: regionFor(url, io.env), credentials }
      : { kind: 'none' };
  return new ApiClient(base, auth, {
    fetch: io.fetch,
    signal: io.signal,
    sleep: io.sleep,
    now: io.now,
    timeoutMs:
      values['request-timeout'] === undefined
        ? undefined
        : parseDuration(values['request-timeout'], 'request-timeout'),
  });
}
