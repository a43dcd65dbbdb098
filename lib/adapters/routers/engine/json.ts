/**
 * JSON helpers for the routers' compute-then-apply cycle: desired objects are built with optional
 * fields left `undefined`, pruned to plain JSON, and compared with the live object structurally
 * (key order never matters, array order does).
 */

/** A JSON object. */
export type Json = Record<string, unknown>;

/** True for plain objects (not arrays, not null). */
export function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Drops `undefined` values and empty objects/arrays, recursively, so that a built object equals
 * what the API server stores and returns (it never stores `undefined`, and our builders use an
 * empty list to mean "absent").
 */
export function prune<T>(value: T): T | undefined {
  return pruneValue(value) as T | undefined;
}

function pruneValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(pruneValue).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (!isJson(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    const p = pruneValue(v);
    if (p !== undefined) out[k] = p;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Structural equality of two JSON values; `{a: undefined}` equals `{}`. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (!isJson(a) || !isJson(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
  return true;
}
