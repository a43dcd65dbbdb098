import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpRouteSpec } from '../../../lib/adapters/routers/gatewayapi/http-route.js';
import { GatewayApiRouter } from '../../../lib/adapters/routers/gatewayapi/router.js';
import { COMPONENT, MANAGED_BY_LABEL } from '../../../lib/adapters/kubernetes/labels.js';
import { ORIGINAL_CONFIGURATION } from '../../../lib/adapters/routers/engine/objects.js';
import { abCanary, mirrorCanary, routedCanary } from '../../unit/routers/fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

const V1 = 'gateway.networking.k8s.io/v1';
const path = '/apis/gateway.networking.k8s.io/v1/namespaces/test/httproutes';
const gatewayRefs = [{ name: 'public', namespace: 'gateways' }];
let cluster: TestCluster;
let router: GatewayApiRouter;

beforeAll(async () => {
  cluster = await startCluster();
  router = new GatewayApiRouter(cluster.clients);
});
afterAll(async () => {
  await cluster.sandbox.close();
});
beforeEach(() => {
  cluster.sandbox.store.delete(V1, 'HTTPRoute', 'test', 'podinfo');
  cluster.sandbox.clearRequests();
});

const route = () => cluster.sandbox.store.get(V1, 'HTTPRoute', 'test', 'podinfo');

describe('GatewayApiRouter against the sandbox API server', () => {
  it('creates the HTTPRoute once, then writes nothing', async () => {
    const c = routedCanary({ gatewayRefs, hosts: ['app.example.com'] });
    await router.reconcile(c, never);
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([`POST ${path}`]);
    expect(route()?.metadata.labels).toEqual({
      [MANAGED_BY_LABEL]: COMPONENT,
      'flagger-serverless.io/canary': 'podinfo',
    });
    expect(route()?.spec).toEqual(httpRouteSpec(c, { primary: 100, canary: 0, mirrored: false }));
  });

  it('round-trips weights and skips the write when they are unchanged', async () => {
    const c = routedCanary({ gatewayRefs });
    await router.reconcile(c, never);
    cluster.sandbox.clearRequests();

    await router.setRoutes(c, { primary: 90, canary: 10, mirrored: false }, never);
    await router.setRoutes(c, { primary: 90, canary: 10, mirrored: false }, never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${path}/podinfo`]);
    expect(await router.getRoutes(c, never)).toEqual({ primary: 90, canary: 10, mirrored: false });
  });

  it('adopts a pre-existing HTTPRoute and restores it on finalize', async () => {
    const original = {
      parentRefs: [{ name: 'public' }],
      rules: [{ backendRefs: [{ name: 'podinfo', port: 9898 }] }],
    };
    cluster.sandbox.store.put({
      apiVersion: V1,
      kind: 'HTTPRoute',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: original,
    });
    const c = routedCanary({ gatewayRefs });
    await router.reconcile(c, never);
    expect(route()?.metadata.annotations).toEqual({ [ORIGINAL_CONFIGURATION]: JSON.stringify(original) });
    await router.setRoutes(c, { primary: 40, canary: 60, mirrored: false }, never);

    cluster.sandbox.clearRequests();
    await router.finalize(c, never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${path}/podinfo`]);
    expect(route()?.spec).toEqual(original);
    expect(route()?.metadata.annotations).toBeUndefined();
  });

  it('deletes a route it created on finalize', async () => {
    const c = routedCanary({ gatewayRefs });
    await router.reconcile(c, never);
    await router.finalize(c, never);
    expect(route()).toBeUndefined();
  });

  it('stores the A/B and mirror rules as built', async () => {
    const ab = abCanary({ gatewayRefs });
    await router.reconcile(ab, never);
    await router.setRoutes(ab, { primary: 0, canary: 100, mirrored: false }, never);
    expect(route()?.spec).toEqual(httpRouteSpec(ab, { primary: 0, canary: 100, mirrored: false }));
    expect(await router.getRoutes(ab, never)).toEqual({ primary: 0, canary: 100, mirrored: false });

    const mirror = mirrorCanary({ gatewayRefs });
    await router.setRoutes(mirror, { primary: 100, canary: 0, mirrored: true }, never);
    expect(route()?.spec).toEqual(httpRouteSpec(mirror, { primary: 100, canary: 0, mirrored: true }));
    expect(await router.getRoutes(mirror, never)).toEqual({ primary: 100, canary: 0, mirrored: true });
  });
});
