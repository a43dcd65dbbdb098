/**
 * Bounds on what a request may hold, checked before anything recursive or any store sees it.
 *
 * Nesting: DynamoDB refuses an item nested more than 32 levels, the item itself being the first
 * (measured against DynamoDB Local 1.25.1: an attribute value of 31 nested maps or lists is
 * stored, 32 are refused; dynalite accepts both). The canary row keeps the manifest as a
 * top-level attribute (`manifest`) and documents keep their body under `doc`, with no wrapping
 * above it: a stored body may nest 31 levels. Numbers: the DynamoDB document client refuses
 * numbers beyond ±2^53−1 and DynamoDB those below 1e-130 in magnitude.
 */
import type { PathSegment, RawIssue } from './errors.js';

/** Containers (objects, lists) a stored value may nest, the value itself included. */
export const MAX_STORED_DEPTH = 31;

/** Nesting the YAML/JSON loader accepts before it stops reading (a cheap pre-check on the text). */
export const MAX_TEXT_DEPTH = 64;

/**
 * Lexical tokens a YAML body may hold (`key`, `:`, ` `, `value` and the newline are five): about
 * 1,500 lines, five times a large Canary. Reading YAML costs ~5 µs a token, so this bounds how long
 * one body can hold the event loop (JSON is parsed natively, much faster, and has no such bound).
 */
export const MAX_YAML_TOKENS = 10_000;

/** Alias nodes (`*name`) a YAML document may hold; each resolves to a copy of its anchor's value. */
export const MAX_ALIASES = 16;

/** YAML's own guard against alias amplification (alias uses × aliases inside the anchor). */
export const MAX_ALIAS_EXPANSION = 100;

/** Characters of JSON a manifest may take once decoded (YAML aliases can make it larger than the body). */
export const MAX_DECODED_CHARS = 256 * 1024;

const SMALLEST = 1e-130;

/**
 * The first reason `value` cannot be stored, with its path: nested deeper than `maxDepth`, or a
 * number that is not finite, beyond ±2^53−1 or smaller in magnitude than 1e-130 (but not 0).
 * Iterative, so any depth is safe to check.
 */
export function storableIssue(value: unknown, maxDepth = MAX_STORED_DEPTH): RawIssue | undefined {
  const stack: { v: unknown; path: PathSegment[]; depth: number }[] = [{ v: value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'number') {
      const problem = numberProblem(v);
      if (problem) return { path, message: problem };
    } else if (v !== null && typeof v === 'object') {
      if (depth + 1 > maxDepth) {
        return {
          path,
          message: `nested deeper than ${maxDepth} levels (objects and lists); expected a flatter value`,
        };
      }
      const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        stack.push({ v: x, path: [...path, k], depth: depth + 1 });
      }
    }
  }
  return undefined;
}

function numberProblem(n: number): string | undefined {
  if (!Number.isFinite(n)) return `expected a finite number, got ${String(n)}`;
  const abs = Math.abs(n);
  if (abs > Number.MAX_SAFE_INTEGER)
    return `expected a number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got ${String(n)}`;
  if (abs !== 0 && abs < SMALLEST) return `expected 0 or a number of magnitude ≥ 1e-130, got ${String(n)}`;
  return undefined;
}
