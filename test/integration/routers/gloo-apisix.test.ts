/**
 * The Gloo Edge and APISIX routers against the sandbox API server over https with the real
 * client-node: the objects as stored, their order and request counts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../lib/adapters/kubernetes/errors.js';
import { ApisixRouter } from '../../../lib/adapters/routers/apisix/router.js';
import { canaryRouteSpec } from '../../../lib/adapters/routers/apisix/apisix-route.js';
import { routeTableSpec } from '../../../lib/adapters/routers/gloo/objects.js';
import { GlooRouter } from '../../../lib/adapters/routers/gloo/router.js';
import { podinfoApisixRoute, specCanary } from '../../unit/routers/ingress-fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

const w = (c: number) => ({ primary: 100 - c, canary: c, mirrored: false });
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => {
  await cluster.sandbox.close();
});

function service(name: string, app: string) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'test' },
    spec: { selector: { app }, ports: [{ name: 'http', port: 9898, targetPort: 9898 }] },
  };
}

describe('GlooRouter against the sandbox API server', () => {
  const UP = '/apis/gloo.solo.io/v1/namespaces/test/upstreams';
  const RT = '/apis/gateway.solo.io/v1/namespaces/test/routetables';
  const canary = specCanary({
    provider: 'gloo',
    upstreamRef: { kind: 'Upstream', name: 'podinfo-upstream', namespace: 'gloo-system' } as never,
  });
  const upstream = (name: string) => cluster.sandbox.store.get('gloo.solo.io/v1', 'Upstream', 'test', name);
  const router = () => new GlooRouter(cluster.clients);
  beforeEach(() => {
    cluster.sandbox.store.put(service('podinfo-primary', 'podinfo-primary'));
    cluster.sandbox.store.put(service('podinfo-canary', 'podinfo'));
    cluster.sandbox.store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gloo-system' } });
    cluster.sandbox.store.put({
      apiVersion: 'gloo.solo.io/v1',
      kind: 'Upstream',
      metadata: { name: 'podinfo-upstream', namespace: 'gloo-system' },
      spec: { connectionConfig: { maxRequestsPerConnection: 1 }, kube: { serviceName: 'x' } },
    });
    cluster.sandbox.clearRequests();
  });

  it('creates both Upstreams, then the RouteTable, once; copies the upstreamRef settings', async () => {
    await router().reconcile(canary, never);
    await router().reconcile(canary, never);
    expect(writes(cluster.sandbox)).toEqual([`POST ${UP}`, `POST ${UP}`, `POST ${RT}`]);
    expect(upstream('test-podinfo-canaryupstream-9898')?.spec).toEqual({
      connectionConfig: { maxRequestsPerConnection: 1 },
      kube: {
        serviceName: 'podinfo-canary',
        serviceNamespace: 'test',
        servicePort: 9898,
        selector: { app: 'podinfo' },
      },
    });
    expect(cluster.sandbox.store.get('gateway.solo.io/v1', 'RouteTable', 'test', 'podinfo')?.spec).toEqual(
      routeTableSpec(canary, w(0)),
    );
  });

  it('moves weights with one PUT of the RouteTable; finalize deletes the RouteTable first', async () => {
    await router().reconcile(canary, never);
    cluster.sandbox.clearRequests();
    await router().setRoutes(canary, w(25), never);
    await router().setRoutes(canary, w(25), never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${RT}/podinfo`]);
    expect(await router().getRoutes(canary, never)).toEqual(w(25));
    cluster.sandbox.clearRequests();
    await router().finalize(canary, never);
    expect(writes(cluster.sandbox)).toEqual([
      `DELETE ${RT}/podinfo`,
      `DELETE ${UP}/test-podinfo-primaryupstream-9898`,
      `DELETE ${UP}/test-podinfo-canaryupstream-9898`,
    ]);
  });

  it('fails with NotFoundError when the upstreamRef Upstream is missing', async () => {
    cluster.sandbox.store.delete('gloo.solo.io/v1', 'Upstream', 'gloo-system', 'podinfo-upstream');
    await expect(router().reconcile(canary, never)).rejects.toThrow(NotFoundError);
    expect(writes(cluster.sandbox)).toEqual([]);
  });
});

describe('ApisixRouter against the sandbox API server', () => {
  const AR = '/apis/apisix.apache.org/v2/namespaces/test/apisixroutes';
  const canary = specCanary({ provider: 'apisix', routeRef: { kind: 'ApisixRoute', name: 'podinfo' } });
  const stored = (name: string) =>
    cluster.sandbox.store.get('apisix.apache.org/v2', 'ApisixRoute', 'test', name);
  const router = () => new ApisixRouter(cluster.clients);
  beforeEach(() => {
    cluster.sandbox.store.delete('apisix.apache.org/v2', 'ApisixRoute', 'test', 'podinfo-podinfo-canary');
    cluster.sandbox.store.put(podinfoApisixRoute());
    cluster.sandbox.clearRequests();
  });

  it('creates the canary route once with the source annotations; never writes the source', async () => {
    await router().reconcile(canary, never);
    await router().reconcile(canary, never);
    expect(writes(cluster.sandbox)).toEqual([`POST ${AR}`]);
    const created = stored('podinfo-podinfo-canary')!;
    expect(created.spec).toEqual(canaryRouteSpec(canary, podinfoApisixRoute().spec, w(0)));
    expect(created.metadata.annotations).toEqual({ 'kubernetes.io/ingress.class': 'apisix' });
    expect(stored('podinfo')?.spec).toEqual(podinfoApisixRoute().spec);
  });

  it('changes only backend weights, one GET and one PUT per change', async () => {
    await router().reconcile(canary, never);
    cluster.sandbox.clearRequests();
    await router().setRoutes(canary, w(50), never);
    await router().setRoutes(canary, w(50), never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${AR}/podinfo-podinfo-canary`]);
    expect(cluster.sandbox.requestCount((r) => r.method === 'GET')).toBe(2);
    expect(await router().getRoutes(canary, never)).toEqual(w(50));
    expect(stored('podinfo-podinfo-canary')?.spec).toEqual(
      canaryRouteSpec(canary, podinfoApisixRoute().spec, w(50)),
    );
  });

  it('deletes the canary route on finalize', async () => {
    await router().reconcile(canary, never);
    await router().finalize(canary, never);
    expect(stored('podinfo-podinfo-canary')).toBeUndefined();
    expect(stored('podinfo')).toBeDefined();
  });
});
