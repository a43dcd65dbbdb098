/**
 * Field-path errors for a Canary manifest: how paths are written (`spec.analysis.metrics[1].threshold`),
 * how zod's issues become human sentences ("expected a number, got string \"10\"") and the
 * one-line-per-error rendering used by the CLI and the API.
 */
import type { z } from 'zod';

/** One problem with a manifest: the field the user wrote and what was expected and found there. */
export interface FieldError {
  /** Dotted path with list indices, e.g. `spec.analysis.metrics[1].threshold`; `""` is the whole document. */
  path: string;
  message: string;
}

export type PathSegment = string | number;

/** An issue before its path is rendered (paths are rewritten for v1alpha3 input first). */
export interface RawIssue {
  path: readonly PathSegment[];
  message: string;
}

const plainKey = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['spec','analysis','metrics',1,'threshold']` → `spec.analysis.metrics[1].threshold`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (plainKey.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** One line per error: `path: message` (the whole document is shown as `(document)`). */
export function formatErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path === '' ? '(document)' : e.path}: ${e.message}`).join('\n');
}

/** A value as the user wrote it, for messages: `string "10"`, `number 1.5`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `string ${JSON.stringify(truncate(value))}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  return typeof value;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean (true or false)',
  object: 'an object (a mapping of fields)',
  array: 'a list',
  record: 'a mapping of keys to values',
};

function expectedType(name: string): string {
  return typeNames[name] ?? name;
}

/** zod's own messages start like this; schema-level messages (`a DNS-1123 name`) are kept. */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big)|Expected)/.test(message);
}

function bound(inclusive: boolean | undefined, op: '≥' | '≤', value: unknown): string {
  const strict = op === '≥' ? '>' : '<';
  return `${inclusive === false ? strict : op} ${String(value)}`;
}

function sizeExpectation(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const op = small ? '≥' : '≤';
  switch (issue.origin) {
    case 'string':
      return small && limit === 1
        ? 'a non-empty string'
        : `a string of length ${bound(issue.inclusive, op, limit)}`;
    case 'array':
      return small && limit === 1
        ? 'a non-empty list'
        : `a list of length ${bound(issue.inclusive, op, limit)}`;
    default:
      return `a number ${bound(issue.inclusive, op, limit)}`;
  }
}

/**
 * The human message for one zod issue. `input` is the value found at the issue's path (looked up
 * by the caller, so it is right even when zod does not report it).
 */
export function humanMessage(issue: z.core.$ZodIssue, input: unknown): string {
  const got = `got ${describeValue(input)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `required field is missing; expected ${expectedType(issue.expected)}`;
      return `expected ${expectedType(issue.expected)}, ${got}`;
    case 'too_small':
    case 'too_big':
      return `expected ${sizeExpectation(issue)}, ${got}`;
    case 'invalid_format': {
      if (!isDefaultMessage(issue.message)) return `expected ${issue.message}, ${got}`;
      if (issue.format === 'url') return `expected an absolute URL such as "http://host:8080/path", ${got}`;
      return `expected a string in ${issue.format} format, ${got}`;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      const want = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
      return `expected ${want}, ${got}`;
    }
    case 'invalid_union': {
      const kinds = issue.errors.flatMap((branch) =>
        branch.filter((i) => i.code === 'invalid_type').map((i) => expectedType(i.expected)),
      );
      if (kinds.length === issue.errors.length && kinds.length > 0)
        return `expected ${kinds.join(' or ')}, ${got}`;
      const first = issue.errors[0]?.[0];
      return first ? humanMessage(first, input) : `invalid value, ${got}`;
    }
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}, ${got}`;
    default:
      return isDefaultMessage(issue.message) ? `invalid value, ${got}` : issue.message;
  }
}

/** The value at a path inside parsed YAML/JSON data, or undefined. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}
