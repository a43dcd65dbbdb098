import { parseGoDuration } from './duration.js';
import { CommandError } from './errors.js';
import { splitShellWords } from './shell-words.js';

/** A parsed `hey` command: what {@link runLoad} needs to generate the same load. */
export interface HeyCommand {
  url: string;
  /** Upper-cased HTTP method (`-m`, default GET). */
  method: string;
  /** Lower-cased header names; hey's defaults applied (`content-type: text/html`). */
  headers: Record<string, string>;
  /** Request body (`-d`). */
  body?: string;
  /** Workers (`-c`, default 50). */
  concurrency: number;
  /** Total requests (`-n`, default 200); absent when a duration is given (`-z` wins, as in hey). */
  requests?: number;
  /** Run time (`-z`). */
  durationMs?: number;
  /** Queries per second per worker (`-q`); absent means unlimited. */
  ratePerWorker?: number;
  /** Per-request timeout (`-t` seconds, default 20); 0 means none. */
  timeoutMs: number;
  /** False with `-disable-redirects`. */
  followRedirects: boolean;
  /** False with `-disable-keepalive`. */
  keepAlive: boolean;
}

/** Upper bound on `-c`, so one webhook cannot exhaust the load tester's sockets. */
const MAX_CONCURRENCY = 1000;

type FlagKind = 'value' | 'bool';
/** hey 0.1.x flags. Ignored: -o (output is always the summary), -h2, -cpus, -disable-compression. */
const FLAGS: Record<string, FlagKind> = {
  n: 'value',
  c: 'value',
  q: 'value',
  z: 'value',
  o: 'value',
  m: 'value',
  H: 'value',
  t: 'value',
  A: 'value',
  d: 'value',
  D: 'value',
  T: 'value',
  a: 'value',
  x: 'value',
  host: 'value',
  cpus: 'value',
  h2: 'bool',
  'disable-compression': 'bool',
  'disable-keepalive': 'bool',
  'disable-redirects': 'bool',
};

/**
 * Parses a load tester `cmd` such as `hey -z 1m -q 10 -c 2 -H 'X-A: b' http://podinfo-canary.test:9898/`
 * with shell-like quoting (see {@link splitShellWords}) and hey's flag rules (Go `flag`: `-f v`,
 * `-f=v`, `--f`; parsing stops at the first argument that is not a flag). Pure.
 * @throws {CommandError} for anything but `hey`, unknown or unsupported flags, or invalid values.
 */
export function parseHeyCommand(cmd: string): HeyCommand {
  const [program, ...args] = splitShellWords(cmd);
  if (program === undefined) throw new CommandError('empty command');
  if (program.split('/').pop() !== 'hey') {
    throw new CommandError(
      `unsupported command "${program}": only hey is supported (commands are never run in a shell)`,
    );
  }
  const { flags, positional } = parseFlags(args);
  const url = positional[0];
  if (url === undefined) throw new CommandError('hey: missing target URL');
  return { url: checkUrl(url), ...parseCounts(flags), ...parseRequest(flags) };
}

type Flags = Map<string, string[]>;

function parseFlags(args: string[]): { flags: Flags; positional: string[] } {
  const flags: Flags = new Map();
  let i = 0;
  while (i < args.length) {
    const arg = args[i];
    if (arg === '--') return { flags, positional: args.slice(i + 1) };
    if (!arg.startsWith('-') || arg === '-') break;
    const [rawName = '', inline] = splitOnce(arg.replace(/^--?/, ''), '=');
    const kind = FLAGS[rawName];
    if (!kind) throw new CommandError(`hey: unknown flag -${rawName}`);
    let value = inline;
    if (kind === 'value' && value === undefined) {
      i += 1;
      value = args[i];
      if (value === undefined) throw new CommandError(`hey: flag -${rawName} needs a value`);
    }
    flags.set(rawName, [...(flags.get(rawName) ?? []), value ?? 'true']);
    i += 1;
  }
  return { flags, positional: args.slice(i) };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}

const last = (flags: Flags, name: string): string | undefined => flags.get(name)?.at(-1);

function parseCounts(
  flags: Flags,
): Pick<HeyCommand, 'concurrency' | 'requests' | 'durationMs' | 'ratePerWorker' | 'timeoutMs'> {
  const concurrency = int(flags, 'c', 50);
  const durationMs =
    last(flags, 'z') === undefined ? undefined : parseGoDuration(last(flags, 'z')!, 'hey -z');
  const rate = last(flags, 'q');
  if (rate !== undefined && !/^\d+(\.\d+)?$/.test(rate))
    throw new CommandError(`hey -q: "${rate}" is not a number`);
  const ratePerWorker = rate === undefined || Number(rate) === 0 ? undefined : Number(rate);
  const timeoutMs = int(flags, 't', 20) * 1000;
  if (concurrency < 1) throw new CommandError('hey: -c cannot be smaller than 1');
  if (concurrency > MAX_CONCURRENCY)
    throw new CommandError(`hey: -c cannot be larger than ${MAX_CONCURRENCY}`);
  if (durationMs !== undefined && durationMs > 0)
    return { concurrency, durationMs, ratePerWorker, timeoutMs };
  const requests = int(flags, 'n', 200);
  if (requests < 1) throw new CommandError('hey: -n and -c cannot be smaller than 1');
  if (requests < concurrency) throw new CommandError('hey: -n cannot be less than -c');
  return { concurrency, requests, ratePerWorker, timeoutMs };
}

function int(flags: Flags, name: string, fallback: number): number {
  const value = last(flags, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new CommandError(`hey -${name}: "${value}" is not a whole number`);
  return Number(value);
}

function parseRequest(
  flags: Flags,
): Pick<HeyCommand, 'method' | 'headers' | 'body' | 'followRedirects' | 'keepAlive'> {
  if (flags.has('D')) throw new CommandError('hey -D (body from a file) is not supported; use -d');
  if (flags.has('x')) throw new CommandError('hey -x (proxy) is not supported');
  const method = (last(flags, 'm') ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new CommandError(`hey -m: invalid method "${method}"`);
  const headers: Record<string, string> = { 'content-type': last(flags, 'T') ?? 'text/html' };
  for (const h of flags.get('H') ?? []) {
    const m = /^([\w-]+):\s*(.+)$/.exec(h);
    if (!m) throw new CommandError(`hey -H: invalid header "${h.split(':')[0]}" (expected "Name: value")`);
    headers[m[1].toLowerCase()] = m[2]!;
  }
  const accept = last(flags, 'A');
  if (accept) headers.accept = accept;
  const auth = last(flags, 'a');
  if (auth !== undefined) {
    if (!auth.includes(':')) throw new CommandError('hey -a: expected username:password');
    headers.authorization = `Basic ${Buffer.from(auth, 'utf8').toString('base64')}`;
  }
  const host = last(flags, 'host');
  if (host) headers.host = host;
  return {
    method,
    headers,
    body: last(flags, 'd'),
    followRedirects: !flags.has('disable-redirects') || last(flags, 'disable-redirects') === 'false',
    keepAlive: !flags.has('disable-keepalive') || last(flags, 'disable-keepalive') === 'false',
  };
}

function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new CommandError('hey: the target is not an absolute URL', { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CommandError(`hey: unsupported scheme ${url.protocol}`);
  return url.href;
}
