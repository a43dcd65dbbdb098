/** Instants on the command line: RFC 3339, `now`, and durations before now (`-2h`, `now-90m`). */
import { parseDuration } from './args.js';
import { UsageError } from './io.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Epoch ms of `text` relative to `now`; a UsageError naming `--option` otherwise. */
export function parseTime(text: string, option: string, now: number): number {
  if (text === 'now') return now;
  const relative = /^(?:now)?-(.+)$/.exec(text);
  if (relative) {
    try {
      return now - parseDuration(relative[1], option);
    } catch {
      // Reported below with every accepted form.
    }
  } else if (RFC3339.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return ms;
  }
  throw new UsageError(
    `--${option}: expected an RFC 3339 time (2025-01-01T10:00:00Z), now, or a duration before now (-2h, now-90m), got "${text}"`,
  );
}
