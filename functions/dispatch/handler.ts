/**
 * EventBridge schedule (rate 1 minute): queue every analysis step due within the next minute,
 * each delayed to its second.
 */
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { dispatchDue, type DispatchDeps } from '../../lib/app/dispatch-due.js';
import type { Logger } from '../../lib/ports/logger.js';

/** The period of the schedule: steps due within it are queued now. */
export const WINDOW_MS = 60_000;

export function makeHandler(deps: DispatchDeps & { logger: Logger }) {
  return async (
    _event: ScheduledEvent,
    _context?: unknown,
    opts?: { signal?: AbortSignal },
  ): Promise<{ queued: number }> => {
    const r = await dispatchDue(deps, WINDOW_MS, opts?.signal ?? AbortSignal.timeout(45_000));
    deps.logger.info('dispatched due steps', { queued: r.queued, reason: 'StepsDispatched' });
    return r;
  };
}

let cached: ReturnType<typeof makeHandler> | undefined;

export const handler = middy<ScheduledEvent, { queued: number }>().handler(async (event, context, opts) => {
  const { buildDispatchDeps } = await import('../../lib/wiring.js');
  cached ??= makeHandler(buildDispatchDeps());
  return cached(event, context, opts);
});
