import { describe, expect, it } from 'vitest';
import { gateKey } from '../../../lib/ports/gates.js';

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
