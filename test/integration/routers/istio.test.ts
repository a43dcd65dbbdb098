import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IstioRouter } from '../../../lib/adapters/routers/istio/router.js';
import { virtualServiceSpec } from '../../../lib/adapters/routers/istio/virtual-service.js';
import { UnavailableError } from '../../../lib/adapters/kubernetes/errors.js';
import { ORIGINAL_CONFIGURATION } from '../../../lib/adapters/routers/engine/objects.js';
import { abCanary, mirrorCanary, richService, routedCanary } from '../../unit/routers/fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

const V1B1 = 'networking.istio.io/v1beta1';
const base = '/apis/networking.istio.io/v1beta1/namespaces/test';
let cluster: TestCluster;
let router: IstioRouter;

beforeAll(async () => {
  cluster = await startCluster();
  router = new IstioRouter(cluster.clients);
});
afterAll(async () => {
  await cluster.sandbox.close();
});
beforeEach(() => {
  const { store } = cluster.sandbox;
  for (const [kind, name] of [
    ['VirtualService', 'podinfo'],
    ['DestinationRule', 'podinfo-primary'],
    ['DestinationRule', 'podinfo-canary'],
  ]) {
    store.delete(V1B1, kind, 'test', name);
  }
  cluster.sandbox.clearRequests();
});

const vs = () => cluster.sandbox.store.get(V1B1, 'VirtualService', 'test', 'podinfo');

describe('IstioRouter against the sandbox API server', () => {
  it('creates the DestinationRules and the VirtualService on first reconcile, then writes nothing', async () => {
    const c = routedCanary(richService);
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([
      `POST ${base}/destinationrules`,
      `POST ${base}/destinationrules`,
      `POST ${base}/virtualservices`,
    ]);
    expect(vs()?.spec).toEqual(virtualServiceSpec(c, { primary: 100, canary: 0, mirrored: false }));
    expect(cluster.sandbox.store.get(V1B1, 'DestinationRule', 'test', 'podinfo-canary')?.spec).toEqual({
      host: 'podinfo-canary',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });

    cluster.sandbox.clearRequests();
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([]);
  });

  it('round-trips weights; unchanged weights cause no write; reconcile keeps live weights', async () => {
    const c = routedCanary();
    await router.reconcile(c, never);
    cluster.sandbox.clearRequests();

    await router.setRoutes(c, { primary: 70, canary: 30, mirrored: false }, never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${base}/virtualservices/podinfo`]);
    expect(await router.getRoutes(c, never)).toEqual({ primary: 70, canary: 30, mirrored: false });

    cluster.sandbox.clearRequests();
    await router.setRoutes(c, { primary: 70, canary: 30, mirrored: false }, never);
    await router.reconcile(c, never);
    expect(cluster.sandbox.writes()).toHaveLength(0);
    expect(await router.getRoutes(c, never)).toEqual({ primary: 70, canary: 30, mirrored: false });
  });

  it('corrects drift in the spec but keeps the live weights', async () => {
    const c = routedCanary();
    await router.reconcile(c, never);
    await router.setRoutes(c, { primary: 50, canary: 50, mirrored: false }, never);
    const drifted = vs()!;
    cluster.sandbox.store.put({
      ...drifted,
      apiVersion: V1B1,
      kind: 'VirtualService',
      spec: { ...(drifted.spec as object), gateways: ['rogue'] },
    });

    await router.reconcile(routedCanary({ timeout: '10s' }), never);
    const spec = vs()?.spec as { gateways: string[]; http: { timeout?: string }[] };
    expect(spec.gateways).toEqual(['mesh']);
    expect(spec.http[0].timeout).toBe('10s');
    expect(await router.getRoutes(c, never)).toEqual({ primary: 50, canary: 50, mirrored: false });
  });

  it('adopts a pre-existing VirtualService and restores it on finalize', async () => {
    const original = { hosts: ['podinfo'], http: [{ route: [{ destination: { host: 'podinfo' } }] }] };
    cluster.sandbox.store.put({
      apiVersion: V1B1,
      kind: 'VirtualService',
      metadata: { name: 'podinfo', namespace: 'test', annotations: { team: 'web' } },
      spec: original,
    });
    const c = routedCanary();
    await router.reconcile(c, never);
    const adopted = vs()!;
    expect(adopted.metadata.labels).toBeUndefined();
    expect(adopted.metadata.annotations).toEqual({
      team: 'web',
      [ORIGINAL_CONFIGURATION]: JSON.stringify(original),
    });
    expect(await router.getRoutes(c, never)).toEqual({ primary: 100, canary: 0, mirrored: false });

    await router.setRoutes(c, { primary: 0, canary: 100, mirrored: false }, never);
    await router.finalize(c, never);
    const restored = vs()!;
    expect(restored.spec).toEqual(original);
    expect(restored.metadata.annotations).toEqual({ team: 'web' });
    // The DestinationRules were ours: gone.
    expect(cluster.sandbox.store.get(V1B1, 'DestinationRule', 'test', 'podinfo-primary')).toBeUndefined();
  });

  it('finalize deletes what it created and is idempotent', async () => {
    const c = routedCanary();
    await router.reconcile(c, never);
    await router.finalize(c, never);
    await router.finalize(c, never);
    expect(vs()).toBeUndefined();
  });

  it('stores the A/B and mirror routes as built', async () => {
    const ab = abCanary();
    await router.reconcile(ab, never);
    await router.setRoutes(ab, { primary: 0, canary: 100, mirrored: false }, never);
    expect(vs()?.spec).toEqual(virtualServiceSpec(ab, { primary: 0, canary: 100, mirrored: false }));
    expect(await router.getRoutes(ab, never)).toEqual({ primary: 0, canary: 100, mirrored: false });

    const mirror = mirrorCanary();
    await router.setRoutes(mirror, { primary: 100, canary: 0, mirrored: true }, never);
    const http = (vs()?.spec as { http: object[] }).http;
    expect(http).toHaveLength(1);
    expect(http[0]).toMatchObject({ mirror: { host: 'podinfo-canary' }, mirrorPercentage: { value: 40 } });
    expect(await router.getRoutes(mirror, never)).toEqual({ primary: 100, canary: 0, mirrored: true });
  });

  it('routes a TCP service with a tcp route only, replacing the http route it had', async () => {
    await router.reconcile(routedCanary(), never);
    const c = routedCanary({ appProtocol: 'tcp' });
    await router.reconcile(c, never);
    await router.setRoutes(c, { primary: 70, canary: 30, mirrored: false }, never);
    const spec = vs()?.spec as { http?: unknown; tcp: { route: { weight: number }[] }[] };
    expect(spec.http).toBeUndefined();
    expect(spec.tcp.map((r) => r.route.map((d) => d.weight))).toEqual([[70, 30]]);
    expect(await router.getRoutes(c, never)).toEqual({ primary: 70, canary: 30, mirrored: false });
  });

  it('writes networking.istio.io/v1 when configured', async () => {
    const v1 = new IstioRouter(cluster.clients, { version: 'v1' });
    await v1.reconcile(routedCanary(), never);
    expect(writes(cluster.sandbox)).toContain(
      'POST /apis/networking.istio.io/v1/namespaces/test/virtualservices',
    );
    expect(
      cluster.sandbox.store.get('networking.istio.io/v1', 'VirtualService', 'test', 'podinfo')?.apiVersion,
    ).toBe('networking.istio.io/v1');
  });

  it('reports typed errors naming the object', async () => {
    const c = routedCanary();
    expect(await router.getRoutes(c, never)).toBeUndefined();

    cluster.sandbox.store.put({
      apiVersion: V1B1,
      kind: 'VirtualService',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: { http: [] },
    });
    expect(await router.getRoutes(c, never)).toBeUndefined();

    await expect(
      router.reconcile({ ...c, metadata: { ...c.metadata, namespace: 'missing' } }, never),
    ).rejects.toThrow(/DestinationRule missing\/podinfo-primary create failed: not found/);
  });

  it('stops at an aborted signal without writing', async () => {
    const aborted = AbortSignal.abort();
    await expect(router.reconcile(routedCanary(), aborted)).rejects.toThrow(UnavailableError);
    expect(cluster.sandbox.writes()).toHaveLength(0);
  });
});
