/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902). Both are pure: they return a new
 * document and never touch their inputs. JSON patch failures (bad pointer, missing member,
 * failed `test`) throw a 422 Invalid ApiError, as kube-apiserver does.
 */
import { ApiError } from './errors.js';
import { clone, deepEqual, isObject, type JsonObject } from './json.js';

/** RFC 7386: objects merge recursively, `null` deletes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function patchError(message: string): ApiError {
  return new ApiError(
    422,
    'Invalid',
    `the server rejected our request due to an error in our request: ${message}`,
    {
      causes: [{ reason: 'FieldValueInvalid', message, field: 'patch' }],
    },
  );
}

function parsePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) {
    throw patchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  }
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Index into an array for `token`; `-` and `length` only where `forAdd`. */
function arrayIndex(arr: unknown[], token: string, forAdd: boolean, path: string): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw patchError(`invalid array index "${token}" in ${path}`);
  const index = Number(token);
  if (index > arr.length || (!forAdd && index === arr.length))
    throw patchError(`array index ${index} out of bounds in ${path}`);
  return index;
}

function resolveParent(doc: unknown, tokens: string[], path: string): unknown {
  let current = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[arrayIndex(current, token, false, path)];
    else if (isObject(current) && token in current) current = current[token];
    else throw patchError(`doc is missing path: ${path}`);
  }
  return current;
}

function getValue(doc: unknown, path: string): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const parent = resolveParent(doc, tokens, path);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false, path)];
  if (isObject(parent) && last in parent) return parent[last];
  throw patchError(`doc is missing path: ${path}`);
}

/** Applies one mutating op to `doc` in place; returns the new root (it changes when path is ''). */
function mutate(doc: unknown, op: 'add' | 'remove' | 'replace', path: string, value?: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) {
    if (op === 'remove') throw patchError('cannot remove the whole document');
    return value;
  }
  const parent = resolveParent(doc, tokens, path);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, last, op === 'add', path);
    if (op === 'add') parent.splice(index, 0, value);
    else if (op === 'remove') parent.splice(index, 1);
    else parent[index] = value;
  } else if (isObject(parent)) {
    if (op !== 'add' && !(last in parent)) throw patchError(`doc is missing key: ${path}`);
    if (op === 'remove') delete parent[last];
    else parent[last] = value;
  } else {
    throw patchError(`doc is missing path: ${path}`);
  }
  return doc;
}

/** RFC 6902 over a copy of `doc`. `ops` must be an array of operation objects. */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw patchError('a JSON patch must be an array of operations');
  let result = clone(doc);
  for (const raw of ops as unknown[]) {
    if (!isObject(raw)) throw patchError('a JSON patch operation must be an object');
    const { op, path, from, value } = raw as {
      op?: unknown;
      path?: unknown;
      from?: unknown;
      value?: unknown;
    };
    if (typeof path !== 'string') throw patchError(`operation ${String(op)} has no path`);
    switch (op) {
      case 'add':
      case 'replace':
        if (!('value' in raw)) throw patchError(`operation ${op} at ${path} has no value`);
        result = mutate(result, op, path, clone(value));
        break;
      case 'remove':
        result = mutate(result, 'remove', path);
        break;
      case 'move':
      case 'copy': {
        if (typeof from !== 'string') throw patchError(`operation ${op} at ${path} has no from`);
        const moved = clone(getValue(result, from));
        if (op === 'move') result = mutate(result, 'remove', from);
        result = mutate(result, 'add', path, moved);
        break;
      }
      case 'test':
        if (!deepEqual(getValue(result, path), value))
          throw patchError(`testing value ${path} failed: test operation failed`);
        break;
      default:
        throw patchError(`unknown JSON patch operation ${JSON.stringify(op)}`);
    }
  }
  return result;
}
