import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppMeshRouter } from '../../../lib/adapters/routers/appmesh/router.js';
import { virtualRouterSpec } from '../../../lib/adapters/routers/appmesh/objects.js';
import { abCanary, routedCanary } from '../../unit/routers/fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

const V = 'appmesh.k8s.aws/v1beta2';
const base = '/apis/appmesh.k8s.aws/v1beta2/namespaces/test';
let cluster: TestCluster;
let router: AppMeshRouter;

beforeAll(async () => {
  cluster = await startCluster();
  router = new AppMeshRouter(cluster.clients);
});
afterAll(async () => {
  await cluster.sandbox.close();
});

const get = (kind: string, name: string) => cluster.sandbox.store.get(V, kind, 'test', name);

describe('AppMeshRouter against the sandbox API server', () => {
  const c = routedCanary({ backends: ['backend1'] });

  it('creates nodes, routers and services in dependency order', async () => {
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([
      `POST ${base}/virtualnodes`,
      `POST ${base}/virtualnodes`,
      `POST ${base}/virtualrouters`,
      `POST ${base}/virtualrouters`,
      `POST ${base}/virtualservices`,
      `POST ${base}/virtualservices`,
    ]);
    expect(get('VirtualService', 'podinfo')?.spec).toEqual({
      awsName: 'podinfo.test',
      provider: { virtualRouter: { virtualRouterRef: { name: 'podinfo' } } },
    });
  });

  it('writes nothing when the mesh webhook has filled meshRef', async () => {
    for (const [kind, name] of [
      ['VirtualNode', 'podinfo-primary'],
      ['VirtualRouter', 'podinfo'],
      ['VirtualService', 'podinfo'],
    ] as const) {
      const live = get(kind, name)!;
      cluster.sandbox.store.put({
        ...live,
        apiVersion: V,
        kind,
        spec: { ...(live.spec as object), meshRef: { name: 'global', uid: 'u-1' } },
      });
    }
    cluster.sandbox.clearRequests();
    await router.reconcile(c, never);
    expect(cluster.sandbox.writes()).toHaveLength(0);
  });

  it('round-trips weights on the apex router, keeping meshRef, without rewriting unchanged weights', async () => {
    await router.setRoutes(c, { primary: 75, canary: 25, mirrored: false }, never);
    expect(await router.getRoutes(c, never)).toEqual({ primary: 75, canary: 25, mirrored: false });
    expect((get('VirtualRouter', 'podinfo')?.spec as { meshRef: object }).meshRef).toEqual({
      name: 'global',
      uid: 'u-1',
    });
    cluster.sandbox.clearRequests();
    await router.setRoutes(c, { primary: 75, canary: 25, mirrored: false }, never);
    await router.reconcile(c, never);
    expect(cluster.sandbox.writes()).toHaveLength(0);
  });

  it('stores A/B header routes', async () => {
    const ab = abCanary({ backends: ['backend1'] });
    await router.setRoutes(ab, { primary: 0, canary: 100, mirrored: false }, never);
    const { meshRef: _m, ...spec } = get('VirtualRouter', 'podinfo')?.spec as Record<string, unknown>;
    expect(spec).toEqual(virtualRouterSpec(ab, 'apex', { primary: 0, canary: 100, mirrored: false }));
    expect(await router.getRoutes(ab, never)).toEqual({ primary: 0, canary: 100, mirrored: false });
  });

  it('finalize deletes everything it created', async () => {
    await router.finalize(c, never);
    for (const kind of ['VirtualNode', 'VirtualRouter', 'VirtualService']) {
      expect(cluster.sandbox.store.list(V, kind, 'test')).toEqual([]);
    }
  });
});
