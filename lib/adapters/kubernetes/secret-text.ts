/**
 * A Kubernetes Secret as the metrics providers read a template's `secretRef` (Flagger's keys:
 * `token`, or `username` and `password`; `datadog_api_key` and `datadog_application_key`): the
 * Secret's data, decoded, as one JSON object. For MetricTemplates sourced from a cluster
 * (docs/gitops.md): read from that cluster, in the template's namespace, when a query first runs.
 * Errors name the Secret, never a value.
 */
import type { ClusterClients } from './client.js';

const TIMEOUT_MS = 10_000;

/** `(name) => JSON text` of the Secrets of `namespace` in the cluster of `clients`. */
export function kubernetesSecretText(
  clients: Pick<ClusterClients, 'raw'>,
  namespace: string,
  cluster: string,
): (name: string) => Promise<string> {
  return async (name) => {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;
    const res = await clients.raw({
      method: 'GET',
      path,
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    const where = `Secret ${namespace}/${name} of cluster ${cluster}`;
    if (res.status === 404) throw new Error(`${where} not found`);
    if (res.status < 200 || res.status >= 300) throw new Error(`${where}: HTTP ${res.status}`);
    const data = (JSON.parse(text) as { data?: Record<string, string> }).data ?? {};
    const decoded = Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8').trim()]),
    );
    return JSON.stringify(decoded);
  };
}
