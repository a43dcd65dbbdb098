/**
 * Finds fields the schema does not know, by walking the manifest alongside the zod schema. Flagger
 * fields we do not implement get "not supported … yet"; anything else is reported as unknown, with
 * a suggestion when it looks like a typo (`stepweight` → `stepWeight`). The fields stay in the
 * parsed Canary (the schema's objects are loose): they are reported, never silently dropped.
 */
import { z } from 'zod';
import { unsupportedFields } from './catalog.js';
import type { PathSegment, RawIssue } from './errors.js';

/** Kubernetes ObjectMeta fields beyond the ones the schema types (e.g. from `kubectl get -o yaml`). */
const objectMetaFields = [
  'generateName',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

/** Top-level fields that are legitimately present but not ours to read. */
const ignoredFields: Readonly<Record<string, string>> = {
  status: 'ignored: Flagger Serverless keeps the status of a canary itself',
};

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
    s = s.unwrap() as z.ZodType;
  }
  return s;
}

function pattern(path: readonly PathSegment[]): string {
  return path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An unknown field; `typo` when it is probably a misspelt known field (it may explain an error). */
export interface UnknownField extends RawIssue {
  typo: boolean;
}

/** Warnings for every unknown or unsupported field of `data`, a manifest shaped by `schema`. */
export function unknownFields(schema: z.ZodType, data: unknown): UnknownField[] {
  const out: UnknownField[] = [];
  walk(schema, data, [], out);
  return out;
}

function walk(schema: z.ZodType, data: unknown, path: PathSegment[], out: UnknownField[]): void {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject && isRecord(data)) {
    const shape = s.shape as Record<string, z.ZodType>;
    for (const [key, value] of Object.entries(data)) {
      const at = [...path, key];
      const child = shape[key];
      if (child) walk(child, value, at, out);
      else out.push(...unknownField(at, Object.keys(shape)));
    }
  } else if (s instanceof z.ZodArray && Array.isArray(data)) {
    data.forEach((item, i) => walk(s.element as z.ZodType, item, [...path, i], out));
  } else if (s instanceof z.ZodRecord && isRecord(data)) {
    const valueType = s._zod.def.valueType as z.ZodType;
    for (const [key, value] of Object.entries(data)) walk(valueType, value, [...path, key], out);
  }
}

function unknownField(path: PathSegment[], known: readonly string[]): UnknownField[] {
  const p = pattern(path);
  const reason = unsupportedFields[p];
  if (reason !== undefined) {
    return [
      {
        path,
        message: `not supported by Flagger Serverless yet (${reason}); the field is ignored`,
        typo: false,
      },
    ];
  }
  const ignored = ignoredFields[p];
  if (ignored !== undefined) return [{ path, message: ignored, typo: false }];
  const key = String(path[path.length - 1]);
  if (p === `metadata.${key}` && objectMetaFields.includes(key)) return [];
  const hint = suggest(key, known);
  return [
    { path, message: `unknown field${hint ? `; did you mean ${hint}?` : ''}`, typo: hint !== undefined },
  ];
}

/** The known key closest to `key`: same letters ignoring case, or at most 2 edits away. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same) return same;
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d <= Math.min(2, Math.floor(k.length / 3)) && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
