/**
 * What the soak benchmark watches in its own process: every AbortSignal that ever gets an `abort`
 * listener (tracked weakly, so tracking keeps nothing alive), the `warning` events and every line
 * written to stderr. Install it before anything else runs.
 */
import { getEventListeners } from 'node:events';

/** Abort listeners on the signals alive now. */
export interface ListenerCount {
  /** All of them. */
  total: number;
  /** On the signal that has most. */
  max: number;
  /** Signals with at least one. */
  signals: number;
}

/** The probe's findings so far. */
export interface Probe {
  listeners(): ListenerCount;
  /** `process.on('warning')` events, in order. */
  warnings: string[];
  /** Lines written to stderr, in order (they are still written). */
  stderr: string[];
}

export function installProbe(): Probe {
  const tracked = new Set<WeakRef<AbortSignal>>();
  const seen = new WeakSet<AbortSignal>();
  const proto = EventTarget.prototype;
  const add = Object.getOwnPropertyDescriptor(proto, 'addEventListener')!
    .value as EventTarget['addEventListener'];
  proto.addEventListener = function (this: EventTarget, type, listener, options) {
    if (type === 'abort' && this instanceof AbortSignal && !seen.has(this)) {
      seen.add(this);
      tracked.add(new WeakRef(this));
    }
    return add.call(this, type, listener, options);
  };
  const warnings: string[] = [];
  process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));
  const stderr: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    stderr.push(...String(chunk).split('\n').filter(Boolean));
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  return {
    warnings,
    stderr,
    listeners() {
      const count: ListenerCount = { total: 0, max: 0, signals: 0 };
      for (const ref of tracked) {
        const signal = ref.deref();
        if (!signal) {
          tracked.delete(ref);
          continue;
        }
        const n = getEventListeners(signal, 'abort').length;
        count.total += n;
        count.max = Math.max(count.max, n);
        if (n > 0) count.signals += 1;
      }
      return count;
    },
  };
}
