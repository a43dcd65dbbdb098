/** weights.ts: clamped weight steps, table-driven. */
import { describe, expect, it } from 'vitest';
import { nextCanaryWeight, nextPrimaryWeight, split } from '../../../lib/domain/weights.js';

describe('nextCanaryWeight', () => {
  it.each([
    { name: 'first step', current: 0, stepWeight: 10, stepWeights: [], maxWeight: 50, want: 10 },
    { name: 'regular step', current: 20, stepWeight: 10, stepWeights: [], maxWeight: 50, want: 30 },
    {
      name: 'last regular step reaches max',
      current: 40,
      stepWeight: 10,
      stepWeights: [],
      maxWeight: 50,
      want: 50,
    },
    {
      name: '#190: non-multiple is clamped to max',
      current: 40,
      stepWeight: 20,
      stepWeights: [],
      maxWeight: 50,
      want: 50,
    },
    { name: 'step larger than max', current: 0, stepWeight: 80, stepWeights: [], maxWeight: 50, want: 50 },
    { name: 'at max stays', current: 50, stepWeight: 10, stepWeights: [], maxWeight: 50, want: 50 },
    {
      name: 'above max (manual edit) never grows',
      current: 70,
      stepWeight: 10,
      stepWeights: [],
      maxWeight: 50,
      want: 70,
    },
    { name: 'max 100', current: 95, stepWeight: 10, stepWeights: [], maxWeight: 100, want: 100 },
    {
      name: 'stepWeight 0 does not grow',
      current: 10,
      stepWeight: 0,
      stepWeights: [],
      maxWeight: 50,
      want: 10,
    },
    {
      name: 'stepWeights from 0',
      current: 0,
      stepWeight: 0,
      stepWeights: [5, 10, 25, 50],
      maxWeight: 50,
      want: 5,
    },
    {
      name: 'stepWeights from a listed weight',
      current: 10,
      stepWeight: 0,
      stepWeights: [5, 10, 25, 50],
      maxWeight: 50,
      want: 25,
    },
    {
      name: 'stepWeights from an unlisted weight',
      current: 7,
      stepWeight: 0,
      stepWeights: [5, 10, 25, 50],
      maxWeight: 50,
      want: 10,
    },
    {
      name: 'stepWeights win over stepWeight',
      current: 0,
      stepWeight: 30,
      stepWeights: [1, 2],
      maxWeight: 2,
      want: 1,
    },
    {
      name: 'stepWeights clamped to max',
      current: 25,
      stepWeight: 0,
      stepWeights: [5, 10, 25, 80],
      maxWeight: 50,
      want: 50,
    },
    {
      name: 'negative current is treated as 0',
      current: -5,
      stepWeight: 10,
      stepWeights: [],
      maxWeight: 50,
      want: 10,
    },
  ])('$name: $current → $want', ({ current, stepWeight, stepWeights, maxWeight, want }) => {
    expect(nextCanaryWeight(current, { stepWeight, stepWeights, maxWeight })).toBe(want);
  });

  it('never overshoots and always reaches max (every step/max pair)', () => {
    for (let step = 1; step <= 100; step++) {
      for (let max = 1; max <= 100; max++) {
        let w = 0;
        const seen: number[] = [];
        while (w < max) {
          w = nextCanaryWeight(w, { stepWeight: step, stepWeights: [], maxWeight: max });
          seen.push(w);
        }
        expect(w).toBe(max);
        expect(Math.max(...seen)).toBe(max);
      }
    }
  });
});

describe('nextPrimaryWeight and split', () => {
  it.each([
    { current: 50, step: 20, want: 70 },
    { current: 90, step: 20, want: 100 },
    { current: 50, step: 0, want: 100 },
    { current: 0, step: 30, want: 30 },
  ])('primary $current + $step → $want', ({ current, step, want }) => {
    expect(nextPrimaryWeight(current, step)).toBe(want);
  });

  it('split keeps primary + canary = 100', () => {
    expect(split(30)).toEqual({ primary: 70, canary: 30 });
    expect(split(130)).toEqual({ primary: 0, canary: 100 });
  });
});
