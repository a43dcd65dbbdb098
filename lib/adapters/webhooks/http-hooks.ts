import { setTimeout as delay } from 'node:timers/promises';
import { withTimeout } from '../../abort.js';
import { redactor, webhookSecrets, type Redactor } from '../../domain/redaction.js';
import type { RequestSigner } from '../aws/sigv4.js';
import { HookAbortedError, type HookCall, type HookResult, type Hooks } from '../../ports/hooks.js';
import { toWirePayload } from './payload.js';
import { InvalidHookUrlError, parseHookUrl, type HookTarget } from './url.js';

/** Tuning of {@link makeHttpHooks}; every field has a default. */
export interface HttpHooksOptions {
  /** First retry back-off; doubles per retry. Default 200 ms. */
  retryDelayMs?: number;
  /** Back-off ceiling. Default 2000 ms. */
  maxRetryDelayMs?: number;
  /** Characters of response body kept in results and explanations. Default 1024. */
  bodyLimit?: number;
  /** Monotonic clock in ms, for durations. Default `performance.now`. */
  now?: () => number;
  /** `user-agent` header. Default `flagger-serverless`. */
  userAgent?: string;
  /**
   * The signer for a URL that must be signed (the stack's own IAM-protected load tester), or
   * undefined for every other URL. Default: nothing is signed.
   */
  signerFor?: (url: URL) => RequestSigner | undefined;
  /** The fetch to call hooks with (one cluster's, reaching in-cluster addresses). Default global. */
  fetch?: typeof globalThis.fetch;
}

/** What one attempt produced on the wire. */
type Attempt =
  | { kind: 'response'; status: number; body: string }
  | { kind: 'timeout' }
  | { kind: 'network'; reason: string };

type Options = Required<HttpHooksOptions>;

/** Highest status Flagger treats as success: 200–202 pass; 203, 204 and above fail. */
const MAX_OK_STATUS = 202;

/**
 * Bytes read past the body limit, so that a secret starting within the limit is read whole and
 * masked before the body is cut (a cut secret could no longer be recognised).
 */
const SECRET_MARGIN = 4096;

/**
 * Webhooks over HTTP with Flagger's contract (docs/flagger-compatibility.md#webhooks): `POST` of the
 * JSON payload (see {@link toWirePayload}); success iff the final status is ≤ 202 — so 203 and 204
 * count as failure, a deliberate Flagger compatibility. Each attempt has its own timeout (`timeoutMs`,
 * combined with the caller's signal); connection errors, timeouts, 429 and 5xx except 501 are retried
 * `retries` times with exponential back-off, as Flagger's retryable client does. Explanations carry the
 * response body and show the URL as `scheme://host/path` only; the body and the explanation are
 * redacted with the hook's secrets (its URL's and metadata's, lib/domain/redaction.ts) — a server that
 * echoes the request's `Authorization` header back echoes nothing we print.
 */
export function makeHttpHooks(options: HttpHooksOptions = {}): Hooks {
  const opts: Options = {
    retryDelayMs: 200,
    maxRetryDelayMs: 2000,
    bodyLimit: 1024,
    now: () => performance.now(),
    userAgent: 'flagger-serverless',
    ...options,
    signerFor: options.signerFor ?? (() => undefined),
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  };
  return { call: (hook, signal) => callHook(hook, signal, opts) };
}

async function callHook(hook: HookCall, signal: AbortSignal, opts: Options): Promise<HookResult> {
  const started = opts.now();
  if (signal.aborted) throw new HookAbortedError(hook, { cause: signal.reason });
  let target: HookTarget;
  try {
    target = parseHookUrl(hook.url);
  } catch (err) {
    if (!(err instanceof InvalidHookUrlError)) throw err;
    return {
      ok: false,
      attempts: 0,
      durationMs: 0,
      explanation: `${describeHook(hook)} failed: ${err.message}`,
    };
  }
  const body = JSON.stringify(toWirePayload(hook));
  let attempts = 0;
  let last: Attempt;
  for (;;) {
    attempts += 1;
    last = await attempt(hook, target, body, signal, opts);
    if (attempts > hook.retries || !isRetryable(last)) break;
    await backOff(hook, attempts, signal, opts);
  }
  const redact = redactor(webhookSecrets(hook));
  return toResult(hook, target, last, attempts, opts.now() - started, { redact, limit: opts.bodyLimit });
}

async function attempt(
  hook: HookCall,
  target: HookTarget,
  body: string,
  signal: AbortSignal,
  opts: Options,
): Promise<Attempt> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': opts.userAgent,
  };
  if (target.authorization) headers.authorization = target.authorization;
  return withTimeout(signal, hook.timeoutMs, async (call): Promise<Attempt> => {
    try {
      const url = new URL(target.href);
      const signer = opts.signerFor(url);
      const res = await opts.fetch(target.href, {
        method: 'POST',
        headers: signer ? await signer({ method: 'POST', url, headers, body }) : headers,
        body,
        signal: call,
      });
      return {
        kind: 'response',
        status: res.status,
        body: await readLimited(res, opts.bodyLimit + SECRET_MARGIN),
      };
    } catch (err) {
      if (signal.aborted) throw new HookAbortedError(hook, { cause: signal.reason });
      if (call.aborted) return { kind: 'timeout' };
      return { kind: 'network', reason: describeNetworkError(err) };
    }
  });
}

async function backOff(hook: HookCall, attempts: number, signal: AbortSignal, opts: Options): Promise<void> {
  const ms = Math.min(opts.maxRetryDelayMs, opts.retryDelayMs * 2 ** (attempts - 1));
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    throw new HookAbortedError(hook, { cause: err });
  }
}

/** Reads about `limit` bytes of the body (whole chunks), then drops the rest. */
async function readLimited(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size <= limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').trim();
}

function truncate(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** Flagger's retryable client retries transport errors, 429 and 5xx except 501. */
function isRetryable(a: Attempt): boolean {
  if (a.kind !== 'response') return true;
  return a.status === 429 || (a.status >= 500 && a.status !== 501);
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection reset',
  EPIPE: 'connection reset',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'connect timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
};

/** A short, URL-free reason for a transport error (undici wraps the real one in `cause`). */
export function describeNetworkError(err: unknown): string {
  let current: unknown = err;
  let innermost = 'network error';
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') return NETWORK_REASONS[code] ?? `network error (${code})`;
    innermost = current.message;
    current = current.cause;
  }
  return innermost === 'fetch failed' ? 'network error' : `network error: ${innermost}`;
}

function describeHook(hook: Pick<HookCall, 'type' | 'name'>): string {
  return `${hook.type} hook "${hook.name}"`;
}

/** The result of the last attempt: its body redacted, then cut to `limit`; the explanation redacted. */
function toResult(
  hook: HookCall,
  target: HookTarget,
  raw: Attempt,
  attempts: number,
  durationMs: number,
  out: { redact: Redactor; limit: number },
): HookResult {
  const last = raw.kind === 'response' ? { ...raw, body: truncate(out.redact(raw.body), out.limit) } : raw;
  const ok = last.kind === 'response' && last.status <= MAX_OK_STATUS;
  const where = `POST ${target.display}${attempts > 1 ? `, ${attempts} attempts` : ''}`;
  const text = `${describeHook(hook)} ${ok ? 'passed' : 'failed'}: ${describeAttempt(hook, last)} (${where})`;
  const result: HookResult = {
    ok,
    attempts,
    durationMs: Math.round(durationMs),
    explanation: out.redact(text),
  };
  if (last.kind === 'response') {
    result.status = last.status;
    result.body = last.body;
  }
  return result;
}

function describeAttempt(hook: HookCall, a: Attempt): string {
  switch (a.kind) {
    case 'timeout':
      return `timed out after ${hook.timeoutMs}ms`;
    case 'network':
      return a.reason;
    case 'response': {
      const note =
        a.status >= 200 && a.status < 300 && a.status > MAX_OK_STATUS
          ? ' (only status ≤ 202 passes, as in Flagger)'
          : '';
      return `HTTP ${a.status}${note}${a.body ? `: ${a.body}` : ''}`;
    }
  }
}
