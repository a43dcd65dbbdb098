import { describe, expect, it } from 'vitest';
import { gateKey } from '../../../lib/ports/gates.js';
import {
  gateOutcome,
  HOOK_GATES,
  HOOK_TYPES,
  type GateOutcome,
  type HookType,
} from '../../../lib/ports/hooks.js';

describe('gateOutcome (Flagger webhook types)', () => {
  it.each<{ type: HookType; ok: GateOutcome; fail: GateOutcome; blocking: boolean }>([
    { type: 'confirm-rollout', ok: 'proceed', fail: 'wait', blocking: true },
    { type: 'confirm-traffic-increase', ok: 'proceed', fail: 'wait', blocking: true },
    { type: 'confirm-promotion', ok: 'proceed', fail: 'wait', blocking: true },
    { type: 'pre-rollout', ok: 'proceed', fail: 'failedCheck', blocking: true },
    { type: 'rollout', ok: 'proceed', fail: 'failedCheck', blocking: true },
    { type: 'post-rollout', ok: 'logOnly', fail: 'logOnly', blocking: false },
    { type: 'rollback', ok: 'rollBack', fail: 'proceed', blocking: true },
    { type: 'event', ok: 'none', fail: 'none', blocking: false },
  ])('$type: ok ⇒ $ok, not ok ⇒ $fail', ({ type, ok, fail, blocking }) => {
    expect(gateOutcome(type, { ok: true })).toBe(ok);
    expect(gateOutcome(type, { ok: false })).toBe(fail);
    expect(HOOK_GATES[type].blocking).toBe(blocking);
  });

  it('covers every hook type and cannot be mutated', () => {
    expect(Object.keys(HOOK_GATES).sort()).toEqual([...HOOK_TYPES].sort());
    expect(Object.isFrozen(HOOK_GATES)).toBe(true);
  });
});

describe('gateKey', () => {
  it.each([
    { kind: 'gate' as const, owner: { name: 'podinfo', namespace: 'test' }, want: 'gate:test/podinfo' },
    {
      kind: 'rollback' as const,
      owner: { name: 'podinfo', namespace: 'test' },
      want: 'rollback:test/podinfo',
    },
    {
      kind: 'gate' as const,
      owner: { name: 'podinfo', namespace: 'test', cluster: 'prod-eu' },
      want: 'gate:prod-eu/test/podinfo',
    },
  ])('$want', ({ kind, owner, want }) => {
    expect(gateKey(kind, owner)).toBe(want);
  });
});
