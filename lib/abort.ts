/**
 * A per-call deadline that cleans up after itself. `AbortSignal.any([parent,
 * AbortSignal.timeout(ms)])` does not: Node 20 keeps a reference in `parent` for every `any()` it
 * took part in, for as long as `parent` lives (≈ 58 bytes per call on local mode's process-long
 * signal), and the timeout's timer stays pending after the call. Here the child signal hangs off
 * `parent` through one listener that is removed, with the timer, as soon as `fn` settles —
 * fulfilled, rejected or aborted.
 */

/**
 * Runs `fn` with a signal aborted when `parent` aborts (with its reason) or `ms` after the call
 * starts (with a `TimeoutError` DOMException, like `AbortSignal.timeout`), and in any case once
 * `fn` has settled, so that whatever still waits on it (an unread body, a pending wait) stops and
 * lets go. Inside `fn`, `signal.aborted && !parent.aborted` means the deadline passed.
 */
export async function withTimeout<T>(
  parent: AbortSignal | undefined,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const child = new AbortController();
  const onAbort = (): void => child.abort(parent?.reason);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => child.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  );
  timer.unref();
  try {
    return await fn(child.signal);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onAbort);
    child.abort(new Error('the call has ended'));
  }
}
