/**
 * When a failed request is worth another attempt, and how long to wait first. Pure: the clock is
 * passed in. Used by the client for single requests and by `status --wait/--watch` while polling.
 */

/** Attempts in all (the first one included) and the exponential backoff between them. */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** Single requests: 3 attempts, waiting 0.5 s then 1 s (or what Retry-After asks, up to 8 s). */
export const requestRetries: RetryPolicy = { attempts: 3, baseMs: 500, maxMs: 8000 };

/** Polling under --wait/--watch: retried until the deadline, 1 s, 2 s, 4 s … at most 30 s apart. */
export const pollRetries: RetryPolicy = { attempts: Infinity, baseMs: 1000, maxMs: 30_000 };

/**
 * Whether an HTTP status may be retried: 429 always (the request was not processed); 5xx only for
 * an idempotent request (GET, PUT, DELETE, and POST /canaries which applies like `kubectl apply`),
 * since an action may have been accepted before the gateway gave up; 503 always (not processed).
 */
export function retryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429 || status === 503) return true;
  return idempotent && status >= 500 && status <= 599;
}

/**
 * Milliseconds to wait after the `failures`-th failure (1-based): `baseMs · 2^(failures-1)`, or
 * the server's Retry-After (seconds or an HTTP date) when given, both capped at `maxMs`.
 */
export function backoffMs(
  failures: number,
  policy: RetryPolicy,
  retryAfter: string | null | undefined,
  now: number,
): number {
  const asked = retryAfterMs(retryAfter, now);
  const wait = asked ?? policy.baseMs * 2 ** Math.max(0, failures - 1);
  return Math.max(0, Math.min(policy.maxMs, wait));
}

function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at - now;
}
