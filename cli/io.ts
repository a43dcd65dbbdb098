/**
 * What the CLI touches outside itself, injected so tests run `main()` in-process: output streams,
 * environment, stdin, the clock, sleeping, and the Ctrl-C signal.
 */
import { readFile } from 'node:fs/promises';
import { exitCodes } from './exit-codes.js';

/**
 * An output stream; `isTTY` turns on in-place redraws for `status --watch`, which wraps its lines
 * at `columns` and keeps within `rows` (a terminal's size; 80×24 when unknown).
 */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** All of standard input (for `-f -`). */
  readStdin: () => Promise<string>;
  /** Aborted on Ctrl-C: `--watch` and `--wait` stop and the CLI exits 130. */
  signal?: AbortSignal;
  now?: () => number;
  /** Waits `ms` or until `signal` aborts, whichever comes first; never rejects. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch;
}

/** The real process: stdout/stderr, process.env, stdin; Ctrl-C aborts `signal`, a second one exits. */
export function processIo(): Io {
  const ctrlC = new AbortController();
  process.on('SIGINT', () => (ctrlC.signal.aborted ? process.exit(exitCodes.interrupted) : ctrlC.abort()));
  // The shell's SIGPIPE (`… | head`): stop quietly instead of failing on a closed stdout.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(exitCodes.ok);
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    readStdin: readAll,
    signal: ctrlC.signal,
  };
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sleeps `ms`, waking early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Reads `-f` input of one document: a path, or `-` for standard input. */
export async function readInput(io: Io, path: string): Promise<string> {
  if (path === '-') return io.readStdin();
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}

/** The request could not be made (e.g. it cannot be signed): one line on stderr, exit 4. */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * Bad invocation (unknown command or option, missing argument) or unusable input (a -f file that
 * cannot be read or parsed): exit 64 (EX_USAGE), nothing sent.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
