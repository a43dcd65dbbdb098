/**
 * A stored cluster registration made usable by the Kubernetes adapter: its secret references
 * (kubeconfig or token in Secrets Manager or SSM) read. Kept apart from clusters.ts, whose
 * validation schema (zod) only the API needs: the step function imports this file and so does
 * not load zod at all (docs/architecture.md, "Cold start").
 */
import type { ClusterRecord } from '../ports/cluster.js';
import type { ClusterRegistration } from './clusters.js';

/** Resolves secret references into a ClusterRecord the Kubernetes adapter can use. */
export async function resolveCluster(
  c: ClusterRegistration,
  secret: (ref: { secret?: string; parameter?: string }) => Promise<string>,
): Promise<ClusterRecord> {
  if (c.kind === 'eks') return c;
  if (c.kind === 'kubeconfig') {
    const kubeconfig =
      c.kubeconfig ?? (await secret({ secret: c.kubeconfigSecret, parameter: c.kubeconfigParameter }));
    return {
      name: c.name,
      kind: 'kubeconfig',
      kubeconfig,
      context: c.context,
      defaultProvider: c.defaultProvider,
      serviceProxy: c.serviceProxy,
      metrics: c.metrics,
      routing: c.routing,
      gitops: c.gitops,
    };
  }
  const token = c.token ?? (c.tokenSecret ? await secret({ secret: c.tokenSecret }) : undefined);
  return {
    name: c.name,
    kind: 'endpoint',
    server: c.server,
    caData: c.caData,
    token,
    skipTLSVerify: c.skipTLSVerify,
    defaultProvider: c.defaultProvider,
    serviceProxy: c.serviceProxy,
    metrics: c.metrics,
    routing: c.routing,
    gitops: c.gitops,
  };
}
