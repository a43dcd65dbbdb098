/** Which events carry buttons, the button value codec and stale clicks (lib/domain/buttons.ts). */
import { describe, expect, it } from 'vitest';
import {
  buttonsFor,
  decodeButton,
  encodeButton,
  messageButtons,
  staleness,
  type ButtonValue,
} from '../../../lib/domain/buttons.js';
import { aStatus } from '../../support/builders.js';
import { anEvent } from '../notify/fixtures.js';

const canary = { cluster: 'prod-eu', namespace: 'test', name: 'podinfo' };

describe('buttonsFor', () => {
  it.each([
    {
      name: 'confirm-rollout wait',
      e: anEvent({ type: 'WaitingApproval', reason: 'WaitingForApproval', phase: 'Waiting' }),
      want: ['approve:confirm-rollout', 'abort', 'pause'],
    },
    {
      name: 'confirm-traffic-increase wait',
      e: anEvent({ type: 'WaitingApproval', reason: 'TrafficIncreaseNotApproved', phase: 'Progressing' }),
      want: ['approve:confirm-traffic-increase', 'abort', 'pause'],
    },
    {
      name: 'confirm-promotion wait',
      e: anEvent({ type: 'WaitingApproval', reason: 'WaitingPromotion', phase: 'WaitingPromotion' }),
      want: ['approve:confirm-promotion', 'abort', 'pause'],
    },
    { name: 'release started', e: anEvent(), want: ['abort', 'pause'] },
    {
      name: 'weight changed',
      e: anEvent({ type: 'WeightChanged', reason: 'CanaryWeightIncreased' }),
      want: ['abort', 'pause'],
    },
    {
      name: 'check failed',
      e: anEvent({ type: 'CheckFailed', reason: 'CheckFailed' }),
      want: ['abort', 'pause'],
    },
    { name: 'promoted', e: anEvent({ type: 'Promoted', reason: 'Promoted', phase: 'Succeeded' }), want: [] },
    {
      name: 'rolled back',
      e: anEvent({ type: 'RolledBack', reason: 'RollbackThresholdReached', phase: 'Failed' }),
      want: [],
    },
    {
      name: 'promotion started',
      e: anEvent({ type: 'PromotionStarted', reason: 'Promoting' as never, phase: 'Promoting' }),
      want: [],
    },
  ])('$name: $want', ({ e, want }) => {
    expect(buttonsFor(e).map((b) => (b.gate ? `${b.action}:${b.gate}` : b.action))).toEqual(want);
  });

  it('gives every message its own nonce, the same one for the same event', () => {
    const a = buttonsFor(anEvent());
    expect(buttonsFor(anEvent())[0]!.nonce).toBe(a[0]!.nonce);
    expect(buttonsFor(anEvent({ at: '2025-01-02T03:05:05.000Z' }))[0]!.nonce).not.toBe(a[0]!.nonce);
  });
});

describe('messageButtons: buttons only where a click is answered', () => {
  const gate = anEvent({ type: 'WaitingApproval', reason: 'WaitingForApproval', phase: 'Waiting' });
  const started = anEvent();
  const promoted = anEvent({ type: 'Promoted', reason: 'Promoted', phase: 'Succeeded' });
  it.each([
    { name: 'interactive, provider silent: gate', e: gate, interactive: true, provider: undefined, want: 3 },
    {
      name: 'interactive, provider silent: release',
      e: started,
      interactive: true,
      provider: undefined,
      want: 2,
    },
    { name: 'interactive, provider says yes', e: gate, interactive: true, provider: true, want: 3 },
    { name: 'interactive, provider opted out', e: gate, interactive: true, provider: false, want: 0 },
    {
      name: 'interactive, an event without buttons',
      e: promoted,
      interactive: true,
      provider: true,
      want: 0,
    },
    { name: 'no interactivity, provider silent', e: gate, interactive: false, provider: undefined, want: 0 },
    { name: 'no interactivity, provider says yes', e: started, interactive: false, provider: true, want: 0 },
    { name: 'no interactivity, provider opted out', e: gate, interactive: false, provider: false, want: 0 },
  ])('$name: $want', ({ e, interactive, provider, want }) => {
    const got = messageButtons(e, { interactive, ...(provider === undefined ? {} : { provider }) });
    expect(got).toHaveLength(want);
    // Where there are any, they are the event's buttons, unchanged.
    if (want > 0) expect(got).toEqual(buttonsFor(e));
  });
});

describe('button values', () => {
  const value: ButtonValue = {
    canary,
    action: 'approve',
    gate: 'confirm-promotion',
    revision: 'abc',
    weight: 50,
    iterations: 0,
    nonce: 'n',
  };

  it('round-trip', () => {
    expect(decodeButton(encodeButton(value))).toEqual(value);
  });

  it.each([
    ['not JSON', 'approve'],
    ['an unknown action', encodeButton({ ...value, action: 'delete' as never })],
    ['approve without a gate', encodeButton({ ...value, gate: undefined })],
    ['abort with a gate', encodeButton({ ...value, action: 'abort' })],
    ['an unknown gate', encodeButton({ ...value, gate: 'confirm-everything' as never })],
    ['no nonce', encodeButton({ ...value, nonce: '' })],
    ['a canary of two parts', '{"c":["a","b"],"a":"pause","n":"x"}'],
    ['a negative weight', encodeButton({ ...value, weight: -1 })],
    ['too long', encodeButton({ ...value, nonce: 'x'.repeat(2000) })],
    ['null', 'null'],
  ])('refuse %s', (_name, raw) => {
    expect(decodeButton(raw)).toBeUndefined();
  });
});

describe('staleness', () => {
  const approve: ButtonValue = {
    canary,
    action: 'approve',
    gate: 'confirm-traffic-increase',
    revision: 'rev-2',
    weight: 20,
    iterations: 0,
    nonce: 'n',
  };
  it.each([
    { name: 'the same wait', b: approve, status: aStatus({ canaryWeight: 20 }), stale: false },
    {
      name: 'the next wait of the same gate',
      b: approve,
      status: aStatus({ canaryWeight: 30 }),
      stale: true,
    },
    {
      name: 'another revision',
      b: approve,
      status: aStatus({ canaryWeight: 20, lastAppliedSpec: 'rev-3' }),
      stale: true,
    },
    {
      name: 'abort at another weight',
      b: { ...approve, action: 'abort' as const, gate: undefined },
      status: aStatus({ canaryWeight: 40 }),
      stale: false,
    },
    {
      name: 'abort of another revision',
      b: { ...approve, action: 'abort' as const, gate: undefined },
      status: aStatus({ lastAppliedSpec: 'rev-3' }),
      stale: true,
    },
  ])('$name: stale $stale', ({ b, status, stale }) => {
    expect(staleness(b, status) !== undefined).toBe(stale);
  });
});
