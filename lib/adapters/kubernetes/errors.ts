/**
 * Typed errors of the Kubernetes adapters (STYLE.md habit 7). Every adapter call that reaches the
 * API server goes through {@link translate}, so callers only ever see these classes (or a plain
 * `Error` for bugs). Messages name the object and the verb:
 * `Deployment test/podinfo-primary get failed: not found`.
 *
 * The classes are the ports' (lib/ports/errors.ts); this module translates what client-node
 * and the network say into them.
 */
import {
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  UnavailableError,
} from '../../ports/errors.js';

export { ConflictError, ForbiddenError, InvalidError, NotFoundError, UnavailableError };

type KubeError = NotFoundError | ConflictError | ForbiddenError | UnavailableError | InvalidError;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Whether `e` is one of this module's typed errors. */
function isKubeError(e: unknown): e is KubeError {
  return (
    e instanceof NotFoundError ||
    e instanceof ConflictError ||
    e instanceof ForbiddenError ||
    e instanceof UnavailableError ||
    e instanceof InvalidError
  );
}

/**
 * Turns whatever a client-node call threw into a typed error whose message starts with `what`
 * (`Deployment test/podinfo get`). `ApiException.code` picks the class; a timeout, an abort or a
 * network failure becomes {@link UnavailableError}. Already-typed errors pass through unchanged;
 * anything unrecognised becomes a plain `Error` with the same message prefix.
 */
export function translate(e: unknown, what: string): Error {
  if (isKubeError(e)) return e;
  const status = httpStatus(e);
  if (status !== undefined) return fromStatus(status, e, what);
  if (isTimeoutOrAbort(e)) return new UnavailableError(`${what} failed: ${describe(e)}`, { cause: e });
  if (isNetwork(e)) return new UnavailableError(`${what} failed: ${describe(e)}`, { cause: e });
  return new Error(`${what} failed: ${describe(e)}`, { cause: e });
}

function fromStatus(status: number, e: unknown, what: string): Error {
  const detail = statusMessage(e);
  const msg = (label: string) => `${what} failed: ${label}${detail ? ` (${detail})` : ''}`;
  const options = { cause: e, status };
  if (status === 404) return new NotFoundError(msg('not found'), options);
  if (status === 409) return new ConflictError(msg('conflict'), options);
  if (status === 401) return new ForbiddenError(msg('unauthorized'), options);
  if (status === 403) return new ForbiddenError(msg('forbidden'), options);
  if (status === 422 || status === 400) return new InvalidError(msg('invalid'), options);
  if (status === 429 || status >= 500)
    return new UnavailableError(msg(`unavailable (HTTP ${status})`), options);
  return new Error(msg(`HTTP ${status}`), { cause: e });
}

/** The HTTP status of a client-node `ApiException` (duck-typed: `code` is a number). */
function httpStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}

/** The `message` of a Kubernetes `Status` body (client-node 1.x gives the body as a string). */
function statusMessage(e: unknown): string | undefined {
  const body = (e as { body?: unknown }).body;
  if (typeof body === 'object' && body !== null) return pickMessage(body);
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    return pickMessage(JSON.parse(body) as unknown);
  } catch {
    return body.slice(0, 200);
  }
}

function pickMessage(body: unknown): string | undefined {
  const m = (body as { message?: unknown } | null)?.message;
  return typeof m === 'string' && m !== '' ? m : undefined;
}

function isTimeoutOrAbort(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

function isNetwork(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    const name = (cur as { name?: unknown }).name;
    if (name === 'FetchError' || name === 'AbortError' || name === 'TimeoutError') return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.name;
  return String(e);
}
