/** The cost model of docs/cost.md (test/bench/cost/model.ts): sizes and units as DynamoDB bills them. */
import { describe, expect, it } from 'vitest';
import { ASSUMPTIONS, dynamoDollars, invocationDollars, PRICES, quietMonth } from '../../bench/cost/model.js';
import { itemBytes } from '../../bench/cost/requests.js';

describe('itemBytes (DynamoDB sizing rules)', () => {
  it.each([
    { name: 'a string: its UTF-8 bytes', value: 'héllo', want: 6 },
    { name: 'a number: one byte per two digits, plus one', value: 12345, want: 4 },
    { name: 'a boolean', value: true, want: 1 },
    { name: 'a list: 3 plus 1 per element and its contents', value: ['ab', 'c'], want: 3 + 1 + 2 + 1 + 1 },
    { name: 'a map: 3 plus 1 per entry, its name and value', value: { ab: 'cd' }, want: 3 + 1 + 2 + 2 },
  ])('$name', ({ value, want }) => {
    expect(itemBytes(value)).toBe(want);
  });
});

describe('dynamoDollars', () => {
  const cost = (dynamodb: Record<string, number>) => ({ kubernetes: 0, requests: [], dynamodb });

  it('bills an UpdateItem on the row in started KB, a PutItem on the history record', () => {
    const bytes = { row: 1500, history: 600 };
    expect(dynamoDollars(cost({ UpdateItem: 2, PutItem: 1 }), bytes)).toBeCloseTo(5 * PRICES.wru, 12);
  });

  it('reads a row under 4 KB as one unit, a Query as at least one', () => {
    const bytes = { row: 1500, history: 600 };
    expect(dynamoDollars(cost({ GetItem: 2, Query: 1 }), bytes)).toBeCloseTo(3 * PRICES.rru, 12);
  });
});

it('an invocation through a queue costs its SQS requests on top', () => {
  expect(invocationDollars(0.4) - invocationDollars(0.4, false)).toBeCloseTo(3 * PRICES.sqsRequest, 12);
});

it('a quiet minute for a month: a sweep adds its invocation and message, every minute', () => {
  const minute = (sweeps: number) => ({ kubernetes: 3, requests: [], dynamodb: { Query: 1 }, sweeps });
  const bytes = { row: 1500, history: 600 };
  expect(quietMonth(minute(1), bytes) - quietMonth(minute(0), bytes)).toBeCloseTo(
    invocationDollars(ASSUMPTIONS.sweepSeconds) * ASSUMPTIONS.minutesPerMonth,
    9,
  );
});
