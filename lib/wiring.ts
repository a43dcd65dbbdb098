/**
 * The composition root: config → adapters → use-case dependencies. Only this file and local/
 * import adapters (enforced by ESLint). AWS clients are created lazily so that a function builds
 * only what it uses.
 */
import { randomUUID } from 'node:crypto';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { AdvanceDeps } from './app/advance-canary.js';
import { resolveCluster, type ClusterRegistration } from './app/clusters.js';
import type { DispatchDeps } from './app/dispatch-due.js';
import type { NotifyEventDeps } from './app/notify-event.js';
import { KubernetesClusterAccess } from './adapters/cluster-access.js';
import { DynamoCanaryStore } from './adapters/dynamodb/canaries.js';
import { documentClient } from './adapters/dynamodb/client.js';
import { DynamoDocuments } from './adapters/dynamodb/documents.js';
import { DynamoGateStore } from './adapters/dynamodb/gates.js';
import { DynamoHistory } from './adapters/dynamodb/history.js';
import { EventBridgeBus } from './adapters/eventbridge/bus.js';
import { ClusterClientFactory } from './adapters/kubernetes/client.js';
import { makeNotifierFactory } from './adapters/notify/index.js';
import { prometheusFor, templateProvider } from './adapters/prometheus/factory.js';
import { PrometheusCheckQueries } from './adapters/prometheus/resolve.js';
import { awsSecretReader, type SecretReader } from './adapters/secrets.js';
import { SqsWorkQueue } from './adapters/sqs/queue.js';
import { makeHttpHooks } from './adapters/webhooks/index.js';
import { loadConfig, type Config } from './config.js';
import type { CanaryStatus } from './domain/status.js';
import type { EventBus } from './ports/bus.js';
import type { GateStore } from './ports/gates.js';
import type { Logger } from './ports/logger.js';
import type { MetricsProvider, MetricTemplate } from './ports/metrics.js';
import type { AlertProvider, DefaultAlerts } from './ports/notifier.js';
import type { WorkQueue } from './ports/queue.js';

/** Everything the functions share, built from one config. */
export interface Core {
  config: Config;
  logger: Logger;
  store: DynamoCanaryStore<CanaryStatus>;
  history: DynamoHistory;
  clusters: DynamoDocuments<ClusterRegistration>;
  templates: DynamoDocuments<MetricTemplate>;
  alertProviders: DynamoDocuments<AlertProvider>;
  gates: GateStore;
  now: () => number;
  newId: () => string;
}

export function buildCore(config: Config, logger: Logger): Core {
  const db = documentClient({ region: config.region, endpoint: config.dynamodbEndpoint });
  const t = config.tableName;
  return {
    config,
    logger,
    store: new DynamoCanaryStore<CanaryStatus>(db, t),
    history: new DynamoHistory(db, t, config.historyRetentionDays),
    clusters: new DynamoDocuments<ClusterRegistration>(db, t, 'cluster'),
    templates: new DynamoDocuments<MetricTemplate>(db, t, 'template'),
    alertProviders: new DynamoDocuments<AlertProvider>(db, t, 'alert-provider'),
    gates: new DynamoGateStore(db, t),
    now: () => Date.now(),
    newId: () => randomUUID(),
  };
}

/** A metrics provider that always answers with an error: checks fail, nothing is promoted blind. */
const noPrometheus: MetricsProvider = {
  query: () =>
    Promise.resolve({
      kind: 'error',
      message: 'no Prometheus configured (set PROMETHEUS_URL or use a templateRef)',
    }),
  isOnline: () => Promise.resolve(false),
};

export interface StepParts {
  queue: WorkQueue;
  bus: EventBus;
  secrets: SecretReader;
  /** Overrides for local mode (sandbox metrics). */
  defaultMetrics?: MetricsProvider;
  eks?: (region: string) => EKSClient;
  chainWithinMs: number;
}

/** Dependencies of one analysis step. */
export function advanceDeps(core: Core, parts: StepParts): AdvanceDeps {
  const defaultMetrics =
    parts.defaultMetrics ??
    (core.config.prometheusUrl ? prometheusFor(core.config.prometheusUrl) : noPrometheus);
  // Template secrets live under this stage's prefix (Secrets Manager), as cluster credentials do.
  const templateSecret = (name: string) => parts.secrets({ secret: `${core.config.secretsPrefix}${name}` });
  const templates = new Map<string, MetricsProvider>();
  const factory = new ClusterClientFactory({ eks: parts.eks, credentials: defaultProvider() });
  const lookup = async (name: string, signal: AbortSignal) => {
    const r = await core.clusters.get(name, signal);
    return r && resolveCluster(r, parts.secrets);
  };
  return {
    store: core.store,
    leases: core.store,
    history: core.history,
    bus: parts.bus,
    queue: parts.queue,
    clusters: new KubernetesClusterAccess(lookup, factory),
    hooks: makeHttpHooks(),
    checks: {
      resolver: new PrometheusCheckQueries({
        get: (ns, name, signal) => core.templates.get(`${ns}/${name}`, signal),
      }),
      metricsFor: (template) => {
        if (!template) return defaultMetrics;
        const id = `${template.namespace}/${template.name}@${JSON.stringify(template.provider)}`;
        if (!templates.has(id)) templates.set(id, templateProvider(template, templateSecret));
        return templates.get(id)!;
      },
    },
    logger: core.logger,
    now: core.now,
    newId: core.newId,
    leaseMs: core.config.leaseSeconds * 1000,
    chainWithinMs: parts.chainWithinMs,
  };
}

export function notifyDeps(core: Core, defaults: DefaultAlerts | undefined): NotifyEventDeps {
  return {
    providers: { get: (ns, name, signal) => core.alertProviders.get(`${ns}/${name}`, signal) },
    notifierFor: makeNotifierFactory(),
    defaults,
  };
}

// ---- AWS: one builder per function, each creating only the clients it needs ----

function awsCore(): Core {
  const p = new PowertoolsLogger({ serviceName: 'flagger-serverless' });
  const logger: Logger = {
    info: (m, f) => p.info(m, f ?? {}),
    warn: (m, f) => p.warn(m, f ?? {}),
    error: (m, f) => p.error(m, f ?? {}),
  };
  return buildCore(loadConfig(), logger);
}

function requireSetting(value: string | undefined, name: string): string {
  if (!value) throw new Error(`environment variable ${name} is required by this function`);
  return value;
}

function awsQueue(config: Config): WorkQueue {
  return new SqsWorkQueue(
    new SQSClient({ region: config.region }),
    requireSetting(config.queueUrl, 'QUEUE_URL'),
  );
}

function awsBus(config: Config): EventBus {
  return new EventBridgeBus(
    new EventBridgeClient({ region: config.region }),
    requireSetting(config.eventBusName, 'EVENT_BUS_NAME'),
  );
}

const secrets = (region: string) =>
  awsSecretReader(
    () => new SecretsManagerClient({ region }),
    () => new SSMClient({ region }),
  );

export function buildApiDeps() {
  const core = awsCore();
  return { ...core, queue: awsQueue(core.config), maxBodyBytes: core.config.maxBodyBytes };
}

export function buildDispatchDeps(): DispatchDeps & { logger: Logger } {
  const core = awsCore();
  return { store: core.store, queue: awsQueue(core.config), now: core.now, logger: core.logger };
}

export function buildAnalyzeDeps(): AdvanceDeps {
  const core = awsCore();
  const c = core.config;
  return advanceDeps(core, {
    queue: awsQueue(c),
    bus: awsBus(c),
    secrets: secrets(c.region),
    eks: (region) => new EKSClient({ region }),
    chainWithinMs: 50_000,
  });
}

export async function buildNotifyDeps() {
  const core = awsCore();
  const c = core.config;
  const address = c.slackUrlParameter
    ? await secrets(c.region)({ parameter: c.slackUrlParameter }).catch(() => undefined)
    : undefined;
  return { core, notify: notifyDeps(core, address ? { type: 'slack', address } : undefined) };
}

export function buildLoadtesterDeps() {
  const core = awsCore();
  return { gates: core.gates, logger: core.logger };
}
