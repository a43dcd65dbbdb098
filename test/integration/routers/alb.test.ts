/**
 * The AWS Load Balancer Controller router against the sandbox API server over https with the
 * real client-node: the adopted `ingressRef` Ingress as stored (actions and conditions
 * annotations, use-annotation backends), request counts per call, and the Ingress as it was
 * after finalize.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../lib/adapters/kubernetes/errors.js';
import { AlbRouter } from '../../../lib/adapters/routers/alb/router.js';
import { ORIGINAL_CONFIGURATION } from '../../../lib/adapters/routers/engine/objects.js';
import { ingressRoutingFindings } from '../../../lib/domain/spec/routing-rules.js';
import { abAnalysis, blueGreen, podinfoIngress, specCanary } from '../../unit/routers/ingress-fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

const V1 = 'networking.k8s.io/v1';
const path = '/apis/networking.k8s.io/v1/namespaces/test/ingresses';
const A = 'alb.ingress.kubernetes.io';
const ingressRef = { apiVersion: V1, kind: 'Ingress', name: 'podinfo' };
const canary = specCanary({ provider: 'alb', ingressRef });
const w = (c: number) => ({ primary: 100 - c, canary: c, mirrored: false });
const USER = { 'kubernetes.io/ingress.class': 'alb', [`${A}/scheme`]: 'internet-facing' };
let cluster: TestCluster;
let router: AlbRouter;

beforeAll(async () => {
  cluster = await startCluster();
  router = new AlbRouter(cluster.clients);
});
afterAll(async () => {
  await cluster.sandbox.close();
});
beforeEach(() => {
  cluster.sandbox.store.delete(V1, 'Ingress', 'test', 'podinfo');
  const ing = podinfoIngress();
  ing.metadata.annotations = { ...USER };
  cluster.sandbox.store.put(ing);
  cluster.sandbox.clearRequests();
});

const stored = () => cluster.sandbox.store.get(V1, 'Ingress', 'test', 'podinfo')!;
const paths = () =>
  (stored().spec as { rules: { http: { paths: { backend: unknown }[] } }[] }).rules[0].http.paths.map(
    (p) => p.backend,
  );
const action = (name: string) =>
  JSON.parse(stored().metadata.annotations![`${A}/actions.${name}`]) as unknown;
const forward = (primary: number, canaryWeight: number) => ({
  type: 'forward',
  forwardConfig: {
    targetGroups: [
      { serviceName: 'podinfo-primary', servicePort: '9898', weight: primary },
      { serviceName: 'podinfo-canary', servicePort: '9898', weight: canaryWeight },
    ],
  },
});
const viaAction = (name: string) => ({ service: { name, port: { name: 'use-annotation' } } });

describe('AlbRouter against the sandbox API server', () => {
  it('adopts the Ingress once: weighted forward action, use-annotation backend, user annotations kept', async () => {
    await router.reconcile(canary, never);
    await router.reconcile(canary, never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${path}/podinfo`]);
    expect(action('podinfo-weighted')).toEqual(forward(100, 0));
    expect(paths()).toEqual([viaAction('podinfo-weighted')]);
    const annotations = stored().metadata.annotations!;
    expect(annotations).toMatchObject(USER);
    expect(JSON.parse(annotations[ORIGINAL_CONFIGURATION])).toEqual(podinfoIngress().spec);
  });

  it('round-trips weights with one GET and one PUT per change, none when unchanged', async () => {
    await router.reconcile(canary, never);
    cluster.sandbox.clearRequests();
    await router.setRoutes(canary, w(10), never);
    await router.setRoutes(canary, w(10), never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${path}/podinfo`]);
    expect(cluster.sandbox.requestCount((r) => r.method === 'GET')).toBe(2);
    expect(action('podinfo-weighted')).toEqual(forward(90, 10));
    expect(await router.getRoutes(canary, never)).toEqual(w(10));
  });

  it('reconcile keeps the live weight and repairs a drifted backend', async () => {
    await router.reconcile(canary, never);
    await router.setRoutes(canary, w(40), never);
    const drifted = structuredClone(stored());
    (
      drifted.spec as { rules: { http: { paths: { backend: unknown }[] } }[] }
    ).rules[0].http.paths[0].backend = {
      service: { name: 'podinfo', port: { number: 9898 } },
    };
    cluster.sandbox.store.put(drifted as never);
    await router.reconcile(canary, never);
    expect(paths()).toEqual([viaAction('podinfo-weighted')]);
    expect(action('podinfo-weighted')).toEqual(forward(60, 40));
  });

  it('blue/green switches the whole forward action', async () => {
    const bg = specCanary({ provider: 'alb', ingressRef }, blueGreen);
    await router.reconcile(bg, never);
    await router.setRoutes(bg, w(100), never);
    expect(action('podinfo-weighted')).toEqual(forward(0, 100));
  });

  it('A/B: matched requests to the canary by an http-header condition on a rule before the weighted one', async () => {
    const ab = specCanary(
      { provider: 'alb', ingressRef },
      abAnalysis([{ headers: { 'x-canary': { exact: 'insider' }, 'user-agent': { prefix: 'Mozilla' } } }]),
    );
    await router.reconcile(ab, never);
    expect(paths()).toEqual([viaAction('podinfo-weighted')]);
    await router.setRoutes(ab, w(100), never);
    expect(paths()).toEqual([viaAction('podinfo-match'), viaAction('podinfo-weighted')]);
    expect(action('podinfo-weighted')).toEqual(forward(100, 0));
    expect(action('podinfo-match')).toEqual({
      type: 'forward',
      forwardConfig: { targetGroups: [{ serviceName: 'podinfo-canary', servicePort: '9898', weight: 100 }] },
    });
    expect(JSON.parse(stored().metadata.annotations![`${A}/conditions.podinfo-match`])).toEqual([
      { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'x-canary', values: ['insider'] } },
      { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'user-agent', values: ['Mozilla*'] } },
    ]);
    expect(await router.getRoutes(ab, never)).toEqual(w(100));
    await router.setRoutes(ab, w(0), never);
    expect(paths()).toEqual([viaAction('podinfo-weighted')]);
    expect(stored().metadata.annotations![`${A}/conditions.podinfo-match`]).toBeUndefined();
  });

  it('refuses with field paths what ALB conditions cannot express', () => {
    const ab = specCanary(
      { provider: 'alb', ingressRef },
      abAnalysis([{ headers: { 'x-canary': { regex: 'in.*' } } }, { headers: { 'x-b': { exact: 'a*' } } }]),
    );
    const f = ingressRoutingFindings(ab, 'alb');
    expect(f.errors.map((e) => e.path.join('.'))).toEqual([
      'spec.analysis.match',
      'spec.analysis.match.0.headers.x-canary.regex',
      'spec.analysis.match.1.headers.x-b.exact',
    ]);
    const noRef = ingressRoutingFindings(specCanary({ provider: 'alb' }), 'alb');
    expect(noRef.errors.map((e) => e.path.join('.'))).toEqual(['spec.ingressRef']);
  });

  it('finalize restores the Ingress as it was, without the actions', async () => {
    await router.reconcile(canary, never);
    await router.setRoutes(canary, w(30), never);
    await router.finalize(canary, never);
    expect(stored().spec).toEqual(podinfoIngress().spec);
    expect(stored().metadata.annotations).toEqual(USER);
  });

  it('says which Ingress is missing', async () => {
    cluster.sandbox.store.delete(V1, 'Ingress', 'test', 'podinfo');
    await expect(router.reconcile(canary, never)).rejects.toThrow(NotFoundError);
    await expect(router.reconcile(canary, never)).rejects.toThrow('Ingress test/podinfo (ingressRef)');
  });
});
