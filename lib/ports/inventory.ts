/**
 * What a cluster holds, by version stamp only (the sweep, lib/app/sweep.ts): one metadata-only
 * LIST per collection, never an object's data.
 */
import type { Listing } from '../domain/sweep/compare.js';
import type { Collection } from '../domain/sweep/seen.js';

export interface Inventory {
  /**
   * The stamps of every object in `collections` of `cluster`. A collection that cannot be listed
   * is reported in `failed`, not thrown; a resource the cluster does not serve lists as empty.
   */
  stamps(cluster: string, collections: readonly Collection[], signal: AbortSignal): Promise<Listing>;
}
