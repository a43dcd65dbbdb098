/**
 * Cluster records as a step or sweep reads them: kept for a short time per container, so steps of
 * the canaries of one cluster do not read its record from the table every time.
 */

/**
 * How long a cluster record read from the table is used before it is read again (per Lambda
 * container, and per process in local mode). Invalidation is by time only: a record changed or
 * deleted through the API reaches steps within this long. A cluster that is not registered is not
 * remembered, so a new registration is seen at once.
 */
export const CLUSTER_RECORD_TTL_MS = 30_000;

/**
 * `read` through a cache of what it answered per name, each answer kept `ttlMs` by `now`. Only
 * answers are kept — not reads in flight, which run under their caller's signal — and neither
 * "not found" nor a failure.
 */
export function keptFor<T>(
  read: (name: string, signal: AbortSignal) => Promise<T | undefined>,
  ttlMs: number,
  now: () => number,
): (name: string, signal: AbortSignal) => Promise<T | undefined> {
  const kept = new Map<string, { at: number; value: T }>();
  return async (name, signal) => {
    const hit = kept.get(name);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const at = now();
    const value = await read(name, signal);
    if (value === undefined) kept.delete(name);
    else kept.set(name, { at, value });
    return value;
  };
}
