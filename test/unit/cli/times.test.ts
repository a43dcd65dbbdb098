/** --from / --to: RFC 3339, now, and durations before now. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/io.js';
import { parseTime } from '../../../cli/times.js';

const NOW = Date.UTC(2026, 0, 2, 12);

describe('parseTime', () => {
  it.each([
    ['now', NOW],
    ['-2h', NOW - 7_200_000],
    ['now-90m', NOW - 5_400_000],
    ['2026-01-01T10:00:00Z', Date.UTC(2026, 0, 1, 10)],
    ['2026-01-01T11:00:00+01:00', Date.UTC(2026, 0, 1, 10)],
    ['2026-01-01T10:00:00.250Z', Date.UTC(2026, 0, 1, 10) + 250],
  ])('%s', (text, want) => {
    expect(parseTime(text, 'from', NOW)).toBe(want);
  });

  it.each(['yesterday', '2026-01-01', '-2x', '2026-13-01T10:00:00Z'])(
    'refuses %s, naming the option',
    (text) => {
      expect(() => parseTime(text, 'to', NOW)).toThrow(UsageError);
      expect(() => parseTime(text, 'to', NOW)).toThrow(/^--to: expected an RFC 3339 time/);
    },
  );
});
