// CRD and built-in families through CustomObjectsApi, AutoscalingV2Api and KubernetesObjectApi over
// https with caData: shared storage across versions, selectors, generation, /status, optimistic locking.
import {
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, kubeConfigFor, startSandbox, type Sandbox } from '../../support/sandbox.js';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

const CRDS = [
  { group: 'networking.istio.io', version: 'v1beta1', plural: 'virtualservices', kind: 'VirtualService' },
  { group: 'networking.istio.io', version: 'v1', plural: 'destinationrules', kind: 'DestinationRule' },
  { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', kind: 'HTTPRoute' },
  { group: 'appmesh.k8s.aws', version: 'v1beta2', plural: 'virtualnodes', kind: 'VirtualNode' },
  { group: 'appmesh.k8s.aws', version: 'v1beta2', plural: 'virtualrouters', kind: 'VirtualRouter' },
  { group: 'appmesh.k8s.aws', version: 'v1beta2', plural: 'virtualservices', kind: 'VirtualService' },
];

describe('resource families', () => {
  let sandbox: Sandbox;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;

  beforeAll(async () => {
    sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
    const kc = kubeConfigFor(sandbox);
    custom = kc.makeApiClient(CustomObjectsApi);
    core = kc.makeApiClient(CoreV1Api);
  });
  afterAll(() => sandbox.close());

  it.each(CRDS)('does CRUD on $group/$version $kind', async ({ group, version, plural, kind }) => {
    const ref = { group, version, plural, namespace: 'test' };
    const body = { apiVersion: `${group}/${version}`, kind, metadata: { name: 'podinfo' }, spec: { n: 1 } };
    const created = (await custom.createNamespacedCustomObject({ ...ref, body })) as Obj;
    expect(created).toMatchObject({
      apiVersion: `${group}/${version}`,
      kind,
      metadata: { namespace: 'test', generation: 1 },
    });
    const listed = (await custom.listNamespacedCustomObject(ref)) as {
      kind: string;
      items: Obj[];
      metadata: { resourceVersion: string };
    };
    expect(listed.kind).toBe(`${kind}List`);
    expect(listed.items.map((i) => i.metadata.name)).toEqual(['podinfo']);
    const replaced = (await custom.replaceNamespacedCustomObject({
      ...ref,
      name: 'podinfo',
      body: { ...created, spec: { n: 2 } },
    })) as Obj;
    expect(replaced.metadata.generation).toBe(2);
    expect((await custom.getNamespacedCustomObject({ ...ref, name: 'podinfo' })) as Obj).toMatchObject({
      spec: { n: 2 },
    });
    await custom.deleteNamespacedCustomObject({ ...ref, name: 'podinfo' });
    expect(await apiFailure(custom.getNamespacedCustomObject({ ...ref, name: 'podinfo' }))).toMatchObject({
      code: 404,
      reason: 'NotFound',
    });
  });

  it('keeps same-named kinds of different groups apart (Istio vs App Mesh VirtualService)', async () => {
    const istio = {
      group: 'networking.istio.io',
      version: 'v1beta1',
      plural: 'virtualservices',
      namespace: 'default',
    };
    const mesh = {
      group: 'appmesh.k8s.aws',
      version: 'v1beta2',
      plural: 'virtualservices',
      namespace: 'default',
    };
    await custom.createNamespacedCustomObject({
      ...istio,
      body: { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'same' } },
    });
    expect(await apiFailure(custom.getNamespacedCustomObject({ ...mesh, name: 'same' }))).toMatchObject({
      code: 404,
    });
  });

  it('serves one stored object under every version of its group (v1beta1 and v1)', async () => {
    const v1beta1 = {
      group: 'networking.istio.io',
      version: 'v1beta1',
      plural: 'virtualservices',
      namespace: 'default',
    };
    await custom.createNamespacedCustomObject({
      ...v1beta1,
      body: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name: 'vs' },
        spec: { hosts: ['a'] },
      },
    });
    const asV1 = (await custom.getNamespacedCustomObject({ ...v1beta1, version: 'v1', name: 'vs' })) as Obj;
    expect(asV1).toMatchObject({ apiVersion: 'networking.istio.io/v1', spec: { hosts: ['a'] } });
    const route = { group: 'gateway.networking.k8s.io', plural: 'httproutes', namespace: 'default' };
    await custom.createNamespacedCustomObject({
      ...route,
      version: 'v1',
      body: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' } },
    });
    expect(
      (await custom.getNamespacedCustomObject({ ...route, version: 'v1beta1', name: 'r' })) as Obj,
    ).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1beta1' });
  });

  it('filters lists with label selectors (=, ==, !=, exists, !exists, in, notin) and metadata.name field selectors', async () => {
    const labels: Record<string, string>[] = [
      { app: 'a', tier: 'web' },
      { app: 'b', tier: 'db' },
      { app: 'c' },
    ];
    for (const [i, l] of labels.entries())
      await core.createNamespacedConfigMap({
        namespace: 'test',
        body: { metadata: { name: `sel-${i}`, labels: l } },
      });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await core.listNamespacedConfigMap({ namespace: 'test', labelSelector, fieldSelector })).items.map(
        (c) => c.metadata?.name,
      );
    expect(await names('app=a')).toEqual(['sel-0']);
    expect(await names('app==b')).toEqual(['sel-1']);
    expect(await names('app!=a')).toEqual(['sel-1', 'sel-2']);
    expect(await names('tier')).toEqual(['sel-0', 'sel-1']);
    expect(await names('!tier')).toEqual(['sel-2']);
    expect(await names('app in (a, c)')).toEqual(['sel-0', 'sel-2']);
    expect(await names('app notin (a,c),tier')).toEqual(['sel-1']);
    expect(await names('app in (a,b),tier=db')).toEqual(['sel-1']);
    expect(await names(undefined, 'metadata.name=sel-2')).toEqual(['sel-2']);
    expect(await names(undefined, 'metadata.name!=sel-2')).toEqual(['sel-0', 'sel-1']);
    expect((await core.listConfigMapForAllNamespaces({ labelSelector: 'app' })).items).toHaveLength(3);
    expect(
      await apiFailure(core.listNamespacedConfigMap({ namespace: 'test', labelSelector: 'app in a' })),
    ).toMatchObject({ code: 400, reason: 'BadRequest' });
  });

  it('bumps generation on spec changes only, and serves /status for CRDs without touching spec', async () => {
    const ref = {
      group: 'appmesh.k8s.aws',
      version: 'v1beta2',
      plural: 'virtualnodes',
      namespace: 'default',
    };
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await custom.createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: 'appmesh.k8s.aws/v1beta2',
        kind: 'VirtualNode',
        metadata: { name: 'vn' },
        spec: { a: 1 },
        status: { ignored: true },
      },
    });
    const meta = (await custom.patchNamespacedCustomObject(
      { ...ref, name: 'vn', body: { metadata: { labels: { x: 'y' } } } },
      merge,
    )) as Obj;
    expect(meta.metadata.generation).toBe(1);
    expect(meta.status).toBeUndefined();
    const status = (await custom.patchNamespacedCustomObjectStatus(
      { ...ref, name: 'vn', body: { status: { phase: 'Ready' }, spec: { a: 99 } } },
      merge,
    )) as Obj;
    expect(status).toMatchObject({ metadata: { generation: 1 }, spec: { a: 1 }, status: { phase: 'Ready' } });
    const spec = (await custom.patchNamespacedCustomObject(
      { ...ref, name: 'vn', body: { spec: { a: 2 }, status: { phase: 'Lost' } } },
      merge,
    )) as Obj;
    expect(spec).toMatchObject({ metadata: { generation: 2 }, status: { phase: 'Ready' } });
    const put = (await custom.replaceNamespacedCustomObjectStatus({
      ...ref,
      name: 'vn',
      body: { ...spec, status: { phase: 'Replaced' } },
    })) as Obj;
    expect(put.status).toEqual({ phase: 'Replaced' });
    expect((await custom.getNamespacedCustomObjectStatus({ ...ref, name: 'vn' })) as Obj).toMatchObject({
      status: { phase: 'Replaced' },
    });
    const stale = await apiFailure(custom.replaceNamespacedCustomObject({ ...ref, name: 'vn', body: spec }));
    expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('does CRUD on autoscaling/v2 HorizontalPodAutoscalers', async () => {
    const hpa = kubeConfigFor(sandbox).makeApiClient(AutoscalingV2Api);
    const body = {
      metadata: { name: 'podinfo' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
        minReplicas: 2,
        maxReplicas: 4,
      },
    };
    await hpa.createNamespacedHorizontalPodAutoscaler({ namespace: 'test', body });
    const patched = await hpa.patchNamespacedHorizontalPodAutoscaler(
      { name: 'podinfo', namespace: 'test', body: { spec: { scaleTargetRef: { name: 'podinfo-primary' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.spec?.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'podinfo-primary',
    });
    expect(patched.metadata?.generation).toBe(2);
    expect((await hpa.listHorizontalPodAutoscalerForAllNamespaces()).items).toHaveLength(1);
    await hpa.deleteNamespacedHorizontalPodAutoscaler({ name: 'podinfo', namespace: 'test' });
  });

  it('works with KubernetesObjectApi (discovery-driven): create, read, SSA patch, list, delete', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kubeConfigFor(sandbox));
    const spec = { hosts: ['ko'], http: [{ route: [{ destination: { host: 'ko' } }] }] };
    const vs: KubernetesObject & { spec: unknown } = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'ko', namespace: 'test' },
      spec,
    };
    await objects.create(vs);
    const read = await objects.read({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'ko', namespace: 'test' },
    });
    expect(read.metadata?.generation).toBe(1);
    const applied = await objects.patch(
      { ...vs, spec: { ...spec, gateways: ['mesh'] } },
      undefined,
      undefined,
      'flagger',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(applied.metadata?.generation).toBe(2);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ko', namespace: 'test' },
      spec: { selector: {}, template: {} },
    };
    await objects.create(deployment);
    const list = await objects.list('networking.istio.io/v1', 'VirtualService', 'test');
    expect(list.items.map((i) => i.metadata?.name)).toContain('ko');
    await objects.delete(vs);
    await objects.delete(deployment);
    expect(sandbox.store.get('networking.istio.io/v1beta1', 'VirtualService', 'test', 'ko')).toBeUndefined();
  });

  it('gives tests direct store access that bypasses the API', async () => {
    const put = sandbox.store.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'direct', namespace: 'seeded' },
      spec: {},
      status: { loadBalancer: {} },
    });
    expect(put.metadata.uid).toBeDefined();
    const svc = await core.readNamespacedService({ name: 'direct', namespace: 'seeded' });
    expect(svc.status).toEqual({ loadBalancer: {} });
    expect(sandbox.store.list('v1', 'Namespace').map((n) => n.metadata.name)).toContain('seeded');
    expect(sandbox.store.delete('v1', 'Service', 'seeded', 'direct')).toBe(true);
    expect(sandbox.store.delete('v1', 'Service', 'seeded', 'direct')).toBe(false);
    expect(() => sandbox.store.get('v9', 'Nope', '', 'x')).toThrow(/does not serve/);
  });
});
