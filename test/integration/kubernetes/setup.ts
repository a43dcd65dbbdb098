/** Shared setup: a sandbox cluster, our clients for it, and podinfo seeded through the API. */
import type { V1ConfigMap, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { ClusterClientFactory, type ClusterClients } from '../../../lib/adapters/kubernetes/client.js';
import type { Sandbox } from '../../support/sandbox.js';
import { aTarget } from '../../unit/kubernetes/fixtures.js';

export const NS = 'test';
const signal = () => AbortSignal.timeout(10_000);

/** Clients for the sandbox's https endpoint (CA-verified), through the real factory. */
export function clientsFor(
  sandbox: Sandbox,
  factory = new ClusterClientFactory({ timeoutMs: 5_000 }),
): Promise<ClusterClients> {
  return factory.clusterClients({
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.url,
    caData: sandbox.caData,
    token: sandbox.token,
  });
}

/** The podinfo target and its configs, written through the API (so the rollout simulation runs). */
export async function seed(k: ClusterClients, target: V1Deployment = aTarget()): Promise<void> {
  const cms: V1ConfigMap[] = [
    'init-env',
    'podinfo-env',
    'podinfo-envfrom',
    'podinfo-config-vol',
    'podinfo-projected',
  ].map((name): V1ConfigMap => ({
    metadata: {
      name,
      namespace: NS,
      annotations: name === 'podinfo-envfrom' ? { 'flagger.app/config-tracking': 'disabled' } : {},
    },
    data: { key: `${name}-v1` },
  }));
  const secrets: V1Secret[] = [
    { metadata: { name: 'podinfo-secret-env' }, type: 'Opaque', data: { k: 'djE=' } },
    {
      metadata: { name: 'podinfo-secret-envfrom' },
      type: 'kubernetes.io/basic-auth',
      data: { username: 'dQ==' },
    },
    {
      metadata: { name: 'podinfo-secret-vol' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': 'e30=' },
    },
  ];
  for (const body of cms) await k.core.createNamespacedConfigMap({ namespace: NS, body });
  for (const body of secrets) await k.core.createNamespacedSecret({ namespace: NS, body });
  // podinfo-secret-projected is deliberately missing: skipped, reference left alone.
  await k.apps.createNamespacedDeployment({
    namespace: NS,
    body: { ...target, metadata: { ...target.metadata, resourceVersion: undefined } },
  });
}

export { signal };
