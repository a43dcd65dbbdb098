/**
 * withTimeout (lib/abort.ts): whatever way a call ends, the caller's signal is left with the
 * listeners it had before, no timer is left pending and the call's own signal is released.
 */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withTimeout } from '../../../lib/abort.js';

const listeners = (s: AbortSignal) => getEventListeners(s, 'abort').length;

describe('withTimeout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds one listener on the parent during the call and none after it, ten calls in a row', async () => {
    const parent = new AbortController().signal;
    const during: number[] = [];
    const seen: AbortSignal[] = [];
    for (let i = 0; i < 10; i++) {
      await withTimeout(parent, 1000, (signal) => {
        during.push(listeners(parent));
        seen.push(signal);
        return Promise.resolve(i);
      });
    }
    expect(during).toEqual(Array(10).fill(1));
    expect(listeners(parent)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(seen.every((s) => s.aborted && listeners(s) === 0)).toBe(true);
  });

  it('cleans up after a call that fails', async () => {
    const parent = new AbortController().signal;
    await expect(withTimeout(parent, 1000, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(listeners(parent)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts the call with the parent’s reason and cleans up', async () => {
    const parent = new AbortController();
    const call = withTimeout(parent.signal, 1000, (signal) => untilAborted(signal));
    parent.abort(new Error('shutting down'));
    await expect(call).rejects.toThrow('shutting down');
    expect(listeners(parent.signal)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts the call with a TimeoutError after ms, leaving the parent as it was', async () => {
    const parent = new AbortController().signal;
    const call = withTimeout(parent, 1000, (signal) => untilAborted(signal));
    const settled = expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    await vi.advanceTimersByTimeAsync(999);
    expect(listeners(parent)).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await settled;
    expect(parent.aborted).toBe(false);
    expect(listeners(parent)).toBe(0);
  });

  it('starts already aborted when the parent is, and adds nothing to it', async () => {
    const parent = AbortSignal.abort(new Error('gone'));
    const seen = await withTimeout(parent, 1000, (signal) => Promise.resolve(signal.reason as Error));
    expect(seen.message).toBe('gone');
    expect(listeners(parent)).toBe(0);
  });

  it('works without a parent', async () => {
    await expect(withTimeout(undefined, 1000, () => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(vi.getTimerCount()).toBe(0);
  });
});

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}
