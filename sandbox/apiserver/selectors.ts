/**
 * Label and field selectors for list requests, with the grammar of kube-apiserver:
 * labels: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`, comma = AND;
 * fields: `path=v`, `path==v`, `path!=v` over dotted paths such as `metadata.name`.
 * A malformed selector is a 400 BadRequest.
 */
import { badRequest } from './errors.js';
import { getPath, type KubeObject } from './json.js';

/** A compiled selector: true when the object matches. */
export type Matcher = (obj: KubeObject) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  terms.push(current.trim());
  return terms.filter((t) => t.length > 0);
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`(?:[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const SET_TERM = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s+\(([^)]*)\)$`);
const EQ_TERM = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const EXISTS_TERM = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

function labelTerm(term: string): (labels: Record<string, string>) => boolean {
  const set = SET_TERM.exec(term);
  if (set) {
    const [, key = '', , op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    return (labels) =>
      op === 'in' ? values.includes(labels[key] ?? '\0') : !values.includes(labels[key] ?? '\0');
  }
  const eq = EQ_TERM.exec(term);
  if (eq) {
    const [, key = '', , op, value = ''] = eq;
    return (labels) => (op === '!=' ? labels[key] !== value : labels[key] === value);
  }
  const exists = EXISTS_TERM.exec(term);
  if (exists) {
    const [, not, key = ''] = exists;
    return (labels) => key in labels !== (not === '!');
  }
  throw badRequest(`unable to parse requirement: invalid label selector term "${term}"`);
}

/** Compiles a labelSelector query value; an empty selector matches everything. */
export function labelSelector(selector: string | null): Matcher {
  const terms = splitTerms(selector ?? '').map(labelTerm);
  return (obj) => terms.every((t) => t(obj.metadata.labels ?? {}));
}

/** Compiles a fieldSelector query value over dotted paths of the object. */
export function fieldSelector(selector: string | null): Matcher {
  const terms = splitTerms(selector ?? '').map((term) => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid field selector term "${term}"`);
    const [, path = '', op, value = ''] = m;
    return (obj: KubeObject) => {
      const raw = getPath(obj, path);
      const actual =
        typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
      return op === '!=' ? actual !== value : actual === value;
    };
  });
  return (obj) => terms.every((t) => t(obj));
}
