/**
 * Delivery over real HTTP: status handling, timeouts and aborts through AbortSignal, transport
 * errors, and — throughout — that webhook addresses never leak into errors or failures.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeNotifier, makeNotifierFactory } from '../../../lib/adapters/notify/factory.js';
import { NotificationDeliveryError } from '../../../lib/adapters/notify/http.js';
import { notifyEvent } from '../../../lib/app/notify-event.js';
import type { AlertProvider, AlertProviders } from '../../../lib/ports/notifier.js';
import { fail, hang, reply, startReceiver, type Receiver } from '../../support/receiver.js';
import { aCanary, scenarios } from '../../unit/notify/fixtures.js';
import { receiverProvider, WEBHOOK_PATH } from './cases.js';

const SECRET = 'SECRETTOKEN123';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});
beforeEach(() => rx.reset());

/** Posts and returns the error thrown (fails the test when nothing is thrown). */
async function postError(
  provider: AlertProvider,
  signal = AbortSignal.timeout(5000),
  timeoutMs?: number,
): Promise<NotificationDeliveryError> {
  try {
    await makeNotifier(provider, { timeoutMs }).post({ event: scenarios.rolledBack }, signal);
  } catch (err) {
    expect(err).toBeInstanceOf(NotificationDeliveryError);
    return err as NotificationDeliveryError;
  }
  throw new Error('expected the post to fail');
}

/** Nothing reachable from the error — message, stack, cause chain, properties — holds the secret. */
function expectNoSecret(err: unknown): void {
  expect(inspect(err, { depth: 10 })).not.toContain(SECRET);
  expect(JSON.stringify(err)).not.toContain(SECRET);
}

describe('HTTP delivery', () => {
  it.each([200, 201, 202, 204])('accepts HTTP %i', async (status) => {
    rx.respond(WEBHOOK_PATH, reply(status));
    await expect(
      makeNotifier(receiverProvider(rx, 'slack')).post(
        { event: scenarios.promoted },
        AbortSignal.timeout(5000),
      ),
    ).resolves.toBeUndefined();
  });

  it('reports HTTP 500 with the provider name and the redacted URL', async () => {
    rx.respond(WEBHOOK_PATH, fail('internal error'));
    const err = await postError(receiverProvider(rx, 'slack'));
    expect(err.message).toBe(
      `slack provider test/slack-alerts: POST ${rx.url}/… answered HTTP 500: internal error`,
    );
    expect(err).toMatchObject({ provider: 'slack provider test/slack-alerts', failure: 'http', status: 500 });
    expectNoSecret(err);
  });

  it('scrubs a response body that echoes the webhook path', async () => {
    rx.respond(WEBHOOK_PATH, reply(404, `no webhook at ${WEBHOOK_PATH}`));
    const err = await postError(receiverProvider(rx, 'discord'));
    expect(err.message).toBe(
      `discord provider test/discord-alerts: POST ${rx.url}/… answered HTTP 404: no webhook at ***`,
    );
    expectNoSecret(err);
  });

  it('honours the per-post timeout', async () => {
    rx.respond(WEBHOOK_PATH, hang());
    // The caller never aborts: only the per-post timeout can end this post.
    const err = await postError(receiverProvider(rx, 'msteams'), new AbortController().signal, 200);
    expect(err.failure).toBe('timeout');
    expect(err.message).toBe(`msteams provider test/msteams-alerts: POST ${rx.url}/… timed out after 200ms`);
    expectNoSecret(err);
  });

  it("stops when the caller's signal aborts", async () => {
    rx.respond(WEBHOOK_PATH, hang());
    const controller = new AbortController();
    const posting = postError(receiverProvider(rx, 'generic'), controller.signal);
    await rx.waitForRequests(1, { path: WEBHOOK_PATH });
    controller.abort(new Error('lambda deadline'));
    const err = await posting;
    expect(err.failure).toBe('aborted');
    expect(err.message).toBe(`generic provider test/generic-alerts: POST ${rx.url}/… aborted by the caller`);
    expectNoSecret(err);
  });

  it('does not post with an already aborted signal', async () => {
    const err = await postError(receiverProvider(rx, 'slack'), AbortSignal.abort());
    expect(err.failure).toBe('aborted');
    expect(rx.requests).toHaveLength(0);
  });

  it('scrubs a cause that mentions the address', async () => {
    const provider = receiverProvider(rx, 'slack');
    const err = await postError(provider, AbortSignal.abort(new Error(`gave up on ${provider.address}`)));
    expect((err.cause as Error).message).toBe(`gave up on ${rx.url}/…`);
    expectNoSecret(err);
  });

  it('reports a refused connection without the path', async () => {
    const closed = await startReceiver();
    const address = `${closed.url}${WEBHOOK_PATH}`;
    await closed.close();
    const err = await postError({ ...receiverProvider(rx, 'slack'), address });
    expect(err.failure).toBe('network');
    expect(err.message).toMatch(
      new RegExp(`^slack provider test/slack-alerts: POST ${closed.url}/… failed: .*ECONNREFUSED`),
    );
    expectNoSecret(err);
  });

  it('never leaks an address fetch cannot parse', async () => {
    const err = await postError({
      ...receiverProvider(rx, 'slack'),
      address: `http://exa mple.com/${SECRET}`,
    });
    expect(err.failure).toBe('invalidAddress');
    expect(err.message).toBe(
      'slack provider test/slack-alerts: POST <invalid URL> failed: the address is not an absolute URL',
    );
    expectNoSecret(err);
  });
});

describe('notifyEvent over HTTP', () => {
  const records = (): AlertProvider[] => [
    { name: 'broken', namespace: 'test', type: 'slack', address: `${rx.url}/broken/${SECRET}` },
    { name: 'teams', namespace: 'test', type: 'msteams', address: `${rx.url}/teams/${SECRET}` },
    { name: 'hook', namespace: 'test', type: 'generic', address: `${rx.url}/hook/${SECRET}` },
  ];
  const lookup = (list: AlertProvider[]): AlertProviders => ({
    get: (ns, name) => Promise.resolve(list.find((p) => p.namespace === ns && p.name === name)),
  });
  const alerts = ['broken', 'teams', 'hook'].map((name) => ({ name, providerRef: { name } }));

  it('posts to every provider although one answers 500, and reports it redacted', async () => {
    rx.respond(`/broken/${SECRET}`, fail());
    const deps = { providers: lookup(records()), notifierFor: makeNotifierFactory() };
    const result = await notifyEvent(
      deps,
      scenarios.rolledBack,
      aCanary({ alerts }),
      AbortSignal.timeout(5000),
    );
    expect(result).toEqual({
      muted: false,
      sent: ['test/teams', 'test/hook'],
      failures: [
        {
          alert: 'broken',
          provider: 'test/broken',
          error: `slack provider test/broken: POST ${rx.url}/… answered HTTP 500: internal error`,
        },
      ],
    });
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(rx.requests.map((r) => r.path).sort()).toEqual([
      `/broken/${SECRET}`,
      `/hook/${SECRET}`,
      `/teams/${SECRET}`,
    ]);
  });

  it('falls back to the default Slack webhook for a canary without alerts', async () => {
    const deps = {
      providers: lookup([]),
      notifierFor: makeNotifierFactory(),
      defaults: { address: `${rx.url}${WEBHOOK_PATH}`, channel: '#deploys', username: 'flagger-eu' },
    };
    const result = await notifyEvent(deps, scenarios.promoted, aCanary(), AbortSignal.timeout(5000));
    expect(result).toEqual({ muted: false, sent: ['default'], failures: [] });
    const [request] = await rx.waitForRequests(1, { path: WEBHOOK_PATH });
    expect(request.body).toMatchObject({
      channel: '#deploys',
      username: 'flagger-eu',
      attachments: [{ color: 'good' }],
    });
  });

  it('reports a timed-out default provider without its address', async () => {
    rx.respond(WEBHOOK_PATH, hang());
    const deps = {
      providers: lookup([]),
      notifierFor: makeNotifierFactory({ timeoutMs: 150 }),
      defaults: { address: `${rx.url}${WEBHOOK_PATH}` },
    };
    const result = await notifyEvent(deps, scenarios.rolledBack, aCanary(), AbortSignal.timeout(5000));
    expect(result.failures).toEqual([
      {
        alert: 'default',
        provider: 'default',
        error: `slack provider default: POST ${rx.url}/… timed out after 150ms`,
      },
    ]);
  });
});
