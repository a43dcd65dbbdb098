/**
 * EventBridge schedule (rate 1 minute): queue every analysis step due within the next minute,
 * each delayed to its second; and one sweep per cluster that has idle canaries.
 */
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { dispatchDue, type DispatchDeps } from '../../lib/app/dispatch-due.js';
import { dispatchSweeps, type SweepDispatchDeps } from '../../lib/app/dispatch-sweeps.js';
import type { Logger } from '../../lib/ports/logger.js';

/** The period of the schedule: steps due within it are queued now. */
export const WINDOW_MS = 60_000;

type Result = { queued: number; sweeps: number };

export function makeHandler(deps: DispatchDeps & SweepDispatchDeps & { logger: Logger }) {
  return async (
    _event: ScheduledEvent,
    _context?: unknown,
    opts?: { signal?: AbortSignal },
  ): Promise<Result> => {
    const signal = opts?.signal ?? AbortSignal.timeout(45_000);
    // The sweeps go out whatever happens to the due steps, and the other way round. A failed
    // sweep dispatch is logged, not thrown: a retried invocation would send the due steps again,
    // and idle canaries still get their full step at their reconcile time.
    const [due, swept] = await Promise.allSettled([
      dispatchDue(deps, WINDOW_MS, signal),
      dispatchSweeps(deps, signal),
    ]);
    if (swept.status === 'rejected') {
      const error = (swept.reason as Error).message;
      deps.logger.error('sweeps not dispatched', { error, reason: 'SweepsNotDispatched' });
    }
    if (due.status === 'rejected') throw due.reason;
    const r = { queued: due.value.queued, sweeps: swept.status === 'fulfilled' ? swept.value.sweeps : 0 };
    deps.logger.info('dispatched due steps and sweeps', { ...r, reason: 'StepsDispatched' });
    return r;
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;

export const handler = middy<ScheduledEvent, Result>().handler(async (event, context, opts) => {
  const { buildDispatchDeps } = await import('../../lib/wiring.js');
  cached ??= makeHandler(buildDispatchDeps());
  return cached(event, context, opts);
});
