/**
 * The embedded runtime: the same handlers and use cases as in AWS, on one machine. DynamoDB is
 * dynalite (on disk when `dataDir` is set), SQS and EventBridge are in-process, timers replace
 * the EventBridge schedule (dispatch, and the sweeps of clusters with idle canaries) and a
 * loopback HTTP server replaces API Gateway.
 */
import { makeHandler as makeApiHandler } from '../functions/api/handler.js';
import { makeHandler as makeLoadtesterHandler } from '../functions/loadtester/handler.js';
import { makeHandler as makeSlackHandler } from '../functions/slack/handler.js';
import { runStep, type StepDeps } from '../lib/app/run-step.js';
import type { ClusterRegistration } from '../lib/app/clusters.js';
import { dispatchDue } from '../lib/app/dispatch-due.js';
import { dispatchSweeps } from '../lib/app/dispatch-sweeps.js';
import { sweepCluster } from '../lib/app/sweep.js';
import { notifyStoredEvent } from '../lib/app/notify-event.js';
import { noSecrets } from '../lib/adapters/secrets.js';
import { loadConfig } from '../lib/config.js';
import { makeLoadtester } from '../lib/loadtester/index.js';
import type { Logger } from '../lib/ports/logger.js';
import { ConflictError } from '../lib/ports/errors.js';
import type { CanaryKey } from '../lib/ports/store.js';
import type { MetricsProvider } from '../lib/ports/metrics.js';
import { apiDeps, buildCore, loadtesterDeps, type Core } from '../lib/wiring.js';
import { notifyDeps } from '../lib/wiring-notify.js';
import { stepDeps } from '../lib/wiring-step.js';
import { buttonDeps } from '../lib/wiring-slack.js';
import { sweepDeps } from '../lib/wiring-sweep.js';
import { LocalBus } from './bus.js';
import { startLocalDynamo } from './dynamo.js';
import { LocalQueue } from './queue.js';
import { startLocalServer, type LocalServer } from './server.js';

export interface StackOptions {
  token: string;
  port?: number;
  /** Keep state here (LevelDB under dynalite) so it survives restarts; in memory when absent. */
  dataDir?: string;
  /** Prometheus for builtin checks. */
  prometheusUrl?: string;
  /** Replaces Prometheus (the sandbox's built-in metrics provider). */
  defaultMetrics?: MetricsProvider;
  /** Default Slack-compatible webhook for canaries without alerts. */
  slackUrl?: string;
  /**
   * The Slack app's signing secret: clicks at POST /slack/interactions are verified with it, and
   * Slack messages carry buttons. Absent: no buttons, and clicks are answered 503 as in AWS
   * without the parameter.
   */
  slackSigningSecret?: string;
  /** How often the local "EventBridge schedule" runs dispatch (ms). Default 1000. */
  dispatchEveryMs?: number;
  /** How often clusters with idle canaries are swept (ms). Default 5000 (in AWS: every minute). */
  sweepEveryMs?: number;
  logger?: Logger;
}

export interface Stack {
  url: string;
  token: string;
  core: Core;
  /** Also says when a step's events have been notified (`bus.delivered`). */
  bus: LocalBus;
  queue: LocalQueue;
  registerCluster(c: ClusterRegistration): Promise<void>;
  /**
   * Runs the canary's next step now instead of at its interval (the demo and tests use it to
   * skip waiting; the step itself is the normal one).
   */
  stepNow(key: CanaryKey): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const db = await startLocalDynamo('flagger-local', opts.dataDir);
  const endpoint = db.endpoint;
  const config = loadConfig({
    TABLE_NAME: 'flagger-local',
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    PROMETHEUS_URL: opts.prometheusUrl,
    STAGE: 'local',
    // Whoever holds the token is the local mode's admin (docs/security.md).
    ADMIN_PRINCIPALS: 'local:token',
    // Buttons only where their clicks are answered: here, with a signing secret (docs/slack.md).
    SLACK_BUTTONS: opts.slackSigningSecret ? 'true' : 'false',
  });

  // core.logger redacts (lib/app/redacting.ts): everything below logs through it.
  const core = buildCore(config, opts.logger ?? consoleLogger());
  const logger = core.logger;
  const bus = new LocalBus();
  // For the stack's own calls (dispatch, stepNow, registerCluster); steps and their
  // notifications run under the signal of their queue delivery.
  const stop = new AbortController();
  const holder: { deps?: StepDeps } = {};
  const queue = new LocalQueue(async (m, signal) => {
    if (holder.deps)
      await runStep(holder.deps, m.key, signal, { action: m.action === true, seenAt: m.seenAt });
  });
  const own: { base?: string } = {};
  holder.deps = stepDeps(core, {
    queue,
    bus,
    secrets: noSecrets,
    defaultMetrics: opts.defaultMetrics,
    chainWithinMs: 0,
    // Webhooks to this server's own load tester carry the token, as every caller must.
    loadtesterSigner: (url) =>
      own.base && (url.href === own.base || url.href.startsWith(`${own.base}/`))
        ? ({ headers = {} }) => Promise.resolve({ ...headers, authorization: `Bearer ${opts.token}` })
        : undefined,
  });

  const notify = notifyDeps(core, opts.slackUrl ? { type: 'slack', address: opts.slackUrl } : undefined);
  bus.subscribe(async (event, signal) => {
    const result = await notifyStoredEvent(notify, core.store, event, signal);
    for (const f of result.failures)
      logger.warn('notification failed', { ...f, reason: 'NotificationFailed' });
  });

  const api = makeApiHandler({ ...apiDeps(core, queue), logger });
  // Gates as the deployed load tester's: whoever opens or closes one needs the grant (the token is admin).
  const loadtester = makeLoadtesterHandler({ loadtester: makeLoadtester(loadtesterDeps(core)) });
  const secret = opts.slackSigningSecret;
  const slack = makeSlackHandler({
    buttons: buttonDeps(core, queue),
    signingSecret: () =>
      secret ? Promise.resolve(secret) : Promise.reject(new Error('SLACK_SIGNING_SECRET is not set')),
    logger,
    now: core.now,
    maxBodyBytes: config.maxBodyBytes,
  });
  const server: LocalServer = await startLocalServer({
    api,
    loadtester: (e) => loadtester(e, {} as never),
    slack: (e) => slack(e),
    token: opts.token,
    port: opts.port,
    maxBodyBytes: config.maxBodyBytes,
  });
  own.base = `${server.url}/loadtester`;

  let dispatching: Promise<void> | undefined;
  const every = opts.dispatchEveryMs ?? 1000;
  const timer = setInterval(() => {
    dispatching ??= dispatchDue({ store: core.store, queue, now: core.now }, every, stop.signal)
      .then(() => undefined)
      .catch((e: Error) => logger.error('dispatch failed', { error: e.message }))
      .finally(() => (dispatching = undefined));
  }, every);

  // The sweeps: dispatch's second job, on a timer of its own; each sweep runs in-process.
  const swept = sweepDeps(core, { queue, secrets: noSecrets });
  const sweeps = {
    send: async (messages: { cluster: string }[]) => {
      await Promise.all(
        messages.map((m) =>
          sweepCluster(swept, m.cluster, stop.signal).catch((e: Error) =>
            logger.error('sweep failed', { cluster: m.cluster, error: e.message, reason: 'SweepFailed' }),
          ),
        ),
      );
    },
  };
  let sweeping: Promise<void> | undefined;
  const sweepTimer = setInterval(() => {
    sweeping ??= dispatchSweeps(
      { clusters: core.clusters, idle: core.idle, sweeps, now: core.now },
      stop.signal,
    )
      .then(() => undefined)
      .catch((e: Error) =>
        logger.error('sweeps not dispatched', { error: e.message, reason: 'SweepsNotDispatched' }),
      )
      .finally(() => (sweeping = undefined));
  }, opts.sweepEveryMs ?? 5000);

  return {
    url: server.url,
    token: opts.token,
    core,
    bus,
    queue,
    registerCluster: (c) => core.clusters.put(c.name, c, stop.signal),
    stepNow: async (key) => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const r = await core.store.get(key, stop.signal);
        if (!r || r.nextRunAt === undefined) return;
        const now = core.now();
        try {
          await core.store.save({ ...r, nextRunAt: Math.min(r.nextRunAt, now) }, r.version, stop.signal);
          await queue.send([{ key, dueAt: now }], now);
          return;
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e;
        }
      }
    },
    close: async () => {
      clearInterval(timer);
      clearInterval(sweepTimer);
      queue.close();
      stop.abort();
      // In-flight steps end quickly once aborted; the store must outlive them.
      await queue.drain();
      await dispatching;
      await sweeping;
      await server.close();
      await db.close();
    },
  };
}

/** Calls the stack's API with its token; a body is sent as YAML (JSON is YAML too). */
export async function callApi(
  stack: Pick<Stack, 'url' | 'token'>,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${stack.token}`,
      ...(body ? { 'content-type': 'application/yaml' } : {}),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

function consoleLogger(): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    console.log(JSON.stringify({ level, message, ...fields, timestamp: new Date().toISOString() }));
  return { info: line('INFO'), warn: line('WARN'), error: line('ERROR') };
}
