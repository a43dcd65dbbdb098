/**
 * The API's request inputs, bounded and validated before a use case, a parser or the store sees
 * them: path segments and query parameters by Kubernetes' name rules and numeric ranges, bodies by
 * nesting depth, YAML aliases and storable numbers. Errors name where the input was:
 * `path.namespace`, `query.limit`, or the body's field path.
 */
import { formatPath } from '../../lib/domain/spec/errors.js';
import { MAX_STORED_DEPTH, storableIssue } from '../../lib/domain/spec/limits.js';
import { loadOne } from '../../lib/domain/spec/load.js';
import { label, nameProblem, subdomain, type NameRule } from '../../lib/domain/spec/names.js';
import { HttpError, type ApiRequest } from './http.js';

/** Path parameters and the name rule of each; `action` is checked by the use case. */
const paramRules: Readonly<Record<string, NameRule | undefined>> = {
  cluster: label,
  namespace: label,
  name: subdomain,
  grant: label,
  action: undefined,
};

const MAX_ACTION = 32;

/** Validates the path parameters named `names` (in order); a bad one is a 400 at `path.<name>`. */
export function checkParams(names: readonly string[], values: readonly string[]): void {
  const errors = names.flatMap((n, i) => {
    const rule = paramRules[n];
    const v = values[i];
    const problem = rule
      ? nameProblem(rule, v)
      : v.length > MAX_ACTION
        ? `expected at most ${MAX_ACTION} characters, got ${v.length}`
        : undefined;
    return problem ? [{ path: `path.${n}`, message: problem }] : [];
  });
  if (errors.length > 0)
    throw new HttpError(
      400,
      `invalid path: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    );
}

/** An optional name-valued query parameter (`?cluster=`, `?namespace=`), checked as Kubernetes would. */
export function queryName(req: ApiRequest, key: string, rule: NameRule = label): string | undefined {
  const v = req.query[key];
  if (v === undefined) return undefined;
  const problem = nameProblem(rule, v);
  if (problem) throw queryError(key, problem);
  return v;
}

/** An optional integer query parameter in [min, max]; absent gives `fallback`. */
export function queryInt(
  req: ApiRequest,
  key: string,
  range: { min: number; max: number },
  fallback?: number,
): number | undefined {
  const v = req.query[key];
  if (v === undefined) return fallback;
  const n = /^-?[0-9]{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    const shown = v.length > 40 ? `${JSON.stringify(v.slice(0, 37))}...` : JSON.stringify(v);
    throw queryError(key, `expected an integer from ${range.min} to ${range.max}, got ${shown}`);
  }
  return n;
}

function queryError(key: string, message: string): HttpError {
  return new HttpError(400, `query parameter "${key}": ${message}`, [{ path: `query.${key}`, message }]);
}

/**
 * The body of a document route (clusters, templates, alert providers) as one JSON/YAML value that
 * the store can keep; 400 with the field path otherwise.
 */
export function bodyValue(req: ApiRequest): unknown {
  const loaded = loadOne(req.body);
  if (!loaded.ok)
    throw new HttpError(400, `invalid request body: ${loaded.errors[0].message}`, loaded.errors);
  const issue = storableIssue(loaded.value, MAX_STORED_DEPTH);
  if (issue) {
    const path = formatPath(issue.path);
    throw new HttpError(400, `invalid request body: ${path || '(document)'}: ${issue.message}`, [
      { path, message: issue.message },
    ]);
  }
  return loaded.value;
}
