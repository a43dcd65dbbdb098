import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMPONENT, MANAGED_BY_LABEL } from '../../../lib/adapters/kubernetes/labels.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { ORIGINAL_CONFIGURATION } from '../../../lib/adapters/routers/engine/objects.js';
import { KumaRouter } from '../../../lib/adapters/routers/kuma/router.js';
import { trafficRouteSpec } from '../../../lib/adapters/routers/kuma/traffic-route.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import { routedCanary } from '../../unit/routers/fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

const V1 = 'kuma.io/v1alpha1';
const path = '/apis/kuma.io/v1alpha1/trafficroutes';
let cluster: TestCluster;
let router: KumaRouter;

beforeAll(async () => {
  cluster = await startCluster();
  router = new KumaRouter(cluster.clients);
});
afterAll(async () => {
  await cluster.sandbox.close();
});
beforeEach(() => {
  cluster.sandbox.store.delete(V1, 'TrafficRoute', '', 'podinfo');
  cluster.sandbox.clearRequests();
});

const route = () => cluster.sandbox.store.get(V1, 'TrafficRoute', '', 'podinfo');
const inNamespace = (namespace: string, mesh?: string): Canary => {
  const c = routedCanary();
  const annotations = mesh ? { 'kuma.io/mesh': mesh } : undefined;
  return { ...c, metadata: { ...c.metadata, namespace, annotations } };
};

describe('KumaRouter against the sandbox API server', () => {
  it('creates the cluster-scoped TrafficRoute in the annotated mesh once, then writes nothing', async () => {
    const c = inNamespace('test', 'demo');
    await router.reconcile(c, never);
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([`POST ${path}`]);
    expect(route()).toMatchObject({
      apiVersion: V1,
      kind: 'TrafficRoute',
      mesh: 'demo',
      metadata: {
        name: 'podinfo',
        labels: {
          [MANAGED_BY_LABEL]: COMPONENT,
          'flagger-serverless.io/canary': 'podinfo',
          'flagger-serverless.io/namespace': 'test',
        },
      },
      spec: trafficRouteSpec(c, { primary: 100, canary: 0, mirrored: false }),
    });
    expect(route()?.metadata.namespace).toBeUndefined();
  });

  it('round-trips weights with one PUT, none when unchanged', async () => {
    const c = inNamespace('test');
    await router.reconcile(c, never);
    cluster.sandbox.clearRequests();
    await router.setRoutes(c, { primary: 50, canary: 50, mirrored: false }, never);
    await router.setRoutes(c, { primary: 50, canary: 50, mirrored: false }, never);
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${path}/podinfo`]);
    expect(await router.getRoutes(c, never)).toEqual({ primary: 50, canary: 50, mirrored: false });
  });

  it('refuses the TrafficRoute of a canary of another namespace, and never deletes it', async () => {
    await router.reconcile(inNamespace('prod'), never);
    cluster.sandbox.clearRequests();
    const other = inNamespace('test');
    await expect(router.reconcile(other, never)).rejects.toBeInstanceOf(UnsupportedRoutingError);
    await expect(
      router.setRoutes(other, { primary: 0, canary: 100, mirrored: false }, never),
    ).rejects.toThrow('TrafficRoute podinfo routes canary prod/podinfo; TrafficRoutes are cluster-scoped');
    await router.finalize(other, never);
    expect(writes(cluster.sandbox)).toEqual([]);
    expect(route()).toBeDefined();
  });

  it('adopts a TrafficRoute it did not create and restores it on finalize', async () => {
    const original = {
      sources: [{ match: { 'kuma.io/service': '*' } }],
      destinations: [{ match: { 'kuma.io/service': 'podinfo_test_svc_9898' } }],
      conf: { destination: { 'kuma.io/service': 'podinfo_test_svc_9898' } },
    };
    cluster.sandbox.store.put({
      apiVersion: V1,
      kind: 'TrafficRoute',
      mesh: 'default',
      metadata: { name: 'podinfo' },
      spec: original,
    });
    const c = inNamespace('test');
    await router.reconcile(c, never);
    expect(route()?.metadata.annotations).toEqual({ [ORIGINAL_CONFIGURATION]: JSON.stringify(original) });
    expect(await router.getRoutes(c, never)).toEqual({ primary: 100, canary: 0, mirrored: false });
    await router.finalize(c, never);
    expect(route()?.spec).toEqual(original);
    expect(route()?.mesh).toBe('default');
  });

  it('deletes the route it created on finalize', async () => {
    const c = inNamespace('test');
    await router.reconcile(c, never);
    cluster.sandbox.clearRequests();
    await router.finalize(c, never);
    expect(writes(cluster.sandbox)).toEqual([`DELETE ${path}/podinfo`]);
    expect(route()).toBeUndefined();
  });
});
