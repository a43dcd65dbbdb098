/**
 * What a fake was asked, in order, and what a test scripted for it: failures on chosen calls
 * (`calls.failOn('save', new ConflictError('…'), 1, 2, 3)`) and work to do just before a call
 * (`calls.before('setRoutes', () => deleteCanary(…))`, to stage a race). Counting, never timing.
 */

/** One recorded call. */
export interface Call {
  method: string;
  args: unknown[];
}

export class Calls {
  readonly log: Call[] = [];
  private readonly failures = new Map<string, Map<number, Error>>();
  private readonly hooks = new Map<string, (() => unknown)[]>();

  /** Calls of `method` so far (all calls without it). */
  count(method?: string): number {
    return method === undefined ? this.log.length : this.log.filter((c) => c.method === method).length;
  }

  /** The arguments of each call of `method`, in order. */
  args(method: string): unknown[][] {
    return this.log.filter((c) => c.method === method).map((c) => c.args);
  }

  /** The `nth` calls of `method` (1-based, counted since the fake was made) reject with `error`. */
  failOn(method: string, error: Error, ...nth: number[]): this {
    const byCall = this.failures.get(method) ?? new Map<number, Error>();
    for (const n of nth) byCall.set(n, error);
    this.failures.set(method, byCall);
    return this;
  }

  /** The next `times` calls of `method` reject with `error`. */
  failNext(method: string, error: Error, times = 1): this {
    const first = this.count(method) + 1;
    return this.failOn(method, error, ...Array.from({ length: times }, (_, i) => first + i));
  }

  /** Runs `work` (awaited) just before the next call of `method` does anything. */
  before(method: string, work: () => unknown): this {
    this.hooks.set(method, [...(this.hooks.get(method) ?? []), work]);
    return this;
  }

  /** Called first by every method of a fake: records the call, runs staged work, fails if scripted. */
  async enter(method: string, ...args: unknown[]): Promise<void> {
    this.log.push({ method, args });
    const work = this.hooks.get(method)?.shift();
    if (work) await work();
    const error = this.failures.get(method)?.get(this.count(method));
    if (error) throw error;
  }
}
