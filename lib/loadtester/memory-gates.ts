import type { GateChange, GateStore } from '../ports/gates.js';

/**
 * A {@link GateStore} in process memory: for tests and single-process local mode only. Like
 * Flagger's loadtester, its gates are lost on restart and not shared between Lambda instances.
 */
export class MemoryGateStore implements GateStore {
  private readonly open = new Map<string, boolean>();

  /** @inheritdoc */
  get(key: string, signal: AbortSignal): Promise<boolean | undefined> {
    signal.throwIfAborted();
    return Promise.resolve(this.open.get(key));
  }

  /** @inheritdoc */
  set(key: string, change: GateChange, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.open.set(key, change.open);
    return Promise.resolve();
  }
}
