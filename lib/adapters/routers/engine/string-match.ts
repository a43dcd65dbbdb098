/**
 * An Istio `StringMatch` (exactly one of exact / prefix / suffix / regex) as one matcher, and its
 * regex form for meshes that lack a kind: Envoy-based meshes match regexes against the whole value
 * (RE2), so prefix `/api` becomes `^/api.*` and suffix `.js` becomes `^.*\.js$`.
 */
import type { StringMatch } from '../../../domain/spec/schema.js';
import { UnsupportedRoutingError } from './errors.js';

/** One string matcher. */
export interface Matcher {
  kind: 'exact' | 'prefix' | 'suffix' | 'regex';
  value: string;
}

/** The matcher of `m`; `where` names the Canary field in the error when `m` is empty. */
export function matcherOf(m: StringMatch, where: string): Matcher {
  for (const kind of ['exact', 'prefix', 'suffix', 'regex'] as const) {
    const value = m[kind];
    if (value !== undefined) return { kind, value };
  }
  throw new UnsupportedRoutingError(`${where}: empty string match`);
}

/** Escapes the regex metacharacters of a literal. */
function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A full-value regex equivalent to `m`. */
function regexOf(m: Matcher): string {
  switch (m.kind) {
    case 'exact':
      return `^${escapeRegex(m.value)}$`;
    case 'prefix':
      return `^${escapeRegex(m.value)}.*`;
    case 'suffix':
      return `^.*${escapeRegex(m.value)}$`;
    case 'regex':
      return m.value;
    default: {
      const never: never = m.kind;
      throw new Error(`unknown match kind ${String(never)}`);
    }
  }
}

/** `m` itself when its kind is in `kinds`, else its regex form. */
export function within(m: Matcher, kinds: readonly Matcher['kind'][]): Matcher {
  return kinds.includes(m.kind) ? m : { kind: 'regex', value: regexOf(m) };
}
