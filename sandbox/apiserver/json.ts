/**
 * Small JSON helpers shared by the sandbox API server. Every stored object is plain JSON
 * (no Dates, no undefined inside arrays), so structuredClone and key-sorted comparison suffice.
 */

/** A JSON object as parsed from a request body. */
export type JsonObject = Record<string, unknown>;

/** Object metadata fields the sandbox reads or writes; anything else is kept as given. */
interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A Kubernetes object as stored: always has metadata. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

/** True for plain objects (not arrays, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy of a JSON value. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** JSON text with object keys sorted, so equal values give equal strings. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) {
    if (value[key] !== undefined) out[key] = sortKeys(value[key]);
  }
  return out;
}

/** Structural equality of two JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** Reads a dotted path (`metadata.name`) from an object; undefined when any step is missing. */
export function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** Narrows an unknown parsed body to a KubeObject, giving it an empty metadata when absent. */
export function asKubeObject(value: JsonObject): KubeObject {
  const metadata = isObject(value.metadata) ? (value.metadata as ObjectMeta) : {};
  return { ...value, metadata };
}
