/** When a DELETE waits for a step (lib/domain/deletion.ts). */
import { expect, it } from 'vitest';
import { deletionNeedsStep } from '../../../lib/domain/deletion.js';
import { aCanary, aStatus } from '../../support/builders.js';

it.each([
  { name: 'an idle canary goes at once', revert: false, status: { phase: 'Succeeded' }, want: undefined },
  {
    name: 'mid-release, traffic on the canary: routed back first',
    revert: false,
    status: { phase: 'Progressing', canaryWeight: 30 },
    want: 'routeBack',
  },
  {
    name: 'mirroring: routed back first',
    revert: false,
    status: { phase: 'Progressing', canaryWeight: 0, mirrored: true },
    want: 'routeBack',
  },
  {
    name: 'revertOnDeletion: the target is reverted first',
    revert: true,
    status: { phase: 'Succeeded' },
    want: 'revert',
  },
  {
    name: 'already Terminated: nothing left to do',
    revert: true,
    status: { phase: 'Terminated' },
    want: undefined,
  },
] as const)('$name', ({ revert, status, want }) => {
  expect(deletionNeedsStep(aCanary({ revertOnDeletion: revert }), aStatus(status))).toBe(want);
});
