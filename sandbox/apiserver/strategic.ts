/**
 * Simplified strategic merge patch and server-side apply merging for built-in kinds.
 *
 * Strategic merge: like merge patch, except lists named in MERGE_KEYS merge item-by-item on their
 * key (containers by name, container ports by containerPort, service ports by port, ...), and the
 * directives `$patch: replace|delete|merge`, `$deleteFromPrimitiveList/<f>` are honoured;
 * `$setElementOrder/<f>` and `$retainKeys` are accepted and ignored. Other lists are replaced.
 *
 * Apply: the applied configuration is merged into the live object; fields this field manager applied
 * last time but omits now are removed (maps, and keyed lists of built-ins). Lists of CRDs are atomic.
 * Ownership conflicts between managers are not modelled (every apply behaves as `force=true`).
 */
import { clone, isObject, type JsonObject } from './json.js';

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  topologySpreadConstraints: 'topologyKey',
  ownerReferences: 'uid',
};

/** The merge key of list field `field`, or undefined when the list is atomic. */
function mergeKeyOf(field: string, items: unknown[]): string | undefined {
  if (field === 'ports')
    return items.some((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

function sameKey(key: string, a: unknown, b: unknown): boolean {
  return isObject(a) && isObject(b) && a[key] !== undefined && a[key] === b[key];
}

function withoutDirective(item: JsonObject): JsonObject {
  const { $patch: _ignored, ...rest } = item;
  return rest;
}

function mergeList(live: unknown[], patch: unknown[], key: string): unknown[] {
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(clone);
  }
  const result = clone(live);
  for (const item of patch) {
    const index = result.findIndex((l) => sameKey(key, l, item));
    if (isObject(item) && item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = strategicMergePatch(result[index], item);
    else result.push(isObject(item) ? strategicMergePatch({}, item) : clone(item));
  }
  return result;
}

/** Strategic merge of `patch` into `live`; returns undefined when the patch says `$patch: delete`. */
export function strategicMergePatch(live: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') return withoutDirective(clone(patch));
  if (patch.$patch === 'delete') return undefined;
  const result: JsonObject = isObject(live) ? clone(live) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value))
        result[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    const current = result[key];
    const liveItems: unknown[] = Array.isArray(current) ? current : [];
    const listKey = Array.isArray(value)
      ? mergeKeyOf(key, [...(value as unknown[]), ...liveItems])
      : undefined;
    if (value === null) delete result[key];
    else if (Array.isArray(value) && Array.isArray(current) && listKey)
      result[key] = mergeList(current, value, listKey);
    else if (Array.isArray(value))
      result[key] = (value as unknown[]).map((v) => (isObject(v) ? withoutDirective(clone(v)) : clone(v)));
    else {
      const merged = strategicMergePatch(current, value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    }
  }
  return result;
}

function applyList(live: unknown[], previous: unknown[], applied: unknown[], key: string): unknown[] {
  const dropped = previous.filter((p) => !applied.some((a) => sameKey(key, a, p)));
  const result = live.filter((l) => !dropped.some((d) => sameKey(key, d, l)));
  for (const item of applied) {
    const index = result.findIndex((l) => sameKey(key, l, item));
    const before = previous.find((p) => sameKey(key, p, item));
    if (index >= 0) result[index] = applyConfig(result[index], before, item, true);
    else result.push(clone(item));
  }
  return result;
}

/**
 * Merges an applied configuration into the live value. `previous` is what the same field manager
 * applied last time (undefined on its first apply); keys it had and `applied` lacks are removed.
 */
export function applyConfig(live: unknown, previous: unknown, applied: unknown, builtin: boolean): unknown {
  if (!isObject(applied) || !isObject(live)) return clone(applied);
  const prev = isObject(previous) ? previous : {};
  const result = clone(live);
  for (const key of Object.keys(prev)) {
    if (!(key in applied)) delete result[key];
  }
  for (const [key, value] of Object.entries(applied)) {
    const current = result[key];
    const before = prev[key];
    const listKey = builtin && Array.isArray(value) ? mergeKeyOf(key, value) : undefined;
    if (Array.isArray(value) && Array.isArray(current) && listKey) {
      result[key] = applyList(current, Array.isArray(before) ? before : [], value, listKey);
    } else if (isObject(value) && isObject(current))
      result[key] = applyConfig(current, before, value, builtin);
    else result[key] = clone(value);
  }
  return result;
}
