/** Shared helpers for the validation tables: build a manifest with edits, collect its errors or warnings. */
import { formatErrors, parseCanary, type FieldError } from '../../../lib/domain/spec/parse.js';
import { aManifest, edit, type Edits } from './builders.js';

export const hook = (name: string, extra: Edits = {}) => ({
  name,
  url: 'http://flagger-loadtester.test/',
  ...extra,
});
export const noSteps = { 'spec.analysis.stepWeight': undefined, 'spec.analysis.maxWeight': undefined };
export const bg = { ...noSteps, 'spec.analysis.iterations': 10 };

/** The errors for a manifest built from the default one; fails the test when it is accepted. */
export function errorsFor(edits: Edits, doc: Record<string, unknown> = aManifest()): FieldError[] {
  const r = parseCanary(edit(doc, edits));
  if (r.ok) throw new Error(`expected errors; accepted with warnings: ${r.warnings.join('; ')}`);
  return r.errors;
}

/** The warnings for an accepted manifest; fails the test when it is rejected. */
export function warningsFor(edits: Edits): string[] {
  const r = parseCanary(aManifest(edits));
  if (!r.ok) throw new Error(formatErrors(r.errors));
  return r.warnings;
}
