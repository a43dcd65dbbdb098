/**
 * `status C/NS/NAME [--watch] [--wait] [--timeout 10m] [--interval 2s] [-o json|yaml|wide]`.
 * --watch redraws the status block until a terminal phase or Ctrl-C; --wait exits 0 on Succeeded,
 * 1 on Failed, 2 when --timeout passes first (one progress line per change unless --watch is also
 * given). While following, 429/5xx answers and lost connections are retried with backoff until
 * the deadline; then, or for any other API error, exit 4.
 */
import { call } from '../api.js';
import { noExtra, parse, parseCanaryId, parseDuration, type CanaryId } from '../args.js';
import { ApiError, clientFor, isTransient, type ApiClient } from '../client.js';
import { exitCodes } from '../exit-codes.js';
import { weightBar } from '../format.js';
import { sleep as realSleep, UsageError, type Io } from '../io.js';
import { isData, outputFormat, readFormats, render, type OutputFormat } from '../output.js';
import { backoffMs, pollRetries } from '../retry.js';
import { pipeView, terminalView, type View } from '../screen.js';
import { endState, failures, statusBlock, type CanaryDetail } from '../status-view.js';
import type { CommandContext, CommandSpec } from './context.js';

const usage =
  'status CLUSTER/NAMESPACE/NAME [--watch] [--wait] [--timeout 10m] [--interval 2s] [-o json|yaml|wide]';

const options = {
  watch: { type: 'boolean', short: 'w' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  interval: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

interface Follow {
  client: ApiClient;
  id: CanaryId;
  format: OutputFormat;
  wait: boolean;
  deadline: number;
  intervalMs: number;
}

async function status(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 1, usage);
  const id = parseCanaryId(positionals[0], values.cluster ?? io.env.FLAGGER_CLUSTER);
  const format = outputFormat(values.output);
  if (values.watch && isData(format))
    throw new UsageError(
      `--watch draws the status block; -o ${format} prints one state (add --wait for the last)`,
    );
  const timeoutMs =
    values.timeout === undefined
      ? values.wait
        ? 600_000
        : Infinity
      : parseDuration(values.timeout, 'timeout');
  const intervalMs = values.interval === undefined ? 2000 : parseDuration(values.interval, 'interval');
  const client = clientFor(values, io, ctx.credentials);
  const now = io.now ?? Date.now;
  if (!values.watch && !values.wait) {
    const detail = await fetchDetail(client, id);
    io.stdout.write(
      isData(format)
        ? await render(detail, format)
        : statusBlock(detail, now(), 'relative', format === 'wide').join('\n') + '\n',
    );
    return exitCodes.ok;
  }
  const view = values.watch
    ? await watchView(io, format === 'wide')
    : isData(format)
      ? undefined
      : progressView(io);
  const follow = { client, id, format, wait: values.wait === true, deadline: now() + timeoutMs, intervalMs };
  try {
    return await followUntilEnd(io, follow, view);
  } finally {
    view?.done();
  }
}

function fetchDetail(client: ApiClient, id: CanaryId): Promise<CanaryDetail> {
  return call(client, 'GET /canaries/{cluster}/{namespace}/{name}', { params: id });
}

/** Polls until a terminal phase, the deadline or Ctrl-C, showing each state; retries transient failures. */
async function followUntilEnd(io: Io, f: Follow, view: View | undefined): Promise<number> {
  const now = io.now ?? Date.now;
  const sleep = io.sleep ?? realSleep;
  for (let failed = 0; ;) {
    let detail: CanaryDetail;
    try {
      detail = await fetchDetail(f.client, f.id);
      failed = 0;
    } catch (e) {
      if (!isTransient(e) || now() >= f.deadline) throw e;
      failed++;
      const wait = backoffMs(failed, pollRetries, e instanceof ApiError ? e.retryAfter : undefined, now());
      view?.problem(`${(e as Error).message}${e instanceof ApiError ? ` (HTTP ${e.status})` : ''}; retrying`);
      await sleep(Math.max(0, Math.min(wait, f.deadline - now())), io.signal);
      if (io.signal?.aborted) return exitCodes.interrupted;
      continue;
    }
    view?.show(detail, now());
    const end = endState(detail);
    if (end) return finish(io, f, detail, end);
    if (io.signal?.aborted) return exitCodes.interrupted;
    if (now() >= f.deadline) {
      io.stderr.write(
        `error: timed out waiting for ${f.id.cluster}/${f.id.namespace}/${f.id.name}: still ${detail.phase} at ${detail.canaryWeight}%\n`,
      );
      return exitCodes.timeout;
    }
    await sleep(Math.max(0, Math.min(f.intervalMs, f.deadline - now())), io.signal);
    if (io.signal?.aborted) return exitCodes.interrupted;
  }
}

async function finish(io: Io, f: Follow, d: CanaryDetail, end: 'succeeded' | 'failed'): Promise<number> {
  if (isData(f.format)) io.stdout.write(await render(d, f.format));
  return f.wait && end === 'failed' ? exitCodes.releaseFailed : exitCodes.ok;
}

/**
 * --watch: in place on a terminal (log-update, loaded here), changes only in a pipe — and on a
 * terminal that reports no size (a pty without a window, e.g. under `script` or `docker -t` in
 * CI), where log-update would draw nothing.
 */
async function watchView(io: Io, wide: boolean): Promise<View> {
  if (!io.stdout.isTTY || !io.stdout.columns || !io.stdout.rows) return pipeView(io.stdout, io.stderr, wide);
  const { createLogUpdate } = await import('../lazy.js');
  return terminalView(io.stdout, wide, createLogUpdate);
}

/** --wait alone: one line per change of phase, weight, failures or pending command (CI logs). */
function progressView(io: Io): View {
  let previous = '';
  let lastProblem = '';
  return {
    show: (d, now) => {
      lastProblem = '';
      const line = progressLine(d);
      if (line !== previous) io.stdout.write(`${new Date(now).toISOString().slice(11, 19)} ${line}\n`);
      previous = line;
    },
    problem: (message) => {
      if (message !== lastProblem) io.stderr.write(`warning: ${message}\n`);
      lastProblem = message;
    },
    done: () => undefined,
  };
}

/** `Progressing [##--------] 20% failures 0 (rollback at 5)` (+ ` paused`, ` pending promote`). */
export function progressLine(d: CanaryDetail): string {
  const pending = d.pendingCommand ? ` pending ${d.pendingCommand.kind}` : '';
  const threshold = Math.max(1, d.spec?.analysis?.threshold ?? 1);
  return `${d.phase} ${weightBar(d.canaryWeight)} failures ${failures(d.failedChecks, threshold)}${d.paused ? ' paused' : ''}${pending}`;
}

export const spec: CommandSpec = {
  name: 'status',
  usage,
  options,
  formats: readFormats,
  operand: { kind: 'canary' },
  run: status,
};
