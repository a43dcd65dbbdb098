/**
 * Built-in load generation with hey's semantics (no external binary, no shell): `concurrency`
 * workers, each rate-limited to `ratePerWorker` requests per second, for `durationMs` or until
 * `requests` in total are done; per-request timeout; redirects followed like Go's client; TLS
 * certificates not verified (hey sets `InsecureSkipVerify`); status codes and errors counted.
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HeyCommand } from './hey.js';
import { LoadStats, type LoadReport } from './report.js';

export type { LoadReport } from './report.js';

/** Injectable clock of {@link runLoad}; defaults to `performance.now`. */
export interface LoadClock {
  now?: () => number;
}

interface Ctx {
  cmd: HeyCommand;
  /** Aborts in-flight requests: the caller gave up. */
  signal: AbortSignal;
  /** Stops issuing new requests: the caller gave up or the duration is over. */
  stop: AbortSignal;
  deadline: number;
  agents: { http: http.Agent; https: https.Agent };
  stats: LoadStats;
  now: () => number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/**
 * Generates the load `cmd` describes and reports what came back. Worker `w` sends its `i`-th request
 * no earlier than `start + i / ratePerWorker`, so a run of `z` seconds sends at most
 * `ratePerWorker × concurrency × z + concurrency` requests. With `requests` (`-n`) exactly that many
 * are sent in total (hey itself sends `⌊n/c⌋·c`). Resolves when done; `signal` aborts everything.
 */
export async function runLoad(
  cmd: HeyCommand,
  signal: AbortSignal,
  clock: LoadClock = {},
): Promise<LoadReport> {
  const now = clock.now ?? (() => performance.now());
  const agentOptions = { keepAlive: cmd.keepAlive, maxSockets: cmd.concurrency };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const started = now();
  // Own controllers, linked once: every worker and request listens to them (no per-request
  // AbortSignal.any on a long-lived signal, and no MaxListeners warnings at high concurrency).
  const run = linkedController([signal]);
  const stop = linkedController([run.signal]);
  const timer = cmd.durationMs
    ? setTimeout(() => stop.abort(new Error('duration reached')), cmd.durationMs)
    : undefined;
  const deadline = cmd.durationMs ? started + cmd.durationMs : Number.POSITIVE_INFINITY;
  const ctx: Ctx = {
    cmd,
    signal: run.signal,
    stop: stop.signal,
    deadline,
    agents,
    stats: new LoadStats(),
    now,
  };
  try {
    await Promise.all(quotas(cmd).map((quota) => worker(ctx, quota)));
  } finally {
    clearTimeout(timer);
    run.unlink();
    stop.unlink();
    agents.http.destroy();
    agents.https.destroy();
  }
  return ctx.stats.report(now() - started, signal.aborted);
}

/** An AbortController aborted with any parent; `unlink()` detaches it from the parents. */
function linkedController(parents: AbortSignal[]): AbortController & { unlink(): void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = (event: Event): void => controller.abort((event.target as AbortSignal).reason);
  for (const p of parents) {
    if (p.aborted) controller.abort(p.reason);
    else p.addEventListener('abort', onAbort, { once: true });
  }
  const unlink = (): void => parents.forEach((p) => p.removeEventListener('abort', onAbort));
  return Object.assign(controller, { unlink });
}

/** Requests per worker: `requests` spread so they add up exactly; unbounded in duration mode. */
function quotas(cmd: HeyCommand): (number | undefined)[] {
  const { concurrency, requests } = cmd;
  if (requests === undefined) return Array.from({ length: concurrency }, () => undefined);
  const base = Math.floor(requests / concurrency);
  return Array.from({ length: concurrency }, (_, w) => base + (w < requests % concurrency ? 1 : 0));
}

async function worker(ctx: Ctx, quota: number | undefined): Promise<void> {
  const interval = ctx.cmd.ratePerWorker ? 1000 / ctx.cmd.ratePerWorker : 0;
  let nextAt = ctx.now();
  for (let i = 0; quota === undefined || i < quota; i += 1) {
    if (interval > 0 && !(await waitUntil(ctx, nextAt))) return;
    const sentAt = ctx.now();
    if (ctx.stop.aborted || sentAt >= ctx.deadline) return;
    nextAt = Math.max(nextAt, sentAt) + interval;
    await sendOne(ctx);
  }
}

/** Sleeps until `at`; false when the run stopped meanwhile. */
async function waitUntil(ctx: Ctx, at: number): Promise<boolean> {
  for (let left = at - ctx.now(); left > 0; left = at - ctx.now()) {
    try {
      await sleep(Math.ceil(left), undefined, { signal: ctx.stop });
    } catch {
      return false;
    }
  }
  return !ctx.stop.aborted;
}

async function sendOne(ctx: Ctx): Promise<void> {
  const t0 = ctx.now();
  const request = linkedController([ctx.signal]);
  let timedOut = false;
  const timer =
    ctx.cmd.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          request.abort(new Error('timeout'));
        }, ctx.cmd.timeoutMs)
      : undefined;
  try {
    const status = await followRedirects(ctx, request.signal);
    ctx.stats.response(status, ctx.now() - t0);
  } catch (err) {
    if (ctx.signal.aborted) return; // the run was cancelled: not a result
    ctx.stats.error(timedOut ? 'timeout' : errorKey(err), ctx.now() - t0);
  } finally {
    clearTimeout(timer);
    request.unlink();
  }
}

async function followRedirects(ctx: Ctx, signal: AbortSignal): Promise<number> {
  let url = new URL(ctx.cmd.url);
  let { method, body } = ctx.cmd;
  let headers = ctx.cmd.headers;
  for (let hop = 0; ; hop += 1) {
    const { status, location } = await send(ctx, { url, method, body, headers }, signal);
    if (!ctx.cmd.followRedirects || !location || !REDIRECTS.has(status) || hop >= MAX_REDIRECTS)
      return status;
    const next = new URL(location, url);
    if (next.host !== url.host) headers = withoutKeys(headers, ['host', 'authorization']);
    if (status <= 303 && method !== 'GET' && method !== 'HEAD') [method, body] = ['GET', undefined];
    url = next;
  }
}

interface Req {
  url: URL;
  method: string;
  body: string | undefined;
  headers: Record<string, string>;
}

function send(ctx: Ctx, req: Req, signal: AbortSignal): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const secure = req.url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: req.method,
      headers: { 'user-agent': 'hey/0.0.1 (flagger-serverless)', ...req.headers },
      agent: secure ? ctx.agents.https : ctx.agents.http,
      signal,
      ...(secure ? { rejectUnauthorized: false, servername: req.headers.host?.split(':')[0] } : {}),
    };
    const r = (secure ? https : http).request(req.url, options, (res) => {
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      res.resume();
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

function withoutKeys(headers: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !keys.includes(k)));
}

function errorKey(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}
