import type { LoadtesterLogger } from './logger.js';

/** A background task of the load tester. */
export interface BackgroundTask {
  /** Identity: a second task with the same key is skipped while the first runs. */
  key: string;
  /** Safe to log (no secrets). */
  label: string;
  run(signal: AbortSignal): Promise<void>;
}

/**
 * Runs background tasks, at most one per key, each under a global timeout (Flagger's loadtester
 * `-timeout`, default 1h). Flagger queues tasks and a 100 ms ticker starts them; here they start at
 * once, which keeps the same "identical task already running ⇒ skipped" contract.
 */
export class TaskRunner {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: LoadtesterLogger,
  ) {}

  /** Starts `task` unless a task with the same key is running. */
  start(task: BackgroundTask): 'started' | 'skipped' {
    if (this.running.has(task.key)) return 'skipped';
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`task timed out after ${this.timeoutMs}ms`)),
      this.timeoutMs,
    );
    timer.unref();
    const done = task
      .run(controller.signal)
      .catch((err: unknown) => this.logger.error('task failed', { task: task.label, error: String(err) }))
      .finally(() => {
        clearTimeout(timer);
        this.running.delete(task.key);
      });
    this.running.set(task.key, { controller, done });
    return 'started';
  }

  /** How many tasks are running. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves when no task is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((t) => t.done));
  }

  /** Aborts every running task and waits for them to end. */
  async close(): Promise<void> {
    for (const t of this.running.values()) t.controller.abort(new Error('load tester closing'));
    await this.idle();
  }
}
