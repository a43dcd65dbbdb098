/**
 * A/B match conditions (Flagger's newest Istio form, docs/routing.md): each `analysis.match` entry is
 * combined with each `service.match` entry (cartesian product), so the canary route only catches
 * requests the service route would catch. Map fields (headers, queryParams, sourceLabels) are merged
 * with the analysis side winning on a key clash; any other field set by the analysis entry (uri,
 * method…) replaces the service one. Flagger merges only headers and sourceLabels, which silently drops
 * an analysis `uri`; we keep it.
 */
import type { Canary, HttpMatch } from '../../../domain/spec/schema.js';

const MAP_FIELDS = ['headers', 'queryParams', 'sourceLabels'] as const;

/** The match list of the A/B canary route. */
export function mergeMatches(analysis: readonly HttpMatch[], service: readonly HttpMatch[]): HttpMatch[] {
  if (service.length === 0) return analysis.map((m) => ({ ...m }));
  return analysis.flatMap((a) => service.map((s) => mergeMatch(a, s)));
}

function mergeMatch(a: HttpMatch, s: HttpMatch): HttpMatch {
  const merged: HttpMatch = { ...s, ...a };
  for (const field of MAP_FIELDS) {
    if (s[field] || a[field]) merged[field] = { ...s[field], ...a[field] } as never;
  }
  return merged;
}

/** `service.match`, or none. */
export function serviceMatches(c: Canary): HttpMatch[] {
  return c.spec.service.match ?? [];
}

/** `analysis.match`, or none. */
export function analysisMatches(c: Canary): HttpMatch[] {
  return c.spec.analysis?.match ?? [];
}
