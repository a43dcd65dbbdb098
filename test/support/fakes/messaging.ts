/**
 * Fakes of what leaves a step besides the store: the work queue (lib/ports/queue.ts), the event
 * bus (lib/ports/bus.ts) and the logger (lib/ports/logger.ts). They keep what they were given.
 */
import type { DomainEvent } from '../../../lib/domain/events.js';
import type { EventBus } from '../../../lib/ports/bus.js';
import type { Logger } from '../../../lib/ports/logger.js';
import type { StepMessage, WorkQueue } from '../../../lib/ports/queue.js';
import { Calls } from './calls.js';

export class FakeQueue implements WorkQueue {
  readonly calls = new Calls();
  readonly sent: StepMessage[] = [];

  async send(messages: StepMessage[], now: number): Promise<void> {
    await this.calls.enter('send', messages, now);
    this.sent.push(...structuredClone(messages));
  }
}

export class FakeBus implements EventBus {
  readonly calls = new Calls();
  readonly published: DomainEvent[] = [];

  async publish(events: DomainEvent[]): Promise<void> {
    await this.calls.enter('publish', events);
    this.published.push(...structuredClone(events));
  }
}

/** One log line. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

export class FakeLogger implements Logger {
  readonly lines: LogLine[] = [];

  info(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'info', message, fields });
  }

  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'warn', message, fields });
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'error', message, fields });
  }

  /** The lines logged with `reason`. */
  withReason(reason: string): LogLine[] {
    return this.lines.filter((l) => l.fields.reason === reason);
  }
}
