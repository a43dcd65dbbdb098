/**
 * What the sweep does with one kind of sourced object (MetricTemplates, AlertProviders) of one
 * cluster, from the metadata list and the stored rows (docs/gitops.md): read in full only an
 * object whose generation is neither the one served nor the one last refused; forget a row whose
 * object is gone. Everything else costs nothing.
 */
import type { SourcedMeta, SourcedRow } from '../../ports/sourced.js';

export interface SourcedPlan {
  /** New or changed objects: read in full, then stored (or refused). */
  read: SourcedMeta[];
  /** Rows whose object is no longer listed: deleted. */
  remove: SourcedRow[];
  /** Objects listed and already handled at their generation. */
  unchanged: number;
}

/** `listed` and `stored` are of the same kind and cluster. */
export function planSourced(listed: readonly SourcedMeta[], stored: readonly SourcedRow[]): SourcedPlan {
  const rows = new Map(stored.map((r) => [refOf(r), r]));
  const read = listed.filter((o) => !handled(o, rows.get(refOf(o))));
  const present = new Set(listed.map(refOf));
  return {
    read,
    remove: stored.filter((r) => !present.has(refOf(r))),
    unchanged: listed.length - read.length,
  };
}

/** True when the object at its generation was stored or refused already. */
function handled(o: SourcedMeta, row: SourcedRow | undefined): boolean {
  return row?.served?.generation === o.generation || row?.refused?.generation === o.generation;
}

/** `namespace/name`. */
export function refOf(o: { namespace: string; name: string }): string {
  return `${o.namespace}/${o.name}`;
}
