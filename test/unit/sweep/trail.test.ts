/**
 * The stamp a step records for an object: set by the first answer, moved by our own writes, frozen
 * by a change that was not ours — so a change made by someone else during a step is never
 * recorded as seen.
 */
import { describe, expect, it } from 'vitest';
import { follow, type Touch, type Trail } from '../../../lib/domain/sweep/trail.js';

const read = (stamp: string): Touch => ({ kind: 'read', stamp });
const wrote = (stamp: string): Touch => ({ kind: 'wrote', stamp });
const missing: Touch = { kind: 'missing' };
const deleted: Touch = { kind: 'deleted' };

function trail(touches: Touch[]): Trail | undefined {
  return touches.reduce<Trail | undefined>((t, touch) => follow(t, touch), undefined);
}

describe('follow(trail, touch)', () => {
  it.each<{ name: string; touches: Touch[]; want: Trail }>([
    { name: 'a read sets the stamp', touches: [read('g3')], want: { stamp: 'g3', trusted: true } },
    { name: 'a 404 records the object as absent', touches: [missing], want: { stamp: '-', trusted: true } },
    {
      name: 'reads that agree keep it',
      touches: [read('g3'), read('g3')],
      want: { stamp: 'g3', trusted: true },
    },
    {
      name: 'our scale of the target moves its generation by one',
      touches: [read('g3'), read('g3'), wrote('g4')],
      want: { stamp: 'g4', trusted: true },
    },
    {
      name: 'a write that changes no spec keeps the generation',
      touches: [read('g3'), wrote('g3')],
      want: { stamp: 'g3', trusted: true },
    },
    {
      name: 'a new image set between our read and our scale: the jump freezes what we saw',
      touches: [read('g3'), wrote('g5'), read('g5')],
      want: { stamp: 'g3', trusted: false },
    },
    {
      name: 'a change seen by a later read of ours freezes it',
      touches: [read('g3'), read('g4'), wrote('g5')],
      want: { stamp: 'g3', trusted: false },
    },
    {
      name: 'an object deleted by someone else during the step stays as we saw it',
      touches: [read('r7'), missing],
      want: { stamp: 'r7', trusted: false },
    },
    {
      name: 'an object someone else created during the step stays absent',
      touches: [missing, read('r9')],
      want: { stamp: '-', trusted: false },
    },
    { name: 'our create after a 404', touches: [missing, wrote('g1')], want: { stamp: 'g1', trusted: true } },
    { name: 'a create answered first', touches: [wrote('r12')], want: { stamp: 'r12', trusted: true } },
    {
      name: 'resource versions cannot tell: our write of a Service is trusted',
      touches: [read('r7'), wrote('r12'), read('r12')],
      want: { stamp: 'r12', trusted: true },
    },
    { name: 'our delete', touches: [read('g2'), deleted], want: { stamp: '-', trusted: true } },
  ])('$name', ({ touches, want }) => {
    expect(trail(touches)).toEqual(want);
  });
});
