/**
 * The one HTTP call every notifier makes: POST a JSON body to the provider's webhook, with a
 * timeout combined with the caller's signal. Success is any 2xx (Slack answers 200, Teams
 * Workflows 202, Discord 204). Failures throw {@link NotificationDeliveryError}, whose message and
 * cause never contain the webhook address beyond `scheme://host/…`.
 */
import { inspect } from 'node:util';
import { withTimeout } from '../../abort.js';
import { redactAddress, scrubAddress, type AlertProvider } from '../../ports/notifier.js';

/** Tuning shared by the HTTP notifiers; every field has a default. */
export interface HttpNotifierOptions {
  /** Per-post timeout in ms, combined with the caller's signal. Default 10 000 (Flagger's client). */
  timeoutMs?: number;
  /** `user-agent` header. Default `flagger-serverless`. */
  userAgent?: string;
}

/** How a post failed. */
export type DeliveryFailure = 'invalidAddress' | 'http' | 'network' | 'timeout' | 'aborted';

/** A notification that did not reach its provider. The message names the provider, redacted address included. */
export class NotificationDeliveryError extends Error {
  override readonly name = 'NotificationDeliveryError';
  constructor(
    readonly provider: string,
    readonly failure: DeliveryFailure,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Characters of a response body kept in the error message. */
const BODY_LIMIT = 200;

/**
 * POSTs `body` as JSON to `provider.address`.
 * @throws {NotificationDeliveryError} on an unparsable address, a non-2xx answer, a transport
 * error, the timeout or an abort.
 */
export async function postJson(
  provider: AlertProvider,
  body: unknown,
  signal: AbortSignal,
  options: HttpNotifierOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fail = (failure: DeliveryFailure, detail: string, status?: number, cause?: unknown) =>
    deliveryError(provider, failure, detail, status, cause);
  if (signal.aborted) throw fail('aborted', 'aborted by the caller', undefined, signal.reason);
  if (!URL.canParse(provider.address))
    throw fail('invalidAddress', 'failed: the address is not an absolute URL');
  await withTimeout(signal, timeoutMs, async (call) => {
    let res: Response;
    try {
      res = await fetch(provider.address, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': options.userAgent ?? 'flagger-serverless',
        },
        body: JSON.stringify(body),
        signal: call,
      });
    } catch (err) {
      if (signal.aborted) throw fail('aborted', 'aborted by the caller', undefined, err);
      if (call.aborted) throw fail('timeout', `timed out after ${timeoutMs}ms`, undefined, err);
      throw fail('network', `failed: ${networkReason(err)}`, undefined, err);
    }
    const text = await res.text().catch(() => '');
    if (res.status < 200 || res.status > 299) {
      // Masked before it is cut, so no part of a secret is left at the cut.
      const shown = scrubAddress(text.trim(), provider.address).slice(0, BODY_LIMIT);
      throw fail('http', `answered HTTP ${res.status}${shown ? `: ${shown}` : ''}`, res.status);
    }
  });
}

/** The error for a failed post: provider named, address redacted everywhere (message and cause). */
function deliveryError(
  provider: AlertProvider,
  failure: DeliveryFailure,
  detail: string,
  status?: number,
  cause?: unknown,
): NotificationDeliveryError {
  const who = `${provider.type} provider ${provider.namespace ? `${provider.namespace}/` : ''}${provider.name}`;
  const message = scrubAddress(`${who}: POST ${redactAddress(provider.address)} ${detail}`, provider.address);
  const options = cause === undefined ? undefined : { cause: safeCause(cause, provider.address) };
  return new NotificationDeliveryError(who, failure, message, status, options);
}

/** The innermost transport reason (undici wraps it in `cause`), e.g. `connect ECONNREFUSED 127.0.0.1:9`. */
function networkReason(err: unknown): string {
  let current: unknown = err;
  let reason = 'network error';
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    reason = current.message;
    current = current.cause;
  }
  return reason;
}

/**
 * A cause safe to attach: the original error when nothing in it (chain and properties included)
 * mentions the address, else a plain Error with the scrubbed message — undici's "Failed to parse
 * URL from <url>" and URL's `input` property would leak it.
 */
function safeCause(err: unknown, address: string): unknown {
  const shown = inspect(err, { depth: 6 });
  if (scrubAddress(shown, address) === shown) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new Error(scrubAddress(message, address));
}
