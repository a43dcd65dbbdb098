/**
 * fetch wraps network failures as `TypeError: fetch failed` with the useful part in `cause`
 * (`ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9`): that part, for messages.
 */
export function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause: unknown = err.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code)
      ? `${code} ${cause.message}`
      : cause.message;
  }
  return err.message;
}
