/**
 * EventBridge rule target: format one domain event for the canary's alert providers (Slack,
 * Teams, Discord, generic) or the deployment's default Slack webhook.
 */
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { notifyStoredEvent, type NotifyEventDeps, type NotifyResult } from '../../lib/app/notify-event.js';
import type { DomainEvent } from '../../lib/domain/events.js';
import type { Logger } from '../../lib/ports/logger.js';
import type { CanaryStore } from '../../lib/ports/store.js';

export interface NotifyHandlerDeps {
  notify: NotifyEventDeps;
  store: CanaryStore;
  logger: Logger;
}

export function makeHandler(deps: NotifyHandlerDeps) {
  return async (
    event: EventBridgeEvent<string, DomainEvent>,
    _context?: unknown,
    opts?: { signal?: AbortSignal },
  ): Promise<NotifyResult> => {
    const signal = opts?.signal ?? AbortSignal.timeout(25_000);
    const e = event.detail;
    const result = await notifyStoredEvent(deps.notify, deps.store, e, signal);
    for (const f of result.failures)
      deps.logger.warn('notification failed', { ...f, reason: 'NotificationFailed' });
    // Nothing got through: fail the invocation so Lambda retries it (twice) and then puts the
    // event on the notify dead-letter queue. A partial failure is not retried: that would post
    // the delivered messages again.
    if (result.failures.length > 0 && result.sent.length === 0)
      throw new NotificationsFailedError(e.type, result.failures.length);
    return result;
  };
}

/** Every destination of one event failed; the invocation fails so Lambda retries it. */
export class NotificationsFailedError extends Error {
  override name = 'NotificationsFailedError';
  constructor(event: string, failures: number) {
    super(
      `${event}: all ${failures} notification(s) failed; Lambda retries, then the notify DLQ keeps the event`,
    );
  }
}

let cached: ReturnType<typeof makeHandler> | undefined;

export const handler = middy<EventBridgeEvent<string, DomainEvent>, NotifyResult>().handler(
  async (event, context, opts) => {
    const { buildNotifyDeps } = await import('../../lib/wiring-notify.js');
    if (!cached) {
      const { core, notify } = await buildNotifyDeps();
      cached = makeHandler({ notify, store: core.store, logger: core.logger });
    }
    return cached(event, context, opts);
  },
);
