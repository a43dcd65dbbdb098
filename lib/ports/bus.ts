import type { DomainEvent } from '../domain/events.js';

/** Publishes domain events (EventBridge in AWS, in-process locally). */
export interface EventBus {
  publish(events: DomainEvent[], signal: AbortSignal): Promise<void>;
}
