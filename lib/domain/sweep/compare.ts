/**
 * The sweep's comparison (pure): what an idle canary saw against what the cluster lists now. An
 * object changed when its stamp differs, when it is gone, or when it appeared where the step found
 * none; an object watched for presence changed only when it is gone. Objects of a collection that
 * could not be listed count as changed: when the sweep cannot look, the canary gets a step.
 */
import { ABSENT, collectionKey, parseRef, PRESENT, type Stamps } from './seen.js';

/** What the cluster lists now, for the collections the sweep asked for. */
export interface Listing {
  /** Reference → stamp of every object of the listed collections. */
  stamps: ReadonlyMap<string, string>;
  /** {@link collectionKey} → why, for every collection whose LIST failed. */
  failed: ReadonlyMap<string, string>;
}

/** One difference: the stamp seen, and the live one (`unknown` when the collection failed). */
export interface Change {
  ref: string;
  was: string;
  now: string;
}

/** The objects of `seen` that changed, in reference order. */
export function changes(seen: Stamps, listing: Listing): Change[] {
  const out: Change[] = [];
  for (const ref of Object.keys(seen).sort()) {
    const was = seen[ref];
    const { name: _name, ...collection } = parseRef(ref);
    if (listing.failed.has(collectionKey(collection))) {
      out.push({ ref, was, now: 'unknown' });
      continue;
    }
    const now = listing.stamps.get(ref) ?? ABSENT;
    const same = was === PRESENT ? now !== ABSENT : now === was;
    if (!same) out.push({ ref, was, now });
  }
  return out;
}
