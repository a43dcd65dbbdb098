/**
 * The NGINX router against the sandbox API server over https with the real client-node: the canary
 * Ingress as stored, request counts per call, the source Ingress never written.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../lib/adapters/kubernetes/errors.js';
import { CANARY_LABEL, COMPONENT, MANAGED_BY_LABEL } from '../../../lib/adapters/kubernetes/labels.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { ORIGINAL_CONFIGURATION } from '../../../lib/adapters/routers/engine/objects.js';
import { NginxRouter } from '../../../lib/adapters/routers/nginx/router.js';
import { abAnalysis, podinfoIngress, specCanary } from '../../unit/routers/ingress-fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

const V1 = 'networking.k8s.io/v1';
const path = '/apis/networking.k8s.io/v1/namespaces/test/ingresses';
const P = 'nginx.ingress.kubernetes.io';
const ingressRef = { apiVersion: V1, kind: 'Ingress', name: 'podinfo' };
const canary = specCanary({ provider: 'nginx', ingressRef });
const w = (c: number) => ({ primary: 100 - c, canary: c, mirrored: false });
let cluster: TestCluster;
let router: NginxRouter;

beforeAll(async () => {
  cluster = await startCluster();
  router = new NginxRouter(cluster.clients);
});
afterAll(async () => {
  await cluster.sandbox.close();
});
beforeEach(() => {
  for (const name of ['podinfo', 'podinfo-canary']) cluster.sandbox.store.delete(V1, 'Ingress', 'test', name);
  cluster.sandbox.store.put(
    podinfoIngress({
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps' },
    }),
  );
  cluster.sandbox.clearRequests();
});

const stored = (name = 'podinfo-canary') => cluster.sandbox.store.get(V1, 'Ingress', 'test', name);

describe('NginxRouter against the sandbox API server', () => {
  it('creates the canary Ingress once, as Flagger writes it, then writes nothing', async () => {
    await router.reconcile(canary, never);
    await router.reconcile(canary, never);
    expect(writes(cluster.sandbox)).toEqual([`POST ${path}`]);
    const ing = stored()!;
    expect(ing.metadata.labels).toEqual({
      app: 'podinfo',
      [MANAGED_BY_LABEL]: COMPONENT,
      [CANARY_LABEL]: 'podinfo',
    });
    expect(ing.metadata.annotations).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      [`${P}/canary`]: 'true',
      [`${P}/canary-weight`]: '0',
    });
    const backend = (ing.spec as { rules: { http: { paths: { backend: unknown }[] } }[] }).rules[0].http
      .paths[0];
    expect(backend.backend).toEqual({ service: { name: 'podinfo-canary', port: { number: 9898 } } });
    expect(stored('podinfo')?.spec).toEqual(podinfoIngress().spec);
  });

  it('round-trips weights with one GET and one PUT per change, none when unchanged', async () => {
    await router.reconcile(canary, never);
    cluster.sandbox.clearRequests();
    await router.setRoutes(canary, w(30), never);
    await router.setRoutes(canary, w(30), never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${path}/podinfo-canary`]);
    expect(cluster.sandbox.requestCount((r) => r.method === 'GET')).toBe(2);
    expect(await router.getRoutes(canary, never)).toEqual(w(30));
    expect(stored()?.metadata.annotations?.[`${P}/canary-weight`]).toBe('30');
  });

  it('reconcile keeps the live weight and repairs a drifted spec', async () => {
    await router.reconcile(canary, never);
    await router.setRoutes(canary, w(20), never);
    const drifted = structuredClone(stored()!);
    (drifted.spec as { rules: unknown[] }).rules = [];
    cluster.sandbox.store.put({ ...drifted, apiVersion: V1, kind: 'Ingress' });
    await router.reconcile(canary, never);
    expect(await router.getRoutes(canary, never)).toEqual(w(20));
    expect((stored()!.spec as { rules: unknown[] }).rules).toHaveLength(1);
  });

  it('A/B: header and cookie annotations while the test runs', async () => {
    const ab = specCanary(
      { provider: 'nginx', ingressRef },
      abAnalysis([
        { headers: { 'x-canary': { exact: 'insider' } } },
        { headers: { cookie: { exact: 'canary' } } },
      ]),
    );
    await router.reconcile(ab, never);
    await router.setRoutes(ab, w(100), never);
    expect(stored()?.metadata.annotations).toMatchObject({
      [`${P}/canary-by-header`]: 'x-canary',
      [`${P}/canary-by-header-value`]: 'insider',
      [`${P}/canary-by-cookie`]: 'canary',
    });
    expect(await router.getRoutes(ab, never)).toEqual(w(100));
    await router.setRoutes(ab, w(0), never);
    expect(Object.keys(stored()?.metadata.annotations ?? {}).filter((k) => k.includes('canary-by'))).toEqual(
      [],
    );
  });

  it('deletes its canary Ingress on finalize and leaves the source alone', async () => {
    await router.reconcile(canary, never);
    cluster.sandbox.clearRequests();
    await router.finalize(canary, never);
    expect(writes(cluster.sandbox)).toEqual([`DELETE ${path}/podinfo-canary`]);
    expect(stored()).toBeUndefined();
    expect(stored('podinfo')).toBeDefined();
  });

  it('adopts a pre-existing canary Ingress, then on finalize switches it off and restores its spec', async () => {
    const old = podinfoIngress();
    cluster.sandbox.store.put({ ...old, metadata: { ...old.metadata, name: 'podinfo-canary' } });
    await router.reconcile(canary, never);
    expect(stored()?.metadata.annotations?.[ORIGINAL_CONFIGURATION]).toBe(JSON.stringify(old.spec));
    await router.setRoutes(canary, w(40), never);
    await router.finalize(canary, never);
    expect(stored()?.spec).toEqual(old.spec);
    expect(stored()?.metadata.annotations).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      [`${P}/canary`]: 'true',
      [`${P}/canary-weight`]: '0',
    });
  });

  it('fails with NotFoundError when the ingressRef Ingress is missing, and refuses what NGINX cannot route', async () => {
    await expect(
      router.reconcile(specCanary({ provider: 'nginx', ingressRef: { ...ingressRef, name: 'gone' } }), never),
    ).rejects.toThrow(NotFoundError);
    await expect(router.reconcile(specCanary({ provider: 'nginx' }), never)).rejects.toThrow(
      /spec\.ingressRef: required with provider nginx/,
    );
    await router.reconcile(canary, never);
    await expect(router.setRoutes(canary, { ...w(0), mirrored: true }, never)).rejects.toThrow(
      UnsupportedRoutingError,
    );
    expect(writes(cluster.sandbox)).toEqual([`POST ${path}`]);
  });
});
