/**
 * Wiring of the step function (and local mode): one analysis step needs the cluster, metrics
 * and webhook adapters on top of the core of wiring.ts.
 */
import { UnknownClusterError } from './ports/clusters.js';
import { KubernetesCanaryObjects } from './adapters/kubernetes/canary-objects.js';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EKSClient } from '@aws-sdk/client-eks';
import type { StepDeps } from './app/run-step.js';
import { redactingBus, redactingClusters } from './app/redacting.js';
import { CLAIM_MS } from './app/step-deadline.js';
import {
  executeApiRegion,
  sigv4Signer,
  type AwsCredentialsProvider,
  type RequestSigner,
} from './adapters/aws/sigv4.js';
import { KubernetesClusterAccess, type ClusterIo } from './adapters/cluster-access.js';
import { kubernetesSecretText } from './adapters/kubernetes/secret-text.js';
import { sourcedFirst } from './app/sourced-lookup.js';
import { serverProvider } from './adapters/prometheus/factory.js';
import { PrometheusCheckQueries } from './adapters/prometheus/resolve.js';
import type { SecretReader } from './adapters/secrets.js';
import { templateMetrics } from './adapters/template-metrics.js';
import { makeHttpHooks } from './adapters/webhooks/index.js';
import type { EventBus } from './ports/bus.js';
import type { MetricsProvider } from './ports/metrics.js';
import type { WorkQueue } from './ports/queue.js';
import { awsBus, awsCore, awsQueue, secrets, type Core } from './wiring.js';
import { clusterWiring } from './wiring-clusters.js';

/** A metrics provider that always answers with an error: checks fail, nothing is promoted blind. */
const NO_PROMETHEUS = 'no Prometheus configured (set PROMETHEUS_URL or use a templateRef)';
const noPrometheus: MetricsProvider = {
  query: () => Promise.resolve({ kind: 'error', message: NO_PROMETHEUS }),
  queryRange: () => Promise.resolve({ kind: 'error', message: NO_PROMETHEUS }),
  queryVector: () => Promise.resolve({ kind: 'error', message: NO_PROMETHEUS }),
  isOnline: () => Promise.resolve(false),
};

const newCloudWatch = (region: string, credentials?: AwsCredentialsProvider) =>
  new CloudWatchClient({ region, credentials });

export interface StepParts {
  queue: WorkQueue;
  bus: EventBus;
  secrets: SecretReader;
  /** Overrides for local mode (sandbox metrics). */
  defaultMetrics?: MetricsProvider;
  eks?: (region: string, credentials?: AwsCredentialsProvider) => EKSClient;
  /** CloudWatch of a region (templates of type `cloudwatch`); default the SDK's client (AWS_ENDPOINT_URL_CLOUDWATCH honoured). */
  cloudwatch?: (region: string, credentials?: AwsCredentialsProvider) => CloudWatchClient;
  chainWithinMs: number;
  /** Signs webhooks to our own load tester (SigV4 in AWS, the bearer token in local mode). */
  loadtesterSigner?: (url: URL) => RequestSigner | undefined;
}

/**
 * Dependencies of one analysis step. Domain events and Kubernetes Events leave through the
 * redaction rule (lib/app/redacting.ts), as logs and history do (wiring.ts).
 */
export function stepDeps(core: Core, parts: StepParts): StepDeps {
  // Template secrets live under this stage's prefix (Secrets Manager), as cluster credentials do.
  const templateSecret = (name: string) => parts.secrets({ secret: `${core.config.secretsPrefix}${name}` });
  // Metrics providers per cluster (each reaches in-cluster addresses through its own API server).
  const providers = new Map<string, MetricsProvider>();
  const cached = (id: string, make: () => MetricsProvider) => {
    if (!providers.has(id)) providers.set(id, make());
    return providers.get(id)!;
  };
  const { factory, lookup, registration, credentialsOf } = clusterWiring(core, parts);
  const io: ClusterIo = {
    hooks: (fetch) => makeHttpHooks({ signerFor: parts.loadtesterSigner, fetch }),
    metrics: (template, cluster, fetch, intervalSeconds, clients) => {
      if (!template) {
        if (parts.defaultMetrics) return parts.defaultMetrics;
        const own = cluster.metrics;
        const url = own?.address ?? core.config.prometheusUrl;
        if (!url) return noPrometheus;
        // A cluster's own server (and credentials) first, else the deployment's PROMETHEUS_URL.
        const server = { address: url, secret: own?.secret, label: `cluster ${cluster.name} metrics` };
        const read = (name: string) => parts.secrets({ secret: name });
        return cached(`${cluster.name}|${url}|${own?.secret ?? ''}`, () =>
          serverProvider(server, read, fetch, credentialsOf(cluster)),
        );
      }
      // A template sourced from the cluster names a Kubernetes Secret there (docs/gitops.md).
      const fromCluster = template.cluster !== undefined;
      if (fromCluster && (template.cluster !== cluster.name || !clients))
        throw new Error(
          `template ${template.namespace}/${template.name} of cluster ${template.cluster} used in cluster ${cluster.name}`,
        );
      const at = `${template.cluster ?? ''}:${template.namespace}/${template.name}@${JSON.stringify(template.provider)}|${template.label ?? ''}`;
      // Datadog's and CloudWatch's query windows follow the check's interval: one provider per
      // template and interval.
      const window = template.provider.type === 'prometheus' ? '' : `|${intervalSeconds ?? ''}`;
      const options = {
        secret: fromCluster
          ? kubernetesSecretText(clients!, template.namespace, cluster.name)
          : templateSecret,
        intervalSeconds,
        now: core.now,
        fetch,
        credentials: credentialsOf(cluster),
        // CloudWatch of the template's region (default ours), with the cluster's role when it names one.
        cloudWatch: (region = core.config.region) => ({
          client: (parts.cloudwatch ?? newCloudWatch)(region, credentialsOf(cluster)),
          region,
        }),
      };
      return cached(`${cluster.name}|${at}${window}`, () => templateMetrics(template, options));
    },
  };
  return {
    store: core.store,
    leases: core.store,
    history: core.history,
    bus: redactingBus(parts.bus),
    queue: parts.queue,
    clusters: redactingClusters(new KubernetesClusterAccess(lookup, factory, io)),
    canaryObjects: async (name: string, signal: AbortSignal) => {
      const record = await lookup(name, signal);
      if (!record) throw new UnknownClusterError(name);
      return new KubernetesCanaryObjects(await factory.clusterClients(record, signal));
    },
    checks: {
      // A template sourced from the canary's cluster first, then the API-registered one.
      resolver: new PrometheusCheckQueries({
        get: sourcedFirst('template', {
          store: core.sourced,
          shared: core.templates,
          enabled: async (name, signal) => (await registration(name, signal))?.gitops?.enabled === true,
        }),
      }),
    },
    logger: core.logger,
    now: core.now,
    newId: core.newId,
    leaseMs: CLAIM_MS,
    defaultProvider: core.config.defaultProvider,
    chainWithinMs: parts.chainWithinMs,
    idleReconcileMs: core.config.reconcileSeconds * 1000,
  };
}

/**
 * Webhooks to the stack's own load tester go through the IAM authorizer: they are signed with the
 * function's role (allowed `execute-api:Invoke` on the load tester routes only, infra/aws/roles.yml).
 */
export function ownLoadtesterSigner(
  base: string | undefined,
  signer: (base: URL) => RequestSigner,
): (url: URL) => RequestSigner | undefined {
  if (!base) return () => undefined;
  const sign = signer(new URL(base));
  return (url) => (url.href === base || url.href.startsWith(`${base}/`) ? sign : undefined);
}

export function buildStepDeps(): StepDeps {
  const core = awsCore();
  const c = core.config;
  return stepDeps(core, {
    queue: awsQueue(c),
    bus: awsBus(c),
    secrets: secrets(c.region),
    eks: (region, credentials) => new EKSClient({ region, credentials }),
    chainWithinMs: 50_000,
    loadtesterSigner: ownLoadtesterSigner(c.loadtesterUrl, (base) =>
      sigv4Signer({ service: 'execute-api', region: executeApiRegion(base, c.region) }),
    ),
  });
}
