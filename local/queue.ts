import { redactText } from '../lib/domain/redaction.js';
import { withTimeout } from '../lib/abort.js';
import { STEP_DEADLINE_MS } from '../lib/app/step-deadline.js';
import type { StepMessage, WorkQueue } from '../lib/ports/queue.js';
import { keyString } from '../lib/ports/store.js';

/** What consumes a message: the step handler. `signal` is this delivery's own. */
type Deliver = (m: StepMessage, signal: AbortSignal) => Promise<void>;

/**
 * The in-process stand-in for SQS: each message is delivered once its delay has passed, to one
 * consumer (the step handler). Like SQS it does not deduplicate: the consumer's lease does. Like a
 * Lambda invocation, each delivery runs under a signal of its own, aborted by `close()` or after
 * `deadlineMs` — never one signal shared by all deliveries, which would collect a listener per
 * call in flight. Like a function's reserved concurrency, at most `concurrency` deliveries run at
 * once; the others wait their turn in arrival order (a hundred canaries due in the same second
 * would otherwise open more connections to the store than its client keeps).
 */
export class LocalQueue implements WorkQueue {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Map<Promise<void>, AbortController>();
  /**
   * Due messages waiting for a free delivery slot, one per canary and kind (analysis or action):
   * a newer message for a canary already waiting replaces the older one in its place. Dispatch
   * sends a due canary again every second while it waits; its step re-reads the row anyway.
   */
  private readonly waiting = new Map<string, StepMessage>();
  private closed = false;

  /** `deadlineMs`: the step function's own bound (functions/step/batch.ts). */
  constructor(
    private readonly deliver: Deliver,
    private readonly deadlineMs = STEP_DEADLINE_MS,
    private readonly concurrency = 10,
  ) {}

  /**
   * Delivers each message when it is due: at once when it already is (so `drain()` right after
   * waits for it), else after its delay. After `close()` nothing more is delivered.
   */
  send(messages: StepMessage[], now: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    for (const m of messages) {
      if (m.dueAt <= now) {
        this.start(m);
        continue;
      }
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.start(m);
      }, m.dueAt - now);
      this.timers.add(t);
    }
    return Promise.resolve();
  }

  private start(m: StepMessage): void {
    if (this.running.size >= this.concurrency) {
      this.waiting.set(`${keyString(m.key)}|${m.action === true}`, m);
      return;
    }
    const controller = new AbortController();
    const done: Promise<void> = withTimeout(controller.signal, this.deadlineMs, (signal) =>
      this.deliver(m, signal),
    )
      .catch((e: Error) => {
        if (!this.closed) console.error(redactText(`step ${m.key.name} failed: ${e.message}`));
      })
      .finally(() => {
        this.running.delete(done);
        const [id, next] = this.waiting.entries().next().value ?? [];
        if (id === undefined || next === undefined) return;
        this.waiting.delete(id);
        if (!this.closed) this.start(next);
      });
    this.running.set(done, controller);
  }

  /** Messages waiting for their delay or a slot, plus deliveries in progress. */
  get pending(): number {
    return this.timers.size + this.waiting.size + this.running.size;
  }

  /** Deliveries in progress. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Resolves once every delivery in progress has ended (`close()` aborts them first). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled(this.running.keys());
  }

  /** Drops the messages still waiting and aborts the deliveries in progress. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.waiting.clear();
    for (const c of this.running.values()) c.abort(new Error('local queue closed'));
  }
}
