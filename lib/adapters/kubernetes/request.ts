/**
 * Per-call plumbing for client-node 1.4: an AbortSignal, a timeout and a fresh bearer token on every
 * request.
 *
 * The mechanism (read from node_modules/@kubernetes/client-node 1.4.0): every generated API method
 * takes a last `options: ConfigurationOptions` argument whose `middleware` runs after the KubeConfig
 * has applied its authentication to the `RequestContext` and before `IsomorphicFetchHttpLibrary`
 * sends it; `RequestContext.setSignal(signal)` is handed to node-fetch as `fetch(url, { signal })`,
 * which aborts the socket and rejects with `AbortError`. We combine the caller's signal with a
 * timeout (`withTimeout` of lib/abort.ts, which leaves nothing on the caller's signal), merge with
 * `middlewareMergeStrategy: 'append'` (so `setHeaderOptions` for patch content types composes),
 * and additionally race the call against the signal so the promise settles even if a stage
 * ignored it.
 */
import {
  Observable,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type PatchStrategy,
} from '@kubernetes/client-node';
import { setHeaderOptions } from '@kubernetes/client-node';
import { withTimeout } from '../../abort.js';
import { translate, UnavailableError } from './errors.js';

/** Yields a bearer token for each request (EKS tokens expire; static tokens need none). */
export type TokenSource = () => Promise<string>;

/** Options of one call. */
export interface CallSettings {
  /** The caller's signal (Lambda deadline). */
  signal: AbortSignal;
  /** Upper bound for this call in milliseconds. */
  timeoutMs: number;
  /** Sets `Authorization: Bearer <token>` when present. */
  token?: TokenSource;
  /** Content-Type for patches (`PatchStrategy.MergePatch` …). */
  contentType?: PatchStrategy;
}

function pass<T>(value: T): Observable<T> {
  return new Observable(Promise.resolve(value));
}

/** Middleware that puts `signal` (and a fresh token) on the request. */
function requestMiddleware(signal: AbortSignal, token?: TokenSource): ObservableMiddleware {
  return {
    pre: (ctx) => {
      ctx.setSignal(signal);
      if (!token) return pass(ctx);
      return new Observable(
        token().then((t) => {
          ctx.setHeaderParam('Authorization', `Bearer ${t}`);
          return ctx;
        }),
      );
    },
    post: (rsp) => pass(rsp),
  };
}

/** `ConfigurationOptions` for one call with an already combined signal. */
function requestOptions(
  signal: AbortSignal,
  token?: TokenSource,
  contentType?: PatchStrategy,
): ConfigurationOptions {
  const base: ConfigurationOptions = {
    middleware: [requestMiddleware(signal, token)],
    middlewareMergeStrategy: 'append',
  };
  return contentType ? setHeaderOptions('Content-Type', contentType, base) : base;
}

/**
 * Runs one API call under the caller's signal and a timeout, translating failures into the typed
 * errors of errors.ts with `what` (`Deployment test/podinfo get`) in the message.
 */
export function callApi<T>(
  what: string,
  settings: CallSettings,
  fn: (options: ConfigurationOptions) => Promise<T>,
): Promise<T> {
  return withTimeout(settings.signal, settings.timeoutMs, async (signal) => {
    if (signal.aborted) throw abortError(what, settings, signal.reason);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortError(what, settings, signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([fn(requestOptions(signal, settings.token, settings.contentType)), aborted]);
    } catch (e) {
      if (signal.aborted) throw abortError(what, settings, e);
      throw translate(e, what);
    } finally {
      signal.removeEventListener('abort', onAbort!);
      aborted.catch(() => undefined);
    }
  });
}

/** The caller's abort, or the deadline (the call's signal aborted while the caller's did not). */
function abortError(what: string, s: CallSettings, cause: unknown): UnavailableError {
  const why = s.signal.aborted ? 'aborted by caller' : `timed out after ${s.timeoutMs}ms`;
  return new UnavailableError(`${what} failed: ${why}`, { cause });
}
