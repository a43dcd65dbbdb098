import { describe, expect, it } from 'vitest';
import { isMuted, notifyEvent } from '../../../lib/app/notify-event.js';
import { aCanary, alert, anEvent, aProvider, fakes, scenarios } from './fixtures.js';

const signal = new AbortController().signal;

describe('muteAlert', () => {
  const gate = {
    name: 'gate',
    type: 'confirm-rollout' as const,
    url: 'http://loadtester/gate/check',
    muteAlert: true,
  };
  const failingGate = {
    name: 'gate',
    kind: 'webhook' as const,
    verdict: 'fail' as const,
    explanation: 'confirm-rollout hook "gate" failed: HTTP 403',
  };

  it.each([
    {
      name: 'event flag set',
      event: anEvent({ ...scenarios.waitingApproval }),
      flag: true,
      hooks: [],
      want: true,
    },
    {
      name: 'event flag false wins over the spec',
      event: { ...scenarios.waitingApproval, checks: [failingGate] },
      flag: false,
      hooks: [gate],
      want: false,
    },
    {
      name: 'failing hook muted in the spec',
      event: { ...scenarios.waitingApproval, checks: [failingGate] },
      flag: undefined,
      hooks: [gate],
      want: true,
    },
    {
      name: 'failing hook not muted',
      event: { ...scenarios.waitingApproval, checks: [failingGate] },
      flag: undefined,
      hooks: [{ ...gate, muteAlert: false }],
      want: false,
    },
    {
      name: 'gate of the reason all muted',
      event: scenarios.waitingApproval,
      flag: undefined,
      hooks: [gate],
      want: true,
    },
    {
      name: 'gate of the reason partly muted',
      event: scenarios.waitingApproval,
      flag: undefined,
      hooks: [gate, { ...gate, name: 'second', muteAlert: undefined }],
      want: false,
    },
    {
      name: 'hooks of another gate do not count',
      event: scenarios.waitingApproval,
      flag: undefined,
      hooks: [{ ...gate, type: 'confirm-promotion' as const }],
      want: false,
    },
    { name: 'no hooks', event: scenarios.waitingApproval, flag: undefined, hooks: [], want: false },
    {
      name: 'never for errors',
      event: { ...scenarios.rolledBack, checks: [failingGate] },
      flag: true,
      hooks: [gate],
      want: false,
    },
    { name: 'never for lifecycle events', event: scenarios.promoted, flag: true, hooks: [gate], want: false },
  ])('$name → $want', ({ event, flag, hooks, want }) => {
    expect(isMuted({ ...event, muteAlert: flag }, aCanary({ webhooks: hooks }))).toBe(want);
  });

  it('posts nothing when muted', async () => {
    const { deps, posts } = fakes([aProvider({ name: 'all' })]);
    const c = aCanary({ alerts: [alert('all')], webhooks: [gate] });
    const result = await notifyEvent(
      deps,
      { ...scenarios.waitingApproval, checks: [failingGate] },
      c,
      signal,
    );
    expect(result).toEqual({ muted: true, sent: [], failures: [] });
    expect(posts).toEqual([]);
  });
});
