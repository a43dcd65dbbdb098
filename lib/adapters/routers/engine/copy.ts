/**
 * What a router's copy of a user's object (NGINX's canary Ingress, APISIX's canary ApisixRoute)
 * inherits of the original's metadata: everything but kubectl's last-applied configuration, the
 * engine's own annotation and Flux's markers (copied, they would make Flux prune or revert the
 * copy), minus the keys `drop` names.
 */
import { ORIGINAL_CONFIGURATION } from './objects.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const FLUX_MARKER = 'toolkit.fluxcd.io';

/** The annotations a copy carries over from `annotations`. */
export function inheritedAnnotations(
  annotations: Record<string, string> | undefined,
  drop: (key: string) => boolean = () => false,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations ?? {})) {
    if (k === LAST_APPLIED || k === ORIGINAL_CONFIGURATION || k.includes(FLUX_MARKER) || drop(k)) continue;
    out[k] = v;
  }
  return out;
}

/** The labels a copy carries over from `labels`. */
export function inheritedLabels(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !k.includes(FLUX_MARKER)));
}
