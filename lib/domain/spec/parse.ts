/**
 * `parseCanary`: manifest text (YAML or JSON) or an already-decoded object → a validated, normalised
 * Canary plus warnings, or field-path errors. Order: load the document, normalise `canaryAnalysis`
 * (v1alpha3) into `analysis`, refuse unsupported providers and targets by name, check the shape (schema.ts), apply the namespace default, then the
 * semantic rules (validate.ts) and the unknown-field scan (fields.ts). Errors and warnings name the
 * field as the user wrote it, so a v1alpha3 manifest gets `spec.canaryAnalysis.…` paths.
 */
import {
  formatPath,
  humanMessage,
  valueAt,
  type FieldError,
  type PathSegment,
  type RawIssue,
} from './errors.js';
import { unknownFields } from './fields.js';
import { MAX_DECODED_CHARS, MAX_STORED_DEPTH, storableIssue } from './limits.js';
import { loadDocuments } from './load.js';
import { canaryManifest, type Canary } from './schema.js';
import { refuseUnsupported } from './unsupported.js';
import { validateCanary } from './validate.js';

export { formatErrors, type FieldError } from './errors.js';

export interface ParseOptions {
  /** Namespace for a manifest without `metadata.namespace`; default `default`. */
  defaultNamespace?: string;
}

export type ParseResult =
  { ok: true; canary: Canary; warnings: string[] } | { ok: false; errors: FieldError[] };

type Loaded = { ok: true; data: unknown; warnings: string[] } | { ok: false; errors: FieldError[] };

const DOCUMENT = 'expected a Canary manifest (a mapping with apiVersion, kind, metadata and spec)';

/** Parses and validates one Canary manifest; never throws for bad input. */
export function parseCanary(input: string | object, opts: ParseOptions = {}): ParseResult {
  const loaded =
    typeof input === 'string' ? loadText(input) : { ok: true as const, data: input, warnings: [] };
  if (!loaded.ok) return loaded;
  if (!isRecord(loaded.data)) {
    return fail([{ path: '', message: `${DOCUMENT}, got ${kindOf(loaded.data)}` }]);
  }
  const tooLarge = unstorable(loaded.data);
  if (tooLarge) return fail([tooLarge]);
  const norm = normalise(loaded.data);
  if ('error' in norm) return fail([norm.error]);
  const { data, legacy } = norm;
  // An unsupported provider or target is the first and only answer (unsupported.ts).
  const refused = refuseUnsupported(data);
  if (refused) return fail([refused]);
  const render = (issues: readonly RawIssue[]): FieldError[] =>
    issues.map((i) => ({ path: formatPath(legacy ? legacyPath(i.path) : i.path), message: i.message }));

  // Misspelt fields often explain an error ("required field is missing"), so they join the errors.
  const unknown = unknownFields(canaryManifest, data);
  const typos = unknown.filter((u) => u.typo);
  const shaped = canaryManifest.safeParse(data);
  if (!shaped.success) {
    const issues = shaped.error.issues.map((i) => ({
      path: i.path.map(segment),
      message: humanMessage(i, valueAt(data, i.path)),
    }));
    return fail(render([...issues, ...typos]));
  }
  const metadata = {
    ...shaped.data.metadata,
    namespace: shaped.data.metadata.namespace ?? opts.defaultNamespace ?? 'default',
  };
  const canary: Canary = { ...shaped.data, metadata };
  const findings = validateCanary(canary);
  if (findings.errors.length > 0) return fail(render([...findings.errors, ...typos]));
  const warnings = render([...unknown, ...findings.warnings]).map(
    (w) => `${w.path === '' ? '(document)' : w.path}: ${w.message}`,
  );
  return { ok: true, canary, warnings: [...loaded.warnings, ...warnings] };
}

function fail(errors: FieldError[]): { ok: false; errors: FieldError[] } {
  return { ok: false, errors };
}

function segment(key: PropertyKey): PathSegment {
  return typeof key === 'symbol' ? String(key) : key;
}

function legacyPath(path: readonly PathSegment[]): readonly PathSegment[] {
  return path[0] === 'spec' && path[1] === 'analysis' ? ['spec', 'canaryAnalysis', ...path.slice(2)] : path;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'an empty document';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}

/** Moves v1alpha3's `spec.canaryAnalysis` to `spec.analysis` (without touching the input). */
function normalise(
  doc: Record<string, unknown>,
): { data: Record<string, unknown>; legacy: boolean } | { error: FieldError } {
  const spec = doc.spec;
  if (!isRecord(spec) || !('canaryAnalysis' in spec)) return { data: doc, legacy: false };
  if ('analysis' in spec) {
    return {
      error: {
        path: 'spec.canaryAnalysis',
        message: 'expected either analysis (v1beta1) or canaryAnalysis (v1alpha3), got both',
      },
    };
  }
  const { canaryAnalysis, ...rest } = spec;
  return { data: { ...doc, spec: { ...rest, analysis: canaryAnalysis } }, legacy: true };
}

/** JSON or YAML text → one document; a multi-document stream must hold exactly one Canary. */
function loadText(text: string): Loaded {
  if (text.trim() === '') return fail([{ path: '', message: `${DOCUMENT}, got an empty document` }]);
  const loaded = loadDocuments(text);
  if (!loaded.ok) return loaded;
  const { values, warnings } = loaded;
  if (values.length <= 1) return { ok: true, data: values[0], warnings };
  const canaries = values.flatMap((v, i) => (isRecord(v) && v.kind === 'Canary' ? [i] : []));
  const kinds = values.map((v) => (isRecord(v) && typeof v.kind === 'string' ? v.kind : '?'));
  if (canaries.length !== 1) {
    const found =
      canaries.length === 0
        ? `none among kinds ${kinds.join(', ')}`
        : `${canaries.length}, in documents ${canaries.map((i) => i + 1).join(', ')}`;
    return fail([{ path: '', message: `expected exactly one document with kind: Canary, found ${found}` }]);
  }
  const index = canaries[0];
  const others = kinds.filter((_, i) => i !== index);
  warnings.push(
    `(document): using document ${index + 1}; ignored ${others.length} other document(s) of kind ${others.join(', ')}`,
  );
  return { ok: true, data: values[index], warnings };
}

/** Too deep, holding numbers a store cannot keep, or too large once decoded: the error. */
function unstorable(data: unknown): FieldError | undefined {
  const issue = storableIssue(data, MAX_STORED_DEPTH);
  if (issue) return { path: formatPath(issue.path), message: issue.message };
  const size = JSON.stringify(data).length;
  if (size > MAX_DECODED_CHARS)
    return {
      path: '',
      message: `the manifest takes ${size} characters of JSON once decoded (YAML aliases expanded); expected at most ${MAX_DECODED_CHARS}`,
    };
  return undefined;
}
