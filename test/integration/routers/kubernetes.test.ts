import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidRoutesError, UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { KubernetesRouter } from '../../../lib/adapters/routers/kubernetes/router.js';
import { routedCanary } from '../../unit/routers/fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

let cluster: TestCluster;
let router: KubernetesRouter;
const c = routedCanary({}, { stepWeight: undefined, iterations: 10 });

beforeAll(async () => {
  cluster = await startCluster();
  router = new KubernetesRouter(cluster.clients);
});
afterAll(async () => {
  await cluster.sandbox.close();
});
beforeEach(() => {
  cluster.sandbox.store.put({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      type: 'ClusterIP',
      selector: { app: 'podinfo-primary' },
      ports: [{ name: 'http', port: 9898, targetPort: 9898 }],
    },
  });
  cluster.sandbox.clearRequests();
});

const selector = () =>
  (cluster.sandbox.store.get('v1', 'Service', 'test', 'podinfo')?.spec as { selector: object }).selector;

describe('KubernetesRouter against the sandbox API server', () => {
  it('reads primary from the apex selector; reconcile writes nothing', async () => {
    await router.reconcile(c, never);
    expect(await router.getRoutes(c, never)).toEqual({ primary: 100, canary: 0, mirrored: false });
    expect(cluster.sandbox.writes()).toHaveLength(0);
  });

  it('switches the apex selector to the canary pods and back with one merge patch each', async () => {
    await router.setRoutes(c, { primary: 0, canary: 100, mirrored: false }, never);
    expect(selector()).toEqual({ app: 'podinfo' });
    expect(await router.getRoutes(c, never)).toEqual({ primary: 0, canary: 100, mirrored: false });

    await router.setRoutes(c, { primary: 0, canary: 100, mirrored: false }, never);
    await router.setRoutes(c, { primary: 100, canary: 0, mirrored: false }, never);
    expect(selector()).toEqual({ app: 'podinfo-primary' });
    expect(writes(cluster.sandbox)).toEqual([
      'PATCH /api/v1/namespaces/test/services/podinfo',
      'PATCH /api/v1/namespaces/test/services/podinfo',
    ]);
    expect(cluster.sandbox.writes().map((r) => r.contentType)).toEqual([
      'application/merge-patch+json',
      'application/merge-patch+json',
    ]);
  });

  it('switches the selector key in use (app.kubernetes.io/name) and keeps the others', async () => {
    cluster.sandbox.store.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: {
        selector: { 'app.kubernetes.io/name': 'podinfo-primary', tier: 'web' },
        ports: [{ port: 9898 }],
      },
    });
    await router.setRoutes(c, { primary: 0, canary: 100, mirrored: false }, never);
    expect(selector()).toEqual({ 'app.kubernetes.io/name': 'podinfo', tier: 'web' });
  });

  it('rejects weights it cannot express, without writing', async () => {
    await expect(router.setRoutes(c, { primary: 80, canary: 20, mirrored: false }, never)).rejects.toThrow(
      UnsupportedRoutingError,
    );
    expect(cluster.sandbox.writes()).toHaveLength(0);
  });

  it('names the Service when it is missing or selects other pods', async () => {
    const other = routedCanary({ name: 'absent' });
    expect(await router.getRoutes(other, never)).toBeUndefined();

    cluster.sandbox.store.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: { selector: { app: 'x' } },
    });
    await expect(router.reconcile(c, never)).rejects.toThrow(InvalidRoutesError);
  });
});
