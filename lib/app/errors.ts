/** Errors of the use cases; the HTTP API maps each to a status code. */
import type { FieldError } from '../domain/spec/parse.js';

/** Bad input: a 4xx with the field paths and what was expected. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The request cannot be applied in the canary's current state (e.g. a command is pending). */
export class StateConflictError extends Error {
  override name = 'StateConflictError';
}
