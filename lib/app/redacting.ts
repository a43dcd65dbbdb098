/**
 * The exits of the process, each applying the redaction rule (lib/domain/redaction.ts) to what
 * passes through it: log lines, history records, domain events (and so the notifications made from
 * them) and Kubernetes Events. The wiring wraps the real ports with these once (lib/wiring*.ts), so
 * every use case and every entry point — Lambda, local mode, the test control plane — writes
 * through them; API answers are redacted where they are serialised (functions/api/http.ts).
 *
 * Patterns apply everywhere; secret values where the exit knows them: a Kubernetes Event knows its
 * canary (webhook URL secrets) and its cluster (credentials). The adapters that receive remote text
 * mask their own secrets first (webhooks, Prometheus, notifiers), before any cut.
 */
import { canarySecrets, redactJson, redactText, secretsInText } from '../domain/redaction.js';
import type { EventBus } from '../ports/bus.js';
import type { ClusterRecord } from '../ports/cluster.js';
import type { ClusterAccess } from '../ports/clusters.js';
import type { Logger } from '../ports/logger.js';
import type { History } from '../ports/store.js';
import type { EventRecorder } from '../ports/workloads.js';

/** A logger whose messages and fields are redacted. */
export function redactingLogger(inner: Logger): Logger {
  const line =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void =>
      inner[level](redactText(message), fields && redactJson(fields));
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

/** A history whose records are redacted before they are stored. */
export function redactingHistory(inner: History): History {
  return {
    append: (record, signal) => inner.append(redactJson(record), signal),
    list: (key, opts, signal) => inner.list(key, opts, signal),
  };
}

/** A bus whose events are redacted before they are published (notifications are made from them). */
export function redactingBus(inner: EventBus): EventBus {
  return { publish: (events, signal) => inner.publish(redactJson(events), signal) };
}

/**
 * Cluster access whose Kubernetes Events are redacted with the canary's and the cluster's secrets.
 * Everything else of a cluster handle is passed through.
 */
export function redactingClusters(inner: ClusterAccess): ClusterAccess {
  return {
    async get(cluster, signal) {
      const handle = await inner.get(cluster, signal);
      const own = clusterSecrets(handle.record);
      const events: EventRecorder = {
        record: (canary, event, now, s) => {
          const message = redactText(event.message, [...own, ...canarySecrets(canary)]);
          return handle.events.record(canary, { ...event, message }, now, s);
        },
      };
      return { ...handle, events };
    },
  };
}

/** The credentials of a cluster record: an endpoint's token, what an inline kubeconfig holds. */
function clusterSecrets(record: ClusterRecord): string[] {
  switch (record.kind) {
    case 'endpoint':
      return record.token ? [record.token] : [];
    case 'kubeconfig':
      return secretsInText(record.kubeconfig);
    case 'eks':
      return [];
  }
}
