/**
 * `status C/NS/NAME [--watch] [--wait] [--timeout 10m] [--interval 2s]`: the live status block.
 * --watch redraws it until a terminal phase or Ctrl-C; --wait exits 0 on Succeeded, 1 on Failed,
 * 2 when --timeout passes first (one progress line per change unless --watch is also given).
 */
import { idPath, noExtra, parse, parseCanaryId, parseDuration, type CanaryId } from '../args.js';
import { clientFor, type ApiClient } from '../client.js';
import { weightBar } from '../format.js';
import { exitCodes, sleep as realSleep, type Io } from '../io.js';
import { endState, statusBlock, type CanaryDetail } from '../status-view.js';
import type { CommandContext } from './context.js';

export const usage = 'status CLUSTER/NAMESPACE/NAME [--watch] [--wait] [--timeout 10m] [--interval 2s]';

const options = {
  watch: { type: 'boolean', short: 'w' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  interval: { type: 'string' },
} as const;

interface Follow {
  client: ApiClient;
  id: CanaryId;
  watch: boolean;
  wait: boolean;
  deadline: number;
  intervalMs: number;
}

export async function status(args: string[], io: Io, ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (values.help) return ctx.help(usage);
  noExtra(positionals, 1, usage);
  const id = parseCanaryId(positionals[0], values.cluster ?? io.env.FLAGGER_CLUSTER);
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
    io.stdout.write(statusBlock(await fetchDetail(client, id), now()).join('\n') + '\n');
    return exitCodes.ok;
  }
  return follow(io, {
    client,
    id,
    watch: values.watch === true,
    wait: values.wait === true,
    deadline: now() + timeoutMs,
    intervalMs,
  });
}

function fetchDetail(client: ApiClient, id: CanaryId): Promise<CanaryDetail> {
  return client.call<CanaryDetail>('GET', idPath(id));
}

/** Polls until a terminal phase, the deadline or Ctrl-C, drawing each change. */
async function follow(io: Io, f: Follow): Promise<number> {
  const now = io.now ?? Date.now;
  const sleep = io.sleep ?? realSleep;
  const draw = f.watch ? redrawer(io) : progressPrinter(io);
  for (;;) {
    const detail = await fetchDetail(f.client, f.id);
    draw(detail, now());
    const end = endState(detail);
    if (end) return f.wait && end === 'failed' ? exitCodes.failure : exitCodes.ok;
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

/** --watch: a terminal redraws the block in place; a pipe gets each changed block once. */
function redrawer(io: Io): (d: CanaryDetail, now: number) => void {
  let previous: string[] = [];
  return (d, now) => {
    const frame = statusBlock(d, now);
    if (io.stdout.isTTY) io.stdout.write(redraw(previous.length, frame));
    else if (frame.join('\n') !== previous.join('\n'))
      io.stdout.write((previous.length > 0 ? '\n' : '') + frame.join('\n') + '\n');
    previous = frame;
  };
}

/** Moves the cursor up over the last frame, clears to the end of the screen and writes `frame`. */
export function redraw(previousLines: number, frame: string[]): string {
  return (previousLines > 0 ? `\x1b[${previousLines}A\x1b[J` : '') + frame.join('\n') + '\n';
}

/** --wait alone: one line per change of phase, weight, failed checks or pending command (CI logs). */
function progressPrinter(io: Io): (d: CanaryDetail, now: number) => void {
  let previous = '';
  return (d, now) => {
    const line = progressLine(d);
    if (line !== previous) io.stdout.write(`${new Date(now).toISOString().slice(11, 19)} ${line}\n`);
    previous = line;
  };
}

/** `Progressing [##--------] 20% failed 0` (+ ` paused`, ` pending promote`). */
export function progressLine(d: CanaryDetail): string {
  const pending = d.pendingCommand ? ` pending ${d.pendingCommand.kind}` : '';
  return `${d.phase} ${weightBar(d.canaryWeight)} failed ${d.failedChecks}${d.paused ? ' paused' : ''}${pending}`;
}
