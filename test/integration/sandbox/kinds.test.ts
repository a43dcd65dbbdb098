// The static kinds beyond Deployments and Istio/Gateway API/App Mesh: DaemonSets with their rollout
// simulation, Ingress, and the routing objects of SMI, Consul, Contour, Gloo, Traefik, APISIX, Kuma
// and the AWS Load Balancer Controller — scope, status subresource and CRUD through client-node.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1DaemonSet,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAEMONSET_POD_OWNER, NEVER_READY } from '../../../sandbox/apiserver/index.js';
import { apiFailure, eventually, kubeConfigFor, startSandbox, type Sandbox } from '../../support/sandbox.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const KINDS = [
  ...['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'].map((version) => ({
    group: 'split.smi-spec.io',
    version,
    plural: 'trafficsplits',
    kind: 'TrafficSplit',
    status: false,
  })),
  {
    group: 'consul.hashicorp.com',
    version: 'v1alpha1',
    plural: 'servicesplitters',
    kind: 'ServiceSplitter',
    status: true,
  },
  {
    group: 'consul.hashicorp.com',
    version: 'v1alpha1',
    plural: 'serviceresolvers',
    kind: 'ServiceResolver',
    status: true,
  },
  {
    group: 'consul.hashicorp.com',
    version: 'v1alpha1',
    plural: 'servicerouters',
    kind: 'ServiceRouter',
    status: true,
  },
  {
    group: 'consul.hashicorp.com',
    version: 'v1alpha1',
    plural: 'servicedefaults',
    kind: 'ServiceDefaults',
    status: true,
  },
  { group: 'projectcontour.io', version: 'v1', plural: 'httpproxies', kind: 'HTTPProxy', status: true },
  { group: 'gateway.solo.io', version: 'v1', plural: 'routetables', kind: 'RouteTable', status: true },
  { group: 'gloo.solo.io', version: 'v1', plural: 'upstreams', kind: 'Upstream', status: true },
  {
    group: 'traefik.io',
    version: 'v1alpha1',
    plural: 'traefikservices',
    kind: 'TraefikService',
    status: false,
  },
  {
    group: 'traefik.containo.us',
    version: 'v1alpha1',
    plural: 'traefikservices',
    kind: 'TraefikService',
    status: false,
  },
  { group: 'apisix.apache.org', version: 'v2', plural: 'apisixroutes', kind: 'ApisixRoute', status: true },
  { group: 'kuma.io', version: 'v1alpha1', plural: 'meshhttproutes', kind: 'MeshHTTPRoute', status: false },
  {
    group: 'elbv2.k8s.aws',
    version: 'v1beta1',
    plural: 'targetgroupbindings',
    kind: 'TargetGroupBinding',
    status: true,
  },
];

function daemonSet(name: string, annotations: Record<string, string> = {}): V1DaemonSet {
  return {
    metadata: { name, annotations },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'app:1' }] },
      },
    },
  };
}

describe('more built-in kinds', () => {
  let sandbox: Sandbox;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    sandbox = await startSandbox({ rolloutDelayMs: 100, nodes: 3, namespaces: ['default', 'test'] });
    const kc = kubeConfigFor(sandbox);
    [apps, core, custom] = [
      kc.makeApiClient(AppsV1Api),
      kc.makeApiClient(CoreV1Api),
      kc.makeApiClient(CustomObjectsApi),
    ];
  });
  afterAll(() => sandbox.close());

  it('rolls DaemonSets out on every node: rolling status at once, settled and one Pod per node later', async () => {
    const created = await apps.createNamespacedDaemonSet({ namespace: 'test', body: daemonSet('agent') });
    expect(created.status).toEqual({
      observedGeneration: 1,
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberMisscheduled: 0,
      updatedNumberScheduled: 2,
      numberReady: 0,
      numberAvailable: 0,
      numberUnavailable: 3,
    });
    const settled = await eventually(async () => {
      const ds = await apps.readNamespacedDaemonSet({ name: 'agent', namespace: 'test' });
      return ds.status?.numberAvailable === 3 && ds;
    });
    expect(settled.status).toMatchObject({ updatedNumberScheduled: 3, numberReady: 3, numberUnavailable: 0 });
    const pods = (await core.listNamespacedPod({ namespace: 'test' })).items;
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.metadata?.annotations?.[DAEMONSET_POD_OWNER] === 'agent')).toBe(true);
    expect(pods[0]?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'DaemonSet',
      uid: created.metadata?.uid,
    });

    const updated = await apps.patchNamespacedDaemonSet(
      {
        name: 'agent',
        namespace: 'test',
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } },
      },
      merge,
    );
    expect(updated.metadata?.generation).toBe(2);
    expect(updated.status).toMatchObject({
      observedGeneration: 2,
      updatedNumberScheduled: 2,
      numberReady: 3,
    });
    await eventually(
      async () =>
        (await apps.readNamespacedDaemonSet({ name: 'agent', namespace: 'test' })).status
          ?.updatedNumberScheduled === 3,
    );
    await apps.deleteNamespacedDaemonSet({ name: 'agent', namespace: 'test' });
    expect((await core.listNamespacedPod({ namespace: 'test' })).items).toEqual([]);
  });

  it('schedules a DaemonSet on the nodes its nodeSelector matches: all, or none', async () => {
    const body = daemonSet('selective');
    body.spec!.template.spec!.nodeSelector = { 'kubernetes.io/os': 'linux' };
    await apps.createNamespacedDaemonSet({ namespace: 'test', body });
    const read = () => apps.readNamespacedDaemonSet({ name: 'selective', namespace: 'test' });
    const pods = async () => (await core.listNamespacedPod({ namespace: 'test' })).items.length;
    await eventually(async () => (await read()).status?.numberAvailable === 3);
    expect(await pods()).toBe(3);
    const nodeSelector = { 'kubernetes.io/os': 'linux', 'flagger.app/scale-to-zero': 'true' };
    await apps.patchNamespacedDaemonSet(
      { name: 'selective', namespace: 'test', body: { spec: { template: { spec: { nodeSelector } } } } },
      merge,
    );
    await eventually(async () => (await pods()) === 0);
    expect((await read()).status).toMatchObject({ desiredNumberScheduled: 0, numberAvailable: 0 });
    await apps.deleteNamespacedDaemonSet({ name: 'selective', namespace: 'test' });
  });

  it('keeps a never-ready DaemonSet rolling while a control one settles', async () => {
    await apps.createNamespacedDaemonSet({
      namespace: 'test',
      body: daemonSet('stuck', { [NEVER_READY]: 'true' }),
    });
    await apps.createNamespacedDaemonSet({ namespace: 'test', body: daemonSet('control') });
    const read = (name: string) => apps.readNamespacedDaemonSet({ name, namespace: 'test' });
    await eventually(async () => (await read('control')).status?.numberAvailable === 3);
    expect((await read('stuck')).status).toMatchObject({ updatedNumberScheduled: 2, numberUnavailable: 3 });
    await apps.deleteNamespacedDaemonSet({ name: 'control', namespace: 'test' });
  });

  it('serves networking.k8s.io/v1 Ingress', async () => {
    const net = kubeConfigFor(sandbox).makeApiClient(NetworkingV1Api);
    await net.createNamespacedIngress({
      namespace: 'test',
      body: { metadata: { name: 'web' }, spec: { rules: [{ host: 'app.example.com' }] } },
    });
    expect(
      (await net.listNamespacedIngress({ namespace: 'test' })).items.map((i) => i.spec?.rules?.[0]?.host),
    ).toEqual(['app.example.com']);
  });

  it.each(KINDS)(
    'does CRUD on $group/$version $kind (status subresource: $status)',
    async ({ group, version, plural, kind, status }) => {
      const ref = { group, version, plural, namespace: 'test' };
      const name = `x-${version}`;
      await custom.createNamespacedCustomObject({
        ...ref,
        body: { apiVersion: `${group}/${version}`, kind, metadata: { name }, spec: { a: 1 } },
      });
      const patchStatus = custom.patchNamespacedCustomObjectStatus(
        { ...ref, name, body: { status: { ok: true } } },
        merge,
      );
      if (status)
        expect(await patchStatus).toMatchObject({ status: { ok: true }, metadata: { generation: 1 } });
      else expect((await apiFailure(patchStatus)).code).toBe(404);
      await custom.deleteNamespacedCustomObject({ ...ref, name });
    },
  );

  it('serves Kuma TrafficRoutes cluster-scoped, as Kuma defines them', async () => {
    const ref = { group: 'kuma.io', version: 'v1alpha1', plural: 'trafficroutes' };
    await custom.createClusterCustomObject({
      ...ref,
      body: {
        apiVersion: 'kuma.io/v1alpha1',
        kind: 'TrafficRoute',
        metadata: { name: 'podinfo' },
        mesh: 'default',
        spec: {},
      },
    });
    const read = (await custom.getClusterCustomObject({ ...ref, name: 'podinfo' })) as {
      metadata: { namespace?: string };
    };
    expect(read.metadata.namespace).toBeUndefined();
  });
});
