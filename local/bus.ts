import type { DomainEvent } from '../lib/domain/events.js';
import { redactText } from '../lib/domain/redaction.js';
import type { EventBus } from '../lib/ports/bus.js';

/** The in-process stand-in for EventBridge: every subscriber gets every event, in order. */
export class LocalBus implements EventBus {
  private readonly subscribers: ((e: DomainEvent) => Promise<void>)[] = [];
  readonly published: DomainEvent[] = [];

  subscribe(fn: (e: DomainEvent) => Promise<void>): void {
    this.subscribers.push(fn);
  }

  async publish(events: DomainEvent[]): Promise<void> {
    for (const e of events) {
      this.published.push(e);
      for (const s of this.subscribers) {
        await s(e).catch((err: Error) =>
          console.error(redactText(`event ${e.type} subscriber failed: ${err.message}`)),
        );
      }
    }
  }
}
