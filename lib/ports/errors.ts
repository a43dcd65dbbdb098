/**
 * The one set of error classes the ports speak (STYLE.md habit 7): adapters translate what their
 * technology says (HTTP 404/409/403/5xx, ConditionalCheckFailedException, …) into these, use cases
 * and handlers match them with `instanceof` — never by name strings. Each names the object in its
 * message and keeps the original as `cause`; `status` is the HTTP status when one was involved.
 */

/** Options of every error below. */
interface ErrorOptions {
  cause?: unknown;
  status?: number;
}

abstract class PortError extends Error {
  readonly status?: number;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

/** The object does not exist (a missing object is often an observation, not a failure). */
export class NotFoundError extends PortError {
  override readonly name: string = 'NotFoundError';
}

/** A write lost a race (stale version, lease held, changed concurrently) or the state forbids it now. */
export class ConflictError extends PortError {
  override readonly name: string = 'ConflictError';
}

/** The caller may not do this (401/403, an IAM denial, an authorization rule). */
export class ForbiddenError extends PortError {
  override readonly name: string = 'ForbiddenError';
}

/** A dependency is unreachable, timed out or overloaded: retry later. */
export class UnavailableError extends PortError {
  override readonly name: string = 'UnavailableError';
}

/** The request or object is invalid: fix it, retrying will not help. */
export class InvalidError extends PortError {
  override readonly name: string = 'InvalidError';
}
