/**
 * The API client: JSON over fetch with a bearer token (local mode) or SigV4 (deployed API with IAM
 * authorization). Non-2xx answers become ApiErrors carrying the API's field errors.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Io } from './io.js';
import { CliError, UsageError } from './io.js';
import { regionFor, signRequest, type Credentials } from './sigv4.js';

export const defaultUrl = 'http://127.0.0.1:8080';

/** A 4xx/5xx answer: `{ message, errors: [{ path, message }] }` from our API, or whatever the gateway said. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Ctrl-C during a request: exit 130 without a message. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

/** The API could not be reached at all. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

export type Auth =
  | { kind: 'bearer'; token: string }
  | { kind: 'sigv4'; region: string; credentials: Credentials }
  | { kind: 'none' };

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly auth: Auth,
    private readonly fetchFn: typeof fetch = fetch,
    /** Ctrl-C: aborts a request in flight (InterruptedError). */
    private readonly interrupt?: AbortSignal,
  ) {}

  /** Sends one request; resolves to the parsed JSON body (undefined for 204). */
  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<T> {
    return (await this.request<T>(method, path, opts)).body;
  }

  /** Like call(), with the HTTP status (201 created vs 200 updated). */
  async request<T>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<{ status: number; body: T }> {
    const url = new URL(this.baseUrl.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/yaml';
    const res = await this.send(
      method,
      url,
      await this.authorize(method, url, headers, opts.body),
      opts.body,
    );
    const text = await res.text();
    if (!res.ok) throw apiError(res.status, res.statusText, text);
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
      return await signRequest({ method, url, headers, body }, this.auth.credentials, this.auth.region);
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
    const timeout = AbortSignal.timeout(30_000);
    const signal = this.interrupt ? AbortSignal.any([this.interrupt, timeout]) : timeout;
    try {
      return await this.fetchFn(url, { method, headers, body, signal });
    } catch (e) {
      if (this.interrupt?.aborted) throw new InterruptedError('interrupted');
      if (timeout.aborted) throw new ConnectionError(`no answer from ${url.origin} within 30s`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ConnectionError(
        `cannot reach ${url.origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
      );
    }
  }
}

function apiError(status: number, statusText: string, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { message?: unknown; errors?: unknown };
    const errors = Array.isArray(body.errors) ? (body.errors as { path: string; message: string }[]) : [];
    return new ApiError(status, typeof body.message === 'string' ? body.message : statusText, errors);
  } catch {
    return new ApiError(status, text.trim().split('\n')[0] || statusText || 'request failed');
  }
}

/**
 * The client for --url/--token (or FLAGGER_API_URL/FLAGGER_API_TOKEN): bearer when a token is
 * given; SigV4 with the default AWS credential chain for an https URL without one.
 */
export function clientFor(
  values: { url?: string; token?: string },
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
      ? { kind: 'sigv4', region: regionFor(url, io.env), credentials: credentials ?? defaultProvider() }
      : { kind: 'none' };
  return new ApiClient(base, auth, io.fetch, io.signal);
}
