/** Stable JSON for comparing and hashing objects whose key order is not meaningful. Pure. */

/**
 * JSON with object keys sorted at every level; `undefined` and `null` members are dropped and
 * `Date`s become ISO strings, so a model class read by client-node and a plain object with the
 * same content give the same text.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? 'null';
}

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && v !== null) out[key] = canonical(v);
  }
  return out;
}
