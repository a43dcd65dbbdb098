/** Errors of the use cases; the HTTP API maps each to a status code (ports/errors.ts classes). */
import type { FieldError } from '../domain/spec/parse.js';
import { ConflictError, ForbiddenError, InvalidError } from '../ports/errors.js';

export { NotFoundError } from '../ports/errors.js';

/** Bad input: a 4xx with the field paths and what was expected. */
export class ValidationError extends InvalidError {
  override readonly name: string = 'ValidationError';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** The request cannot be applied in the canary's current state (a command is pending, no gate waits). */
export class StateConflictError extends ConflictError {
  override readonly name: string = 'StateConflictError';
}

/** The caller may not do this here (lib/domain/authz): the message names who, the action and the scope. */
export class AccessDeniedError extends ForbiddenError {
  override readonly name: string = 'AccessDeniedError';
}

/** No valid sign-in: a login ticket that is unknown, used or expired, or no live session (401). */
export class SignInError extends Error {
  override readonly name: string = 'SignInError';
}
