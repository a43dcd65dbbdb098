/**
 * The control plane as Lambda runs it — the api, dispatch, sweep, step and notify handlers — wired
 * to dynalite, the sandbox API server and local receivers, with a controllable clock. SQS and
 * EventBridge have no local server: the queues and bus here record messages and the test delivers
 * them to the handlers, as AWS would.
 */
import type { APIGatewayProxyEventV2, EventBridgeEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { StepDeps } from '../../lib/app/run-step.js';
import { makeHandler as makeStep } from '../../functions/step/batch.js';
import { makeHandler as makeApi, type ApiHandler } from '../../functions/api/handler.js';
import { makeHandler as makeDispatch } from '../../functions/dispatch/handler.js';
import { makeHandler as makeNotify } from '../../functions/notify/handler.js';
import { makeHandler as makeSweep } from '../../functions/sweep/handler.js';
import type { SweepDeps } from '../../lib/app/sweep.js';
import { loadConfig } from '../../lib/config.js';
import type { DomainEvent } from '../../lib/domain/events.js';
import type { CanaryStatus } from '../../lib/domain/status.js';
import { noSecrets, type SecretReader } from '../../lib/adapters/secrets.js';
import type { MetricsProvider } from '../../lib/ports/metrics.js';
import type { StepMessage, SweepMessage } from '../../lib/ports/queue.js';
import type { CanaryKey, CanaryRecord } from '../../lib/ports/store.js';
import { silentLogger, type Logger } from '../../lib/ports/logger.js';
import { apiDeps, buildCore, dispatchDeps, type Core } from '../../lib/wiring.js';
import { notifyDeps } from '../../lib/wiring-notify.js';
import { stepDeps, type StepParts } from '../../lib/wiring-step.js';
import { sweepDeps } from '../../lib/wiring-sweep.js';
import { startDynamo, type LocalDynamo } from './dynamo.js';

export interface ControlPlane {
  core: Core;
  /** What step runs with (for tests that drive the use case directly). */
  stepDeps: StepDeps;
  /** What the sweep runs with. */
  sweepDeps: SweepDeps;
  /** The api function's handler itself (to serve it over HTTP, as local mode does). */
  apiHandler: ApiHandler;
  /** The step handler, one SQS message. */
  step(m: StepMessage): Promise<SQSBatchResponse>;
  clock: { now: number };
  queued: StepMessage[];
  /** Sweep messages dispatch sent and {@link ControlPlane.deliver} has not delivered yet. */
  sweeps: SweepMessage[];
  /** Every step message {@link ControlPlane.deliver} delivered, in order. */
  delivered: StepMessage[];
  events: DomainEvent[];
  api(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  dispatch(): Promise<number>;
  /**
   * Delivers every sweep message to sweep and every queued message to step (as SQS would) until
   * both queues are empty, then every event to notify (unless `events: false`: they stay pending).
   */
  deliver(opts?: { events?: boolean }): Promise<void>;
  /** Advances the clock by `ms`, dispatches and delivers; returns the canary row afterwards. */
  tick(key: CanaryKey, ms: number): Promise<CanaryRecord<CanaryStatus> | undefined>;
  close(): Promise<void>;
}

/** What {@link startControlPlane} may be given. */
export interface ControlPlaneOptions {
  slackUrl?: string;
  metrics?: MetricsProvider;
  start?: number;
  env?: Record<string, string>;
  /** Reads secrets (as Secrets Manager would); default: none can be read. */
  secrets?: SecretReader;
  /** Where every function logs (through the redacting logger of the core); default silent. */
  logger?: Logger;
  /** CloudWatch of a region (cloudwatch MetricTemplates); default the SDK's, unreachable in tests. */
  cloudwatch?: StepParts['cloudwatch'];
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const dyn: LocalDynamo = await startDynamo();
  const config = loadConfig({
    TABLE_NAME: dyn.table,
    DYNAMODB_ENDPOINT: dyn.endpoint,
    AWS_REGION: 'us-east-1',
    // The identity every request below carries (an IAM user) is the deployment's admin.
    ADMIN_PRINCIPALS: 'iam:arn:aws:iam::123456789012:user/tester',
    ...opts.env,
  });
  // Real time by default: the sandbox stamps Deployment conditions with the wall clock.
  const clock = { now: opts.start ?? Date.now() };
  const core: Core = { ...buildCore(config, opts.logger ?? silentLogger), now: () => clock.now };
  const logger = core.logger;
  const queued: StepMessage[] = [];
  const events: DomainEvent[] = [];
  const pendingEvents: DomainEvent[] = [];
  const queue = { send: (m: StepMessage[]) => (queued.push(...m), Promise.resolve()) };
  const sweeps: SweepMessage[] = [];
  const sweepQueue = { send: (m: SweepMessage[]) => (sweeps.push(...m), Promise.resolve()) };
  const bus = {
    publish: (e: DomainEvent[]) => (events.push(...e), pendingEvents.push(...e), Promise.resolve()),
  };
  const api = makeApi({ ...apiDeps(core, queue), logger });
  const dispatch = makeDispatch(dispatchDeps(core, queue, sweepQueue));
  const deps = stepDeps(core, {
    queue,
    bus,
    secrets: opts.secrets ?? noSecrets,
    defaultMetrics: opts.metrics,
    cloudwatch: opts.cloudwatch,
    chainWithinMs: 0,
  });
  const step = makeStep(deps);
  const swept = sweepDeps(core, { queue, secrets: opts.secrets ?? noSecrets });
  const sweep = makeSweep(swept);
  const notify = makeNotify({
    notify: notifyDeps(core, opts.slackUrl ? { type: 'slack', address: opts.slackUrl } : undefined),
    store: core.store,
    logger,
  });

  let n = 0;
  const cp: ControlPlane = {
    core,
    stepDeps: deps,
    sweepDeps: swept,
    apiHandler: api,
    step: (m) => step(sqsEvent(m, `m${++n}`)),
    clock,
    queued,
    sweeps,
    delivered: [],
    events,
    async api(method, path, body, query) {
      const r = await api(apiEvent(method, path, body, query));
      const res = typeof r === 'string' ? { statusCode: 200, body: r } : r;
      return { status: res.statusCode ?? 200, body: res.body ? JSON.parse(res.body) : undefined };
    },
    async dispatch() {
      return (await dispatch({} as never)).queued;
    },
    async deliver(opts = {}) {
      while (queued.length > 0 || sweeps.length > 0) {
        for (const m of sweeps.splice(0, sweeps.length)) {
          const r = await sweep(sqsEvent(m, `s${++n}`));
          if (r.batchItemFailures.length > 0)
            throw new Error(`sweep reported a failure for ${JSON.stringify(m)}`);
        }
        const batch = queued.splice(0, queued.length);
        for (const m of batch) {
          cp.delivered.push(m);
          const r = await step(sqsEvent(m, `m${++n}`));
          if (r.batchItemFailures.length > 0)
            throw new Error(`step reported a failure for ${JSON.stringify(m)}`);
        }
      }
      if (opts.events === false) return;
      for (const e of pendingEvents.splice(0, pendingEvents.length)) {
        // An invocation whose every notification failed throws (Lambda would retry it, then
        // dead-letter it); the test sees the failed deliveries at its receiver.
        await notify({ detail: e } as EventBridgeEvent<string, DomainEvent>).catch(() => undefined);
      }
    },
    async tick(key, ms) {
      clock.now += ms;
      await cp.dispatch();
      await cp.deliver();
      return core.store.get(key, new AbortController().signal);
    },
    close: () => dyn.close(),
  };
  return cp;
}

function apiEvent(
  method: string,
  path: string,
  body: unknown,
  query?: Record<string, string>,
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: {},
    queryStringParameters: query,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      http: { method, path },
      authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/tester' } },
    },
  } as unknown as APIGatewayProxyEventV2;
}

function sqsEvent(m: StepMessage | SweepMessage, id: string): SQSEvent {
  return { Records: [{ messageId: id, body: JSON.stringify(m) }] } as unknown as SQSEvent;
}
