import { CommandError } from './errors.js';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/.source;

/**
 * Parses a Go duration (`1m`, `30s`, `1m30s`, `500ms`, `1.5h`, `0`) into milliseconds, as
 * `time.ParseDuration` does (no sign support: negative durations make no sense here).
 * @throws {CommandError} naming `what` when the text is not a duration.
 */
export function parseGoDuration(text: string, what: string): number {
  if (text === '0') return 0;
  let total = 0;
  const term = new RegExp(TERM, 'y');
  while (term.lastIndex < text.length) {
    const at = term.lastIndex;
    const m = term.exec(text);
    if (!m || m.index !== at)
      throw new CommandError(`${what}: invalid duration "${text}" (examples: 30s, 1m, 1m30s, 500ms)`);
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  if (text.length === 0) throw new CommandError(`${what}: empty duration`);
  return Math.round(total);
}

/** Formats milliseconds as a short Go-like duration (`1m30s`, `250ms`), for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  const parts: string[] = [];
  if (s >= 3600) parts.push(`${Math.floor(s / 3600)}h`);
  if (s % 3600 >= 60) parts.push(`${Math.floor((s % 3600) / 60)}m`);
  if (s % 60 > 0 || parts.length === 0) parts.push(`${s % 60}s`);
  return parts.join('');
}
