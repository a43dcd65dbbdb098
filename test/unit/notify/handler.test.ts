/**
 * The notify function fails an invocation only when no destination accepted the event, so Lambda
 * retries it and then dead-letters it; a partial failure is not retried (it would post twice).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler, NotificationsFailedError } from '../../../functions/notify/handler.js';
import type { DomainEvent } from '../../../lib/domain/events.js';
import { silentLogger } from '../../../lib/ports/logger.js';
import type { Notifier } from '../../../lib/ports/notifier.js';

const event = {
  detail: {
    type: 'Promoted',
    severity: 'info',
    message: 'done',
    at: 0,
    canary: { cluster: 'c', namespace: 'test', name: 'podinfo' },
  },
} as unknown as EventBridgeEvent<string, DomainEvent>;

function handler(outcomes: boolean[]) {
  let i = 0;
  const notifier: Notifier = {
    post: () => (outcomes[i++] ? Promise.resolve() : Promise.reject(new Error('slack said 500'))),
  };
  const alerts = outcomes.map((_, n) => ({
    name: `p${n}`,
    severity: 'info',
    providerRef: { name: `p${n}` },
  }));
  const manifest = { metadata: { name: 'podinfo', namespace: 'test' }, spec: { analysis: { alerts } } };
  return makeHandler({
    notify: {
      providers: {
        get: (ns, name) =>
          Promise.resolve({ name, namespace: ns, type: 'slack', address: `https://hooks.example/${name}` }),
      },
      notifierFor: () => notifier,
      defaults: undefined,
    },
    store: { get: () => Promise.resolve({ manifest }) } as never,
    logger: silentLogger,
  });
}

describe('notify handler failures', () => {
  it('throws when every destination failed, so Lambda retries and dead-letters the event', async () => {
    await expect(handler([false, false])(event)).rejects.toBeInstanceOf(NotificationsFailedError);
  });

  it('returns the failures when some destination accepted the event', async () => {
    const r = await handler([true, false])(event);
    expect(r.sent).toHaveLength(1);
    expect(r.failures).toHaveLength(1);
  });
});
