/**
 * Migrating from Flagger: the cluster holds exactly what Flagger left for a canary — its Canary
 * object (CRD flagger.app, with Flagger's finalizer), the `podinfo-primary` Deployment and HPA,
 * the three Services, the VirtualService and DestinationRules, all owned by the Canary — and the
 * same Canary is registered with Flagger Serverless. It adopts them: no failed step, no traffic off
 * the primary, no object deleted or recreated, Flagger's owner references gone; a release
 * succeeds; and deleting Flagger's Canary object afterwards garbage-collects nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { apply, podinfoDeployment, podinfoKey as key, virtualServiceWeights } from '../../support/release.js';
import type { Sandbox } from '../../support/sandbox.js';
import {
  historyOf,
  httpRouteWeights,
  registerCanary,
  stepUntilPhase,
  worldPerTest,
} from '../../support/scenario.js';

const world = worldPerTest({ rolloutDelayMs: 0 });
const ISTIO = 'networking.istio.io/v1beta1';

const GATEWAY = 'gateway.networking.k8s.io/v1';
type Provider = 'istio' | 'gatewayapi';

const canaryYaml = (provider: Provider) => `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: test }
spec:
  provider: ${provider}
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  autoscalerRef: { apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: podinfo }
  service:
    port: 9898
    targetPort: 9898
${provider === 'gatewayapi' ? '    gatewayRefs: [{ name: public, namespace: gateway }]\n' : ''}  analysis: { interval: 10s, threshold: 2, maxWeight: 50, stepWeight: 25 }
`;

async function http(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sandbox.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${sandbox.token}`,
      'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** What Flagger v1.44 leaves in the cluster for an initialized podinfo canary (pkg/canary, pkg/router). */
async function flaggerLeftovers(sandbox: Sandbox, provider: Provider): Promise<string> {
  for (const doc of parseAllDocuments(readFileSync('infra/kubernetes/flagger-crds.yaml', 'utf8')))
    await http(sandbox, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', doc.toJS());
  const manifest = parseAllDocuments(canaryYaml(provider))[0]!.toJS();
  manifest.metadata.finalizers = ['finalizer.flagger.app'];
  const owner = await http(sandbox, 'POST', '/apis/flagger.app/v1beta1/namespaces/test/canaries', manifest);
  const ownerReferences = [
    {
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      name: 'podinfo',
      uid: owner.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
  const owned = (name: string, labels: Record<string, string> = {}) => ({
    name,
    namespace: 'test',
    labels,
    ownerReferences,
  });
  const target = podinfoDeployment('podinfo:6.0.0');
  await apply(sandbox, { ...target, spec: { ...(target.spec as object), replicas: 0 } } as never);
  const primary = podinfoDeployment('podinfo:6.0.0', {}, 'podinfo-primary');
  await http(sandbox, 'POST', '/apis/apps/v1/namespaces/test/deployments', {
    ...primary,
    metadata: owned('podinfo-primary', { app: 'podinfo-primary' }),
  });
  await http(sandbox, 'POST', '/apis/autoscaling/v2/namespaces/test/horizontalpodautoscalers', {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: owned('podinfo-primary'),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo-primary' },
      minReplicas: 2,
      maxReplicas: 4,
    },
  });
  await http(sandbox, 'POST', '/apis/autoscaling/v2/namespaces/test/horizontalpodautoscalers', {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      minReplicas: 2,
      maxReplicas: 4,
    },
  });
  const ports = [{ name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' }];
  for (const [name, selects] of [
    ['podinfo', 'podinfo-primary'],
    ['podinfo-primary', 'podinfo-primary'],
    ['podinfo-canary', 'podinfo'],
  ])
    await http(sandbox, 'POST', '/api/v1/namespaces/test/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: owned(name!, { app: name! }),
      spec: { type: 'ClusterIP', selector: { app: selects }, ports },
    });
  if (provider === 'gatewayapi') {
    await http(sandbox, 'POST', `/apis/${GATEWAY}/namespaces/test/httproutes`, {
      apiVersion: GATEWAY,
      kind: 'HTTPRoute',
      metadata: owned('podinfo'),
      spec: {
        parentRefs: [{ name: 'public', namespace: 'gateway' }],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [
              { group: '', kind: 'Service', name: 'podinfo-primary', port: 9898, weight: 100 },
              { group: '', kind: 'Service', name: 'podinfo-canary', port: 9898, weight: 0 },
            ],
          },
        ],
      },
    });
    return owner.metadata.uid as string;
  }
  await http(sandbox, 'POST', `/apis/${ISTIO}/namespaces/test/virtualservices`, {
    apiVersion: ISTIO,
    kind: 'VirtualService',
    metadata: owned('podinfo'),
    spec: {
      hosts: ['podinfo'],
      gateways: ['mesh'],
      http: [
        {
          route: [
            { destination: { host: 'podinfo-primary', port: { number: 9898 } }, weight: 100 },
            { destination: { host: 'podinfo-canary', port: { number: 9898 } }, weight: 0 },
          ],
        },
      ],
    },
  });
  for (const name of ['podinfo-primary', 'podinfo-canary'])
    await http(sandbox, 'POST', `/apis/${ISTIO}/namespaces/test/destinationrules`, {
      apiVersion: ISTIO,
      kind: 'DestinationRule',
      metadata: owned(name),
      spec: { host: name },
    });
  return owner.metadata.uid as string;
}

const workloads: [string, string, string][] = [
  ['apps/v1', 'Deployment', 'podinfo-primary'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'podinfo-primary'],
  ['v1', 'Service', 'podinfo'],
  ['v1', 'Service', 'podinfo-primary'],
  ['v1', 'Service', 'podinfo-canary'],
];
const routing: Record<Provider, [string, string, string][]> = {
  istio: [
    [ISTIO, 'VirtualService', 'podinfo'],
    [ISTIO, 'DestinationRule', 'podinfo-primary'],
    [ISTIO, 'DestinationRule', 'podinfo-canary'],
  ],
  gatewayapi: [[GATEWAY, 'HTTPRoute', 'podinfo']],
};

/** [primary, canary] weights of the live routing object. */
function weights(sandbox: Sandbox, provider: Provider): string {
  if (provider === 'istio') return virtualServiceWeights(sandbox).join('/');
  return httpRouteWeights(sandbox).join('/');
}

describe('migrating a canary from Flagger', () => {
  it.each(['istio', 'gatewayapi'] as const)(
    '%s: adopts what Flagger created without moving traffic or recreating anything, then releases',
    async (provider) => {
      const { sandbox, cp } = world;
      const adopted = [...workloads, ...routing[provider]];
      const ownerUid = await flaggerLeftovers(sandbox, provider);
      const uids = Object.fromEntries(
        adopted.map(([v, k, n]) => [`${k}/${n}`, (sandbox.store.get(v, k, 'test', n) as any).metadata.uid]),
      );
      const mark = sandbox.mark();

      await registerCanary(cp, canaryYaml(provider));
      const init = await stepUntilPhase(cp, key, ['Initialized'], {
        first: 0,
        read: () => weights(sandbox, provider),
      });
      expect(init.row.status.phase).toBe('Initialized');
      expect(new Set(init.samples)).toEqual(new Set(['100/0']));
      const writes = sandbox.writes(mark).map((r) => `${r.method} ${r.path}`);
      expect(
        writes.filter(
          (w) =>
            w.startsWith('DELETE') ||
            w.startsWith('POST /apis/apps') ||
            /POST .*(virtualservices|destinationrules|httproutes|services|horizontalpodautoscalers)$/.test(w),
        ),
      ).toEqual([]);
      for (const [v, k, n] of adopted) {
        const obj = sandbox.store.get(v, k, 'test', n) as any;
        expect(obj.metadata.uid, `${k}/${n} recreated`).toBe(uids[`${k}/${n}`]);
        expect(
          (obj.metadata.ownerReferences ?? []).filter((o: any) => o.uid === ownerUid),
          `${k}/${n} still owned by Flagger's Canary`,
        ).toEqual([]);
      }

      await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
      const release = await stepUntilPhase(cp, key, ['Succeeded', 'Failed']);
      expect(release.row.status.phase).toBe('Succeeded');
      expect((await historyOf(cp, key)).filter((h) => h.reason === 'StepFailed')).toEqual([]);
      expect(
        (sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo-primary') as any).spec.template.spec
          .containers[0].image,
      ).toBe('podinfo:6.0.1');

      // Flagger's Canary (and its finalizer) go: nothing of ours is garbage-collected with it.
      await http(sandbox, 'DELETE', '/apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo');
      await http(sandbox, 'PATCH', '/apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo', {
        metadata: { finalizers: null },
      });
      expect(sandbox.store.get('flagger.app/v1beta1', 'Canary', 'test', 'podinfo')).toBeUndefined();
      for (const [v, k, n] of adopted)
        expect(sandbox.store.get(v, k, 'test', n), `${k}/${n} was collected`).toBeDefined();
    },
  );
});
