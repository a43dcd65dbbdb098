/**
 * The single-object routers (Contour HTTPProxy, Traefik TraefikService) against the sandbox API
 * server over https with the real client-node: creation, request counts, adoption and restore.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpProxySpec } from '../../../lib/adapters/routers/contour/http-proxy.js';
import { ContourRouter } from '../../../lib/adapters/routers/contour/router.js';
import { ORIGINAL_CONFIGURATION } from '../../../lib/adapters/routers/engine/objects.js';
import { TraefikRouter } from '../../../lib/adapters/routers/traefik/router.js';
import { traefikServiceSpec } from '../../../lib/adapters/routers/traefik/traefik-service.js';
import type { Router } from '../../../lib/ports/router.js';
import { abAnalysis, specCanary } from '../../unit/routers/ingress-fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

const w = (c: number) => ({ primary: 100 - c, canary: c, mirrored: false });
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => {
  await cluster.sandbox.close();
});

const kinds = [
  {
    name: 'Contour',
    provider: 'contour',
    apiVersion: 'projectcontour.io/v1',
    kind: 'HTTPProxy',
    path: '/apis/projectcontour.io/v1/namespaces/test/httpproxies',
    make: (): Router => new ContourRouter(cluster.clients),
    spec: httpProxySpec,
    foreign: { routes: [{ services: [{ name: 'podinfo', port: 9898 }] }] },
  },
  {
    name: 'Traefik',
    provider: 'traefik',
    apiVersion: 'traefik.io/v1alpha1',
    kind: 'TraefikService',
    path: '/apis/traefik.io/v1alpha1/namespaces/test/traefikservices',
    make: (): Router => new TraefikRouter(cluster.clients),
    spec: traefikServiceSpec,
    foreign: { weighted: { services: [{ name: 'podinfo', namespace: 'test', port: 9898 }] } },
  },
] as const;

describe.each(kinds)('$name router against the sandbox API server', (k) => {
  const canary = specCanary({ provider: k.provider });
  const stored = () => cluster.sandbox.store.get(k.apiVersion, k.kind, 'test', 'podinfo');
  let router: Router;
  beforeEach(() => {
    cluster.sandbox.store.delete(k.apiVersion, k.kind, 'test', 'podinfo');
    cluster.sandbox.clearRequests();
    router = k.make();
  });

  it('creates the object once at 100/0, then writes nothing', async () => {
    await router.reconcile(canary, never);
    await router.reconcile(canary, never);
    expect(writes(cluster.sandbox)).toEqual([`POST ${k.path}`]);
    expect(stored()?.spec).toEqual(k.spec(canary, w(0)));
  });

  it('round-trips weights, one PUT per change and none when unchanged', async () => {
    await router.reconcile(canary, never);
    cluster.sandbox.clearRequests();
    for (const c of [10, 10, 60, 100, 0]) await router.setRoutes(canary, w(c), never);
    expect(writes(cluster.sandbox)).toHaveLength(4);
    expect(await router.getRoutes(canary, never)).toEqual(w(0));
    await router.setRoutes(canary, w(60), never);
    expect(await router.getRoutes(canary, never)).toEqual(w(60));
    await router.reconcile(canary, never);
    expect(await router.getRoutes(canary, never)).toEqual(w(60));
  });

  it('adopts a pre-existing object and restores it on finalize', async () => {
    cluster.sandbox.store.put({
      apiVersion: k.apiVersion,
      kind: k.kind,
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: k.foreign,
    });
    expect(await router.getRoutes(canary, never)).toBeUndefined();
    await router.reconcile(canary, never);
    expect(stored()?.metadata.annotations).toEqual({ [ORIGINAL_CONFIGURATION]: JSON.stringify(k.foreign) });
    await router.setRoutes(canary, w(30), never);
    await router.finalize(canary, never);
    expect(stored()?.spec).toEqual(k.foreign);
    expect(stored()?.metadata.annotations).toBeUndefined();
  });

  it('deletes the object it created on finalize', async () => {
    await router.reconcile(canary, never);
    await router.finalize(canary, never);
    expect(stored()).toBeUndefined();
  });
});

describe('Contour A/B as stored', () => {
  it('keeps the header route first with the weights and the default route on the primary', async () => {
    cluster.sandbox.store.delete('projectcontour.io/v1', 'HTTPProxy', 'test', 'podinfo');
    const ab = specCanary(
      { provider: 'contour' },
      abAnalysis([{ headers: { 'x-canary': { exact: 'insider' } } }]),
    );
    const router = new ContourRouter(cluster.clients, { ingressClass: 'contour' });
    await router.reconcile(ab, never);
    await router.setRoutes(ab, w(100), never);
    const spec = cluster.sandbox.store.get('projectcontour.io/v1', 'HTTPProxy', 'test', 'podinfo')?.spec;
    expect(spec).toEqual(httpProxySpec(ab, w(100), 'contour'));
    expect(await router.getRoutes(ab, never)).toEqual(w(100));
  });
});
