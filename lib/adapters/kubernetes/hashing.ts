/**
 * Change detection hashes (docs/flagger-compatibility.md#change-detection), pure. The domain compares
 * them with the values it stored at the last sync; their exact form only has to be stable across reads
 * and processes.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/canonical.js';

export { canonicalJson };

/** Kubernetes' "safe" alphabet (no vowels, no confusable digits), as in `pod-template-hash`. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a over the UTF-8 bytes of `text`. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * The revision of a pod template: FNV-32a of its canonical JSON, rendered like Kubernetes'
 * `ComputeHash` (decimal digits mapped onto the safe alphabet), e.g. `5d8f9c7b4`. Metadata is
 * included, so bumping a pod-template annotation makes a new revision (Flagger's retry recipe).
 */
export function revisionHash(podTemplate: unknown): string {
  const digits = String(fnv32a(canonicalJson(podTemplate)));
  return [...digits].map((d) => SAFE_ALPHABET[d.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/** Checksum of a ConfigMap's or Secret's `.data`: sha256 of its JSON (sorted keys), 16 hex chars. */
export function configChecksum(data: Record<string, string> | undefined): string {
  return createHash('sha256')
    .update(canonicalJson(data ?? {}))
    .digest('hex')
    .slice(0, 16);
}
