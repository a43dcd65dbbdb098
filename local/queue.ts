import { redactText } from '../lib/domain/redaction.js';
import type { StepMessage, WorkQueue } from '../lib/ports/queue.js';

/**
 * The in-process stand-in for SQS: each message is delivered once its delay has passed, to one
 * consumer (the step handler). Like SQS it does not deduplicate: the consumer's lease does.
 */
export class LocalQueue implements WorkQueue {
  private readonly timers = new Set<NodeJS.Timeout>();
  private inflight = 0;
  private closed = false;
  constructor(private readonly deliver: (m: StepMessage) => Promise<void>) {}

  send(messages: StepMessage[], now: number): Promise<void> {
    for (const m of messages) {
      const t = setTimeout(
        () => {
          this.timers.delete(t);
          this.inflight++;
          this.deliver(m)
            .catch((e: Error) => {
              if (!this.closed) console.error(redactText(`step ${m.key.name} failed: ${e.message}`));
            })
            .finally(() => this.inflight--);
        },
        Math.max(0, m.dueAt - now),
      );
      this.timers.add(t);
    }
    return Promise.resolve();
  }

  /** Messages waiting for their delay plus deliveries in progress. */
  get pending(): number {
    return this.timers.size + this.inflight;
  }

  /** Resolves once no delivery is in progress (or after `timeoutMs`). */
  async drain(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
