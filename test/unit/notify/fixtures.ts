/** Builders for notification tests: domain events, canaries and AlertProvider records. */
import type { CheckResult } from '../../../lib/domain/check.js';
import type { NotifyEventDeps } from '../../../lib/app/notify-event.js';
import type { DomainEvent, Severity } from '../../../lib/domain/events.js';
import type { AlertSpec, Canary, WebhookSpec } from '../../../lib/domain/spec/schema.js';
import type {
  AlertProvider,
  AlertProviders,
  NotificationMessage,
  Notifier,
} from '../../../lib/ports/notifier.js';

/** A failing success-rate check. */
export const failingMetric: CheckResult = {
  name: 'request-success-rate',
  kind: 'metric',
  verdict: 'fail',
  value: 91.2,
  min: 99,
  query: 'sum(rate(istio_requests_total{reporter="destination"}[1m]))',
  explanation: 'request-success-rate 91.2% < 99% minimum',
};

/** A passing latency check (never shown as failing). */
export const passingMetric: CheckResult = {
  name: 'request-duration',
  kind: 'metric',
  verdict: 'pass',
  value: 120,
  max: 500,
  explanation: 'request-duration 120ms <= 500ms maximum',
};

/** An event of podinfo.test in cluster prod-eu; override anything. */
export function anEvent(overrides: Partial<DomainEvent> = {}): DomainEvent {
  return {
    type: 'ReleaseStarted',
    canary: { cluster: 'prod-eu', namespace: 'test', name: 'podinfo' },
    target: 'podinfo',
    phase: 'Progressing',
    canaryWeight: 0,
    primaryWeight: 100,
    iterations: 0,
    failedChecks: 0,
    threshold: 5,
    reason: 'NewRevisionDetected',
    message: 'New revision detected! Scaling up podinfo.test',
    severity: 'info',
    at: '2025-01-02T03:04:05.000Z',
    ...overrides,
  };
}

/** The six events every provider is tested with, as the analysis would publish them. */
export const scenarios = {
  releaseStarted: anEvent({ revision: 'abc123' }),
  weightAdvanced: anEvent({
    type: 'WeightChanged',
    reason: 'CanaryWeightIncreased',
    canaryWeight: 20,
    primaryWeight: 80,
    message: 'Advance podinfo.test canary weight 20',
  }),
  checkFailed: anEvent({
    type: 'CheckFailed',
    reason: 'CheckFailed',
    severity: 'warn',
    canaryWeight: 20,
    primaryWeight: 80,
    failedChecks: 2,
    message: 'Halt podinfo.test advancement request-success-rate 91.2% < 99% minimum',
    checks: [failingMetric, passingMetric],
  }),
  waitingApproval: anEvent({
    type: 'WaitingApproval',
    reason: 'WaitingForApproval',
    phase: 'Waiting',
    severity: 'warn',
    message: 'Halt podinfo.test advancement waiting for approval gate',
  }),
  promoted: anEvent({
    type: 'Promoted',
    reason: 'Promoted',
    phase: 'Succeeded',
    message: 'Promotion completed! Scaling down podinfo.test',
  }),
  rolledBack: anEvent({
    type: 'RolledBack',
    reason: 'RollbackThresholdReached',
    phase: 'Failed',
    severity: 'error',
    failedChecks: 5,
    message: 'Rolling back podinfo.test failed checks threshold reached 5',
    checks: [failingMetric],
  }),
} satisfies Record<string, DomainEvent>;

/** A parsed podinfo.test canary with the given alerts and webhooks. */
export function aCanary(options: { alerts?: AlertSpec[]; webhooks?: WebhookSpec[] } = {}): Canary {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      analysis: {
        interval: '1m',
        threshold: 5,
        stepWeight: 10,
        alerts: options.alerts,
        webhooks: options.webhooks,
      },
    },
  };
}

/** An AlertProvider record in namespace `test`. */
export function aProvider(overrides: Partial<AlertProvider> = {}): AlertProvider {
  return {
    name: 'on-call',
    namespace: 'test',
    type: 'slack',
    address: 'https://hooks.example.com/services/T0/B0/SECRETTOKEN123',
    ...overrides,
  };
}

/** An `analysis.alerts[]` entry whose provider has the same name. */
export const alert = (name: string, severity?: Severity, namespace?: string): AlertSpec => ({
  name,
  severity,
  providerRef: { name, namespace },
});

/** In-memory AlertProviders plus notifiers that record posts (or fail for chosen providers). */
export function fakes(records: AlertProvider[], failing: Record<string, Error> = {}) {
  const posts: { provider: string; message: NotificationMessage }[] = [];
  const providers: AlertProviders = {
    get: (namespace, name) =>
      Promise.resolve(records.find((r) => r.namespace === namespace && r.name === name)),
  };
  const notifierFor = (p: AlertProvider): Notifier => ({
    post: (message) => {
      const key = p.namespace ? `${p.namespace}/${p.name}` : p.name;
      if (failing[key]) return Promise.reject(failing[key]);
      posts.push({ provider: key, message });
      return Promise.resolve();
    },
  });
  return { posts, deps: { providers, notifierFor } satisfies NotifyEventDeps };
}
