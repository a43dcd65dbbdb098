import { withTimeout } from '../abort.js';
import { parseGoDuration } from './duration.js';
import { CommandError } from './errors.js';

/**
 * A blocking HTTP check (`metadata.type: request`), our shell-free replacement for Flagger's
 * `bash`/`bats` acceptance tests: one request whose status and body must match.
 */
export interface RequestCheck {
  url: string;
  /** `metadata.method`, default GET. */
  method: string;
  /** `metadata.headers`: `Name: value` lines. */
  headers: Record<string, string>;
  /** `metadata.body`. */
  body?: string;
  /** `metadata.expectedStatus`, default 200. */
  expectedStatus: number;
  /** `metadata.expectedBody`: a substring the response body must contain. */
  expectedBody?: string;
  /** `metadata.timeout` (Go duration), default 10s; keep it below the hook's own timeout. */
  timeoutMs: number;
}

/** The verdict of a {@link RequestCheck}; `output` is safe to return (URL as scheme://host/path). */
export interface RequestCheckResult {
  ok: boolean;
  output: string;
  /** Response body, truncated to about 1 KB. */
  body?: string;
}

const BODY_LIMIT = 1024;

/**
 * Reads a request check from webhook metadata. Pure.
 * @throws {CommandError} when `url` is missing or a field is invalid.
 */
export function parseRequestCheck(metadata: Record<string, string>): RequestCheck {
  const {
    url,
    method = 'GET',
    headers = '',
    body,
    expectedStatus = '200',
    expectedBody,
    timeout = '10s',
  } = metadata;
  if (!url) throw new CommandError('metadata.url is required for type request');
  if (!isHttpUrl(url)) throw new CommandError('metadata.url must be an absolute http(s) URL');
  if (new URL(url).username || new URL(url).password) {
    throw new CommandError(
      'metadata.url must not embed credentials; send them in metadata.headers (Authorization: …)',
    );
  }
  if (!/^[A-Za-z]+$/.test(method)) throw new CommandError(`metadata.method: invalid method "${method}"`);
  if (!/^[1-5]\d\d$/.test(expectedStatus))
    throw new CommandError(`metadata.expectedStatus: "${expectedStatus}" is not an HTTP status`);
  return {
    url,
    method: method.toUpperCase(),
    headers: parseHeaderLines(headers),
    body,
    expectedStatus: Number(expectedStatus),
    expectedBody: expectedBody || undefined,
    timeoutMs: parseGoDuration(timeout, 'metadata.timeout'),
  };
}

function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const m = /^([\w-]+):\s*(.*)$/.exec(line);
    if (!m)
      throw new CommandError(
        `metadata.headers: invalid header line "${line.split(':')[0]}" (expected "Name: value")`,
      );
    headers[m[1].toLowerCase()] = m[2]!;
  }
  return headers;
}

function isHttpUrl(raw: string): boolean {
  try {
    const { protocol } = new URL(raw);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Performs the check; never throws except when `signal` aborts. Redirects are not followed. */
export async function runRequestCheck(check: RequestCheck, signal: AbortSignal): Promise<RequestCheckResult> {
  const target = `${check.method} ${displayUrl(check.url)}`;
  return withTimeout(signal, check.timeoutMs, async (call) => {
    let status: number;
    let body: string;
    try {
      const res = await fetch(check.url, {
        method: check.method,
        headers: check.headers,
        body: check.body,
        redirect: 'manual',
        signal: call,
      });
      status = res.status;
      body = truncate((await res.text()).trim());
    } catch (err) {
      signal.throwIfAborted();
      const reason = call.aborted
        ? `timed out after ${check.timeoutMs}ms`
        : `request failed (${causeCode(err)})`;
      return { ok: false, output: `request check failed: ${target}: ${reason}` };
    }
    return verdict(check, target, status, body);
  });
}

function verdict(check: RequestCheck, target: string, status: number, body: string): RequestCheckResult {
  if (status !== check.expectedStatus) {
    return {
      ok: false,
      body,
      output: `request check failed: ${target} answered ${status}, expected ${check.expectedStatus}${body ? `: ${body}` : ''}`,
    };
  }
  if (check.expectedBody !== undefined && !body.includes(check.expectedBody)) {
    return {
      ok: false,
      body,
      output: `request check failed: ${target} answered ${status} but the body does not contain "${check.expectedBody}": ${body}`,
    };
  }
  return { ok: true, body, output: `request check passed: ${target} answered ${status}` };
}

function displayUrl(raw: string): string {
  const url = new URL(raw);
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function truncate(text: string): string {
  return text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}…` : text;
}

function causeCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
