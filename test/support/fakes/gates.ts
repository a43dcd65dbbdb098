/** An in-memory fake of the load tester's gate store (lib/ports/gates.ts) that records every change. */
import type { GateChange, GateStore } from '../../../lib/ports/gates.js';
import { Calls } from './calls.js';

export class FakeGateStore implements GateStore {
  readonly calls = new Calls();
  private readonly gates = new Map<string, boolean>();

  async get(key: string): Promise<boolean | undefined> {
    await this.calls.enter('get', key);
    return this.gates.get(key);
  }

  async set(key: string, change: GateChange): Promise<void> {
    await this.calls.enter('set', key, change);
    this.gates.set(key, change.open);
  }
}
