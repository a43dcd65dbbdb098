import { describe, expect, it } from 'vitest';
import {
  notifyEvent,
  selectAlerts,
  severityAccepts,
  type NotifyEventDeps,
} from '../../../lib/app/notify-event.js';
import { aCanary, alert, aProvider, fakes, scenarios } from './fixtures.js';

const signal = new AbortController().signal;

describe('severity filter', () => {
  it.each([
    { alert: 'info', event: 'info', want: true },
    { alert: 'info', event: 'warn', want: true },
    { alert: 'info', event: 'error', want: true },
    { alert: 'warn', event: 'info', want: false },
    { alert: 'warn', event: 'warn', want: true },
    { alert: 'warn', event: 'error', want: true },
    { alert: 'error', event: 'info', want: false },
    { alert: 'error', event: 'warn', want: false },
    { alert: 'error', event: 'error', want: true },
  ] as const)('alert $alert receives $event: $want', ({ alert: a, event, want }) => {
    expect(severityAccepts(a, event)).toBe(want);
  });

  it('treats an alert without severity as info', () => {
    const canary = aCanary({ alerts: [alert('all'), alert('errors', 'error')] });
    expect(selectAlerts(scenarios.promoted, canary).map((a) => a.name)).toEqual(['all']);
    expect(selectAlerts(scenarios.rolledBack, canary).map((a) => a.name)).toEqual(['all', 'errors']);
  });
});

describe('notifyEvent', () => {
  const records = [
    aProvider({ name: 'all' }),
    aProvider({ name: 'warnings', type: 'msteams' }),
    aProvider({ name: 'errors', type: 'discord' }),
  ];
  const canary = aCanary({
    alerts: [alert('all', 'info'), alert('warnings', 'warn'), alert('errors', 'error')],
  });

  it.each([
    { name: 'info event', event: scenarios.promoted, want: ['test/all'] },
    { name: 'warn event', event: scenarios.waitingApproval, want: ['test/all', 'test/warnings'] },
    { name: 'error event', event: scenarios.rolledBack, want: ['test/all', 'test/warnings', 'test/errors'] },
  ])('routes an $name by severity', async ({ event, want }) => {
    const { deps, posts } = fakes(records);
    const result = await notifyEvent(deps, event, canary, signal);
    expect(result).toEqual({ muted: false, sent: want, failures: [] });
    expect(posts.map((p) => p.provider)).toEqual(want);
    expect(posts[0].message).toEqual({ event });
  });

  it('uses the default provider only when the canary has no alerts', async () => {
    const { deps, posts } = fakes(records);
    const defaults = { address: 'https://hooks.slack.com/services/x/y/z', channel: '#deploys' };
    const withDefault = { ...deps, defaults };
    expect(await notifyEvent(withDefault, scenarios.promoted, aCanary(), signal)).toEqual({
      muted: false,
      sent: ['default'],
      failures: [],
    });
    expect(await notifyEvent(withDefault, scenarios.promoted, canary, signal)).toEqual({
      muted: false,
      sent: ['test/all'],
      failures: [],
    });
    expect(posts.map((p) => p.provider)).toEqual(['default', 'test/all']);
  });

  it('sends nothing without alerts and without a default', async () => {
    const { deps, posts } = fakes(records);
    expect(await notifyEvent(deps, scenarios.rolledBack, aCanary(), signal)).toEqual({
      muted: false,
      sent: [],
      failures: [],
    });
    expect(posts).toEqual([]);
  });

  it('applies the default severity', async () => {
    const { deps } = fakes([]);
    const withDefault = {
      ...deps,
      defaults: { address: 'https://hooks.slack.com/a/b/c', severity: 'error' as const },
    };
    expect((await notifyEvent(withDefault, scenarios.promoted, aCanary(), signal)).sent).toEqual([]);
    expect((await notifyEvent(withDefault, scenarios.rolledBack, aCanary(), signal)).sent).toEqual([
      'default',
    ]);
  });

  it('posts weight changes only to verbose providers', async () => {
    const { deps } = fakes([aProvider({ name: 'quiet' }), aProvider({ name: 'chatty', verbose: true })]);
    const both = aCanary({ alerts: [alert('quiet'), alert('chatty')] });
    expect(await notifyEvent(deps, scenarios.weightAdvanced, both, signal)).toEqual({
      muted: false,
      sent: ['test/chatty'],
      failures: [],
    });
    const { deps: d2 } = fakes([]);
    const quietDefault = { ...d2, defaults: { address: 'https://hooks.slack.com/a/b/c' } };
    expect((await notifyEvent(quietDefault, scenarios.weightAdvanced, aCanary(), signal)).sent).toEqual([]);
  });

  it('resolves providerRef namespaces (default: the canary namespace) and posts once per provider', async () => {
    const { deps, posts } = fakes([
      aProvider({ name: 'shared', namespace: 'flagger' }),
      aProvider({ name: 'local' }),
    ]);
    const c = aCanary({
      alerts: [
        alert('shared', 'info', 'flagger'),
        alert('local'),
        { ...alert('local', 'error'), name: 'local-again' },
      ],
    });
    const result = await notifyEvent(deps, scenarios.rolledBack, c, signal);
    expect(result.sent).toEqual(['flagger/shared', 'test/local']);
    expect(posts).toHaveLength(2);
  });

  it('reports a missing provider and a failing one without stopping the others', async () => {
    const address = aProvider().address;
    const { deps, posts } = fakes([aProvider({ name: 'broken' }), aProvider({ name: 'ok' })], {
      'test/broken': new Error(`POST ${address} refused`),
    });
    const c = aCanary({ alerts: [alert('missing'), alert('broken'), alert('ok')] });
    const result = await notifyEvent(deps, scenarios.rolledBack, c, signal);
    expect(result).toEqual({
      muted: false,
      sent: ['test/ok'],
      failures: [
        { alert: 'missing', provider: 'test/missing', error: 'AlertProvider test/missing not found' },
        { alert: 'broken', provider: 'test/broken', error: 'POST https://hooks.example.com/… refused' },
      ],
    });
    expect(posts.map((p) => p.provider)).toEqual(['test/ok']);
  });

  it('reports a lookup failure and an unknown provider type', async () => {
    const { deps } = fakes([{ ...aProvider({ name: 'odd' }), type: 'gchat' as never }]);
    const failingLookup: NotifyEventDeps = {
      ...deps,
      providers: {
        get: (_ns, name) =>
          name === 'down'
            ? Promise.reject(new Error('store unavailable'))
            : deps.providers.get('test', name, signal),
      },
      notifierFor: (p) => {
        if (p.type === ('gchat' as never))
          throw new Error('invalid AlertProvider: type "gchat" is not supported');
        return deps.notifierFor(p);
      },
    };
    const result = await notifyEvent(
      failingLookup,
      scenarios.rolledBack,
      aCanary({ alerts: [alert('down'), alert('odd')] }),
      signal,
    );
    expect(result.failures).toEqual([
      { alert: 'down', provider: 'test/down', error: 'store unavailable' },
      { alert: 'odd', provider: 'test/odd', error: 'invalid AlertProvider: type "gchat" is not supported' },
    ]);
  });
});
