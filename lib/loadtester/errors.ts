/** A task or command the load tester refuses (HTTP 400); the message is safe to return. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

/** A request body that is not a webhook payload (HTTP 400). */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}
