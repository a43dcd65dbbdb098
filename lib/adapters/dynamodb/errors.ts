import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../../ports/errors.js';

/** Turns a lost conditional write into the port's ConflictError; other errors pass through. */
export function translate(e: unknown, what: string): unknown {
  if (e instanceof ConditionalCheckFailedException) {
    return new ConflictError(`${what}: condition failed (changed concurrently)`, { cause: e });
  }
  return e;
}
