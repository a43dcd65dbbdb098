import type { DomainEvent } from '../lib/domain/events.js';
import { redactText } from '../lib/domain/redaction.js';
import type { EventBus } from '../lib/ports/bus.js';

/** A subscriber; `signal` is the publisher's (the step's). */
type Subscriber = (e: DomainEvent, signal: AbortSignal) => Promise<void>;

interface Waiter {
  match(e: DomainEvent): boolean;
  resolve(e: DomainEvent): void;
}

/**
 * The in-process stand-in for EventBridge: every subscriber gets every event, in order. It keeps
 * no events: whoever needs to know when one was handled asks {@link LocalBus.delivered} first.
 */
export class LocalBus implements EventBus {
  private readonly subscribers: Subscriber[] = [];
  private readonly waiters = new Set<Waiter>();

  subscribe(fn: Subscriber): void {
    this.subscribers.push(fn);
  }

  async publish(events: DomainEvent[], signal: AbortSignal): Promise<void> {
    for (const e of events) {
      for (const s of this.subscribers) {
        await s(e, signal).catch((err: Error) =>
          console.error(redactText(`event ${e.type} subscriber failed: ${err.message}`)),
        );
      }
    }
    for (const w of this.waiters) {
      const hit = events.find((e) => w.match(e));
      if (!hit) continue;
      this.waiters.delete(w);
      w.resolve(hit);
    }
  }

  /**
   * Resolves with the first event matching `match` published from now on, once every subscriber
   * is done with it and with the events published with it (one step's events: a release's last
   * step publishes `Promoted` or `RolledBack`, then `PhaseChanged`). Rejects when `signal` aborts;
   * either way nothing of the wait is left behind.
   */
  delivered(match: (e: DomainEvent) => boolean, signal: AbortSignal): Promise<DomainEvent> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        reject(signal.reason instanceof Error ? signal.reason : new Error('wait aborted'));
      };
      const waiter: Waiter = {
        match,
        resolve: (e) => {
          signal.removeEventListener('abort', onAbort);
          resolve(e);
        },
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }
}
