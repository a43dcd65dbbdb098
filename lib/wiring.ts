/**
 * The composition root: config → adapters → use-case dependencies. Only lib/wiring*.ts and local/
 * import adapters (enforced by ESLint). It is split so each Lambda bundles only what it uses:
 * this file has the store, queue and bus (api, dispatch, loadtester); wiring-step.ts adds the
 * cluster, metrics and webhook adapters (step); wiring-notify.ts the notifiers (notify).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { ClusterRegistration } from './app/clusters.js';
import type { DispatchDeps } from './app/dispatch-due.js';
import type { SweepDispatchDeps } from './app/dispatch-sweeps.js';
import { grantsGateGuard } from './app/gate-access.js';
import { redactingHistory, redactingLogger } from './app/redacting.js';
import { DynamoButtonClaims } from './adapters/dynamodb/button-claims.js';
import { DynamoCanaryStore } from './adapters/dynamodb/canaries.js';
import { documentClient } from './adapters/dynamodb/client.js';
import { DynamoDocuments } from './adapters/dynamodb/documents.js';
import { DynamoGateStore } from './adapters/dynamodb/gates.js';
import { DynamoHistory } from './adapters/dynamodb/history.js';
import { DynamoIdleCanaries } from './adapters/dynamodb/idle.js';
import { DynamoSignInStore } from './adapters/dynamodb/sign-in.js';
import { DynamoSourcedStore } from './adapters/dynamodb/sourced.js';
import { EventBridgeBus } from './adapters/eventbridge/bus.js';
import { awsSecretReader } from './adapters/secrets.js';
import { SqsWorkQueue } from './adapters/sqs/queue.js';
import { SqsSweepQueue } from './adapters/sqs/sweep-queue.js';
import { loadConfig, type Config } from './config.js';
import type { Grant } from './domain/authz/authorize.js';
import { bootstrapGrants } from './domain/authz/authorize.js';
import type { CanaryStatus } from './domain/status.js';
import type { EventBus } from './ports/bus.js';
import type { ButtonClaims } from './ports/buttons.js';
import type { GateStore } from './ports/gates.js';
import type { Logger } from './ports/logger.js';
import type { SignInStore } from './ports/sessions.js';
import type { MetricTemplate } from './ports/metrics.js';
import type { AlertProvider } from './ports/notifier.js';
import type { SweepQueue, WorkQueue } from './ports/queue.js';
import type { History } from './ports/store.js';

/** Everything the functions share, built from one config. */
export interface Core {
  config: Config;
  logger: Logger;
  store: DynamoCanaryStore<CanaryStatus>;
  /** The idle canaries of each cluster (the sweep's index). */
  idle: DynamoIdleCanaries;
  history: History;
  clusters: DynamoDocuments<ClusterRegistration>;
  templates: DynamoDocuments<MetricTemplate>;
  alertProviders: DynamoDocuments<AlertProvider>;
  /** MetricTemplates and AlertProviders sourced from clusters (docs/gitops.md), keyed by cluster. */
  sourced: DynamoSourcedStore;
  gates: GateStore;
  /** Who may do what (lib/domain/authz): the stored grants. */
  grants: DynamoDocuments<Grant>;
  /** The status page's login tickets and sessions. */
  signIn: SignInStore;
  /** The decision taken on each chat message with buttons (functions/slack). */
  buttonClaims: ButtonClaims;
  now: () => number;
  newId: () => string;
}

/**
 * The shared parts over one table. Logs and history records leave through the redaction rule
 * (lib/app/redacting.ts): every function and local mode log and write history through these.
 */
export function buildCore(config: Config, logger: Logger): Core {
  const db = documentClient({ region: config.region, endpoint: config.dynamodbEndpoint });
  const t = config.tableName;
  return {
    config,
    logger: redactingLogger(logger),
    store: new DynamoCanaryStore<CanaryStatus>(db, t),
    idle: new DynamoIdleCanaries(db, t),
    history: redactingHistory(new DynamoHistory(db, t, config.historyRetentionDays)),
    clusters: new DynamoDocuments<ClusterRegistration>(db, t, 'cluster'),
    templates: new DynamoDocuments<MetricTemplate>(db, t, 'template'),
    alertProviders: new DynamoDocuments<AlertProvider>(db, t, 'alert-provider'),
    sourced: new DynamoSourcedStore(db, t),
    gates: new DynamoGateStore(db, t),
    grants: new DynamoDocuments<Grant>(db, t, 'grant'),
    signIn: new DynamoSignInStore(db, t),
    buttonClaims: new DynamoButtonClaims(db, t),
    now: () => Date.now(),
    newId: () => randomUUID(),
  };
}

// ---- AWS: one builder per function, each creating only the clients it needs ----

export function awsCore(): Core {
  const p = new PowertoolsLogger({ serviceName: 'flagger-serverless' });
  const logger: Logger = {
    info: (m, f) => p.info(m, f ?? {}),
    warn: (m, f) => p.warn(m, f ?? {}),
    error: (m, f) => p.error(m, f ?? {}),
  };
  return buildCore(loadConfig(), logger);
}

export function requireSetting(value: string | undefined, name: string): string {
  if (!value) throw new Error(`environment variable ${name} is required by this function`);
  return value;
}

export function awsQueue(config: Config): WorkQueue {
  return new SqsWorkQueue(
    new SQSClient({ region: config.region }),
    requireSetting(config.queueUrl, 'QUEUE_URL'),
  );
}

export function awsBus(config: Config): EventBus {
  return new EventBridgeBus(
    new EventBridgeClient({ region: config.region }),
    requireSetting(config.eventBusName, 'EVENT_BUS_NAME'),
  );
}

export const secrets = (region: string) =>
  awsSecretReader(
    () => new SecretsManagerClient({ region }),
    () => new SSMClient({ region }),
  );

/** What the API handler needs, over any queue (SQS in AWS, in-process locally). */
export function apiDeps(core: Core, queue: WorkQueue) {
  const c = core.config;
  return {
    ...core,
    queue,
    maxBodyBytes: c.maxBodyBytes,
    secret: () => randomBytes(32).toString('base64url'),
    asset: (name: string) => readFile(join(c.uiDir, name)).catch(() => undefined),
    defaultProvider: c.defaultProvider,
    bootstrapAdmins: bootstrapGrants(c.adminPrincipals),
    secretPrefixes: {
      secrets: c.secretsPrefix,
      parameters: c.parametersPrefix,
      assumableRoles: c.assumableRoles,
    },
  };
}

export function buildApiDeps() {
  const core = awsCore();
  return apiDeps(core, awsQueue(core.config));
}

/** What dispatch needs: the due index and the step queue; the clusters, the idle index and the sweep queue. */
export function dispatchDeps(core: Core, queue: WorkQueue, sweeps: SweepQueue) {
  return {
    store: core.store,
    queue,
    now: core.now,
    logger: core.logger,
    clusters: core.clusters,
    idle: core.idle,
    sweeps,
  };
}

export function buildDispatchDeps(): DispatchDeps & SweepDispatchDeps & { logger: Logger } {
  const core = awsCore();
  const c = core.config;
  const sweeps = new SqsSweepQueue(
    new SQSClient({ region: c.region }),
    requireSetting(c.sweepQueueUrl, 'SWEEP_QUEUE_URL'),
  );
  return dispatchDeps(core, awsQueue(c), sweeps);
}

/** What the stack's own load tester needs: the gates, and who may change them (the grants). */
export function loadtesterDeps(core: Core) {
  const guard = grantsGateGuard({
    grants: core.grants,
    bootstrapAdmins: bootstrapGrants(core.config.adminPrincipals),
  });
  return { gates: core.gates, guard, logger: core.logger };
}

export function buildLoadtesterDeps() {
  return loadtesterDeps(awsCore());
}
