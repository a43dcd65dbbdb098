/**
 * The exit-code contract (cli/exit-codes.ts ↔ docs/cli.md), and main() keeping it against a
 * scripted API (a fake fetch, no sleeping): 0 ok, 1 release failed, 2 --wait timed out,
 * 3 refused (409), 4 API/transport error after retries, 64 usage, 130 Ctrl-C.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../cli/exit-codes.js';
import type { Io } from '../../../cli/io.js';
import { main } from '../../../cli/main.js';

describe('the contract', () => {
  it('docs/cli.md lists exactly the codes of exit-codes.ts', () => {
    const doc = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Exit codes'));
    const rows = [...section.matchAll(/^\| (\d+) +\| `(\w+)` +\|/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(rows.sort()).toEqual(
      Object.entries(exitCodes)
        .map(([k, v]) => [v, k])
        .sort(),
    );
  });
});

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

/** main() against `answers` (served in turn, the last one repeating); the clock advances on sleep. */
async function run(
  args: string[],
  answers: Answer[],
  opts: { abortAfter?: number; tty?: { columns: number; rows: number } } = {},
) {
  let stdout = '';
  let stderr = '';
  let clock = Date.UTC(2025, 0, 1);
  const requests: string[] = [];
  const ctrlC = new AbortController();
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), ...(opts.tty ? { isTTY: true, ...opts.tty } : {}) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { FLAGGER_API_URL: 'http://api.test', FLAGGER_API_TOKEN: 't' },
    readStdin: () => Promise.resolve(''),
    now: () => clock,
    sleep: (ms) => {
      clock += ms;
      return Promise.resolve();
    },
    signal: ctrlC.signal,
    fetch: (url, init) => {
      requests.push(`${init?.method ?? 'GET'} ${new URL(url as URL).pathname}`);
      if (opts.abortAfter !== undefined && requests.length >= opts.abortAfter) ctrlC.abort();
      const a = answers[Math.min(requests.length - 1, answers.length - 1)];
      if (a instanceof Error) return Promise.reject(a);
      const body = a.body === undefined ? null : JSON.stringify(a.body);
      return Promise.resolve(new Response(body, { status: a.status, headers: a.headers }));
    },
  };
  const code = await main(args, io);
  return { code, stdout, stderr, requests };
}

const canary = (phase: string, o: Record<string, unknown> = {}) => ({
  status: 200,
  body: {
    cluster: 'c',
    namespace: 'n',
    name: 'p',
    target: 'p',
    phase,
    canaryWeight: 0,
    failedChecks: 0,
    iterations: 0,
    paused: false,
    pendingCommand: null,
    nextRunAt: null,
    ...o,
  },
});
const refused = { status: 409, body: { message: 'no pending gate', errors: [] } };
const unavailable = { status: 503, body: { message: 'Service Unavailable' } };
const lost = new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });

describe('main() keeps the contract', () => {
  it('0: --wait sees Succeeded', async () => {
    const r = await run(['status', 'c/n/p', '--wait'], [canary('Progressing'), canary('Succeeded')]);
    expect(r.code).toBe(exitCodes.ok);
  });

  it('1: --wait sees Failed', async () => {
    const r = await run(['status', 'c/n/p', '--wait'], [canary('Failed', { failedChecks: 5 })]);
    expect(r.code).toBe(exitCodes.releaseFailed);
  });

  it('2: --wait outlasted by --timeout', async () => {
    const r = await run(['status', 'c/n/p', '--wait', '--timeout', '10s'], [canary('Progressing')]);
    expect(r).toMatchObject({ code: exitCodes.timeout, stderr: expect.stringContaining('timed out') });
  });

  it('3: an action the API refuses (409), with its reason', async () => {
    const r = await run(['approve', 'c/n/p'], [refused]);
    expect(r).toMatchObject({ code: exitCodes.refused, stderr: 'error: no pending gate (HTTP 409)\n' });
  });

  it('4: an API error (404), at once', async () => {
    const r = await run(
      ['status', 'c/n/p', '--wait'],
      [{ status: 404, body: { message: 'canary c/n/p not found' } }],
    );
    expect(r).toMatchObject({
      code: exitCodes.apiError,
      stderr: 'error: canary c/n/p not found (HTTP 404)\n',
    });
    expect(r.requests).toHaveLength(1);
  });

  it('4: 5xx after the retries of a single request', async () => {
    const r = await run(['get', '-A'], [unavailable]);
    expect(r).toMatchObject({ code: exitCodes.apiError, stderr: 'error: Service Unavailable (HTTP 503)\n' });
    expect(r.requests).toHaveLength(3);
  });

  it('--wait rides out 503s and lost connections with backoff, then succeeds', async () => {
    const answers = [
      canary('Progressing'),
      unavailable,
      unavailable,
      unavailable,
      lost,
      lost,
      canary('Succeeded'),
    ];
    const r = await run(['status', 'c/n/p', '--wait'], answers);
    expect(r.code).toBe(exitCodes.ok);
    expect(r.requests).toHaveLength(7);
    expect(r.stderr).toBe(
      'warning: Service Unavailable (HTTP 503); retrying\nwarning: cannot reach http://api.test: ECONNRESET; retrying\n',
    );
  });

  it('4: --wait when the API stays down past the deadline', async () => {
    const r = await run(['status', 'c/n/p', '--wait', '--timeout', '1m'], [canary('Progressing'), lost]);
    expect(r).toMatchObject({ code: exitCodes.apiError, stderr: expect.stringMatching(/ECONNRESET\n$/) });
    expect(r.requests.length).toBeLessThan(12); // backoff, not a poll every 2 s
  });

  it('64: a usage error, nothing sent', async () => {
    const r = await run(['status', 'p', '--wait'], [canary('Succeeded')]);
    expect(r).toMatchObject({ code: exitCodes.usage, requests: [] });
  });

  it('130: Ctrl-C while watching', async () => {
    const r = await run(['status', 'c/n/p', '--watch'], [canary('Progressing')], { abortAfter: 2 });
    expect(r.code).toBe(exitCodes.interrupted);
  });

  it('a terminal redraws in place; one without a size gets only the changes, as a pipe', async () => {
    const polls = [canary('Progressing'), canary('Progressing'), canary('Succeeded')];
    const sized = await run(['status', 'c/n/p', '--watch'], polls, { tty: { columns: 80, rows: 24 } });
    expect(sized.stdout).toContain('\x1b[2K');
    const sizeless = await run(['status', 'c/n/p', '--watch'], polls, { tty: { columns: 0, rows: 0 } });
    expect(sizeless.stdout).not.toContain('\x1b');
    expect(sizeless.stdout.match(/^phase/gm)).toEqual(['phase', 'phase']);
  });

  it('a pipe gets the --watch block once while nothing changes', async () => {
    const polls = Array.from({ length: 30 }, () => canary('Progressing'));
    const r = await run(['status', 'c/n/p', '--watch'], [...polls, canary('Succeeded')]);
    expect(r.code).toBe(exitCodes.ok);
    expect(r.stdout.match(/^phase/gm)).toEqual(['phase', 'phase']);
    expect(r.requests).toHaveLength(31);
  });
});
