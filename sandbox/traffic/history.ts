/**
 * A ring buffer of counter snapshots (one a second), so a rate over a window can be computed as
 * the increase since the snapshot taken at the window's start — what Prometheus' `rate()` does
 * with its stored samples.
 */

/** All series values at one moment, keyed by {@link seriesKey}. */
export interface Snapshot {
  atMs: number;
  values: ReadonlyMap<string, number>;
}

/** Fixed-capacity snapshot history; the oldest entry is dropped when full. */
export class SnapshotRing {
  private readonly items: Snapshot[] = [];

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`snapshot capacity must be ≥ 1, got ${capacity}`);
  }

  /** Appends a snapshot (times must not go backwards). */
  push(snapshot: Snapshot): void {
    this.items.push(snapshot);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** Time of the latest snapshot, or undefined when empty. */
  latestAt(): number | undefined {
    return this.items.at(-1)?.atMs;
  }

  /**
   * The baseline for a window starting at `atMs`: the latest snapshot taken at or before it, else
   * the oldest one (a window longer than the history covers what there is).
   */
  baseline(atMs: number): Snapshot | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) {
      if (this.items[i].atMs <= atMs) return this.items[i];
    }
    return this.items[0];
  }
}
