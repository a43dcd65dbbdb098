import { createHash } from 'node:crypto';
import type { GateCaller, GateGuard, GateStore } from '../ports/gates.js';
import { formatDuration } from './duration.js';
import { CommandError, PayloadError } from './errors.js';
import { GATE_ROUTES, serveGate, type LoadtesterResponse } from './gate-routes.js';
import { parseHeyCommand, type HeyCommand } from './hey.js';
import { runLoad } from './load.js';
import { jsonLineLogger, type LoadtesterLogger } from './logger.js';
import { canaryId, metadataFlag, parsePayload, type WebhookPayload } from './payload.js';
import { formatReport } from './report.js';
import { parseRequestCheck, runRequestCheck } from './request-check.js';
import { TaskRunner } from './runner.js';

/** What the load tester needs. */
export interface LoadtesterDeps {
  /** Where `/gate/*` and `/rollback/*` state lives (shared between instances in production). */
  gates: GateStore;
  /**
   * Who may open and close gates (the stack's own load tester: the grants, lib/app/gate-access.ts).
   * None: whoever reaches the load tester may, as with Flagger's (the standalone one).
   */
  guard?: GateGuard;
  /** Wall clock in ms, for log records. Default `Date.now`. */
  now?: () => number;
  logger?: LoadtesterLogger;
  /** Global timeout of a background `cmd` task (Flagger `-timeout`). Default 1h. */
  taskTimeoutMs?: number;
  /** Flagger's `-namespace-regexp`: payloads for other namespaces get 403. */
  namespacePattern?: RegExp;
}

/** One HTTP request, as any transport (node:http, API Gateway) sees it. */
interface LoadtesterRequest {
  method: string;
  /** Path without query string or API stage. */
  path: string;
  /** Raw JSON text, bytes, or an already parsed object. */
  body?: unknown;
  /** Who is calling (IAM principal, token holder): asked of the guard, recorded with every gate change. */
  caller?: GateCaller;
}

/** The load tester: call it per request; `idle()`/`close()` manage background tasks. */
export interface Loadtester {
  (req: LoadtesterRequest, signal?: AbortSignal): Promise<LoadtesterResponse>;
  /** Resolves when no background task is running. */
  idle(): Promise<void>;
  /** Aborts background tasks and waits for them. */
  close(): Promise<void>;
  /** Number of background tasks running. */
  runningTasks(): number;
}

/** Task types of Flagger's load tester that run shell tools; refused here by design. */
const SHELL_TYPES = new Set(['bash', 'bats', 'helm', 'helmv3', 'kubectl', 'concord', 'ngrinder']);

interface Env {
  deps: LoadtesterDeps;
  logger: LoadtesterLogger;
  runner: TaskRunner;
}

/**
 * A Flagger-compatible load tester (docs/flagger-compatibility.md#load-tester): `POST /` runs tasks
 * (`type: cmd` with a `hey` command, asynchronous, 202; `type: request`, a blocking check, 200/500);
 * `/gate/approve`, `/gate/halt`, `/gate/{check,open,close}`, `/rollback/{check,open,close}` gate the
 * analysis; `/healthz` answers OK. Malformed payloads and commands get 400 with the reason. Nothing is
 * ever run in a shell. Background tasks live in this process: in Lambda they only progress while an
 * invocation runs, so host `cmd` load on a long-lived process (local mode).
 */
export function makeLoadtester(deps: LoadtesterDeps): Loadtester {
  const logger = deps.logger ?? jsonLineLogger;
  const env: Env = { deps, logger, runner: new TaskRunner(deps.taskTimeoutMs ?? 3_600_000, logger) };
  const serve = async (
    req: LoadtesterRequest,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<LoadtesterResponse> => {
    try {
      return await route(req, signal, env);
    } catch (err) {
      if (err instanceof PayloadError || err instanceof CommandError) return text(400, err.message);
      throw err;
    }
  };
  return Object.assign(serve, {
    idle: () => env.runner.idle(),
    close: () => env.runner.close(),
    runningTasks: () => env.runner.size,
  });
}

async function route(req: LoadtesterRequest, signal: AbortSignal, env: Env): Promise<LoadtesterResponse> {
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
  if (path === '/healthz') return text(200, 'OK');
  if (req.method.toUpperCase() !== 'POST') return text(405, `method ${req.method} not allowed: use POST`);
  if (path === '/gate/approve') return text(200, 'OK');
  if (path === '/gate/halt') return text(403, 'Forbidden');
  const gate = GATE_ROUTES[path];
  if (!gate && path !== '/') return text(404, `unknown endpoint ${path}`);
  const payload = parsePayload(req.body);
  const pattern = env.deps.namespacePattern;
  if (pattern && !pattern.test(payload.namespace))
    return text(403, `namespace ${payload.namespace} is not allowed`);
  if (!gate) return serveTask(payload, signal, env);
  const res = await serveGate(gate, payload, env.deps, signal, req.caller);
  if (path !== '/gate/check' && path !== '/rollback/check')
    env.logger.info(`${path} by ${req.caller?.actor ?? 'an unauthenticated caller'}`, {
      canary: canaryId(payload),
      caller: req.caller?.actor ?? null,
      status: res.status,
    });
  return res;
}

async function serveTask(
  payload: WebhookPayload,
  signal: AbortSignal,
  env: Env,
): Promise<LoadtesterResponse> {
  if (Object.keys(payload.metadata).length === 0) return text(400, 'metadata not found in payload');
  const type = payload.metadata.type ?? 'cmd';
  if (type === 'cmd') return startCommand(payload, env);
  if (type === 'request') return checkRequest(payload, signal, env);
  if (SHELL_TYPES.has(type)) {
    return text(
      400,
      `task type ${type} is not supported: this load tester never runs shell commands; use type "request" for blocking checks or type "cmd" with hey for load`,
    );
  }
  return text(400, `unknown task type ${type}`);
}

function startCommand(payload: WebhookPayload, env: Env): LoadtesterResponse {
  const cmd = payload.metadata.cmd;
  if (!cmd) return text(400, 'metadata.cmd is required for type cmd');
  const hey = parseHeyCommand(cmd);
  const canary = canaryId(payload);
  const label = `${describeHey(hey)} for ${canary}`;
  const key = createHash('sha256').update(`${canary}\n${cmd}`).digest('hex');
  const logOutput = metadataFlag(payload.metadata, 'logCmdOutput');
  const outcome = env.runner.start({
    key,
    label,
    run: (signal) => runCommand(hey, label, logOutput, signal, env),
  });
  if (outcome === 'skipped') {
    env.logger.info('command skipped: already running', { canary, task: label });
    return text(202, `command skipped: ${label} is already running`);
  }
  return text(202, `command started: ${label}`);
}

async function runCommand(
  hey: HeyCommand,
  label: string,
  logOutput: boolean,
  signal: AbortSignal,
  env: Env,
): Promise<void> {
  const now = env.deps.now ?? Date.now;
  env.logger.info('command starting', { task: label, at: now() });
  const report = await runLoad(hey, signal);
  const { requests, statusCodes, errors, durationMs, aborted } = report;
  env.logger.info('command finished', {
    task: label,
    at: now(),
    requests,
    statusCodes,
    errors,
    durationMs,
    aborted,
  });
  if (logOutput) env.logger.info('command output', { task: label, output: formatReport(report) });
}

async function checkRequest(
  payload: WebhookPayload,
  signal: AbortSignal,
  env: Env,
): Promise<LoadtesterResponse> {
  const check = parseRequestCheck(payload.metadata);
  const result = await runRequestCheck(check, signal);
  env.logger.info(result.output, { canary: canaryId(payload), ok: result.ok });
  if (!result.ok) return text(500, result.output);
  const echo = metadataFlag(payload.metadata, 'returnCmdOutput') && result.body ? `\n${result.body}` : '';
  return text(200, `${result.output}${echo}`);
}

/** A loggable one-line description of a load command: no headers, no body, URL without query or userinfo. */
function describeHey(hey: HeyCommand): string {
  const url = new URL(hey.url);
  const size = hey.durationMs ? `-z ${formatDuration(hey.durationMs)}` : `-n ${hey.requests}`;
  const rate = hey.ratePerWorker ? ` -q ${hey.ratePerWorker}` : '';
  return `hey ${size}${rate} -c ${hey.concurrency} ${hey.method} ${url.protocol}//${url.host}${url.pathname}`;
}

function text(status: number, body: string): LoadtesterResponse {
  return { status, body };
}
