import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMPONENT, MANAGED_BY_LABEL } from '../../../lib/adapters/kubernetes/labels.js';
import { ORIGINAL_CONFIGURATION } from '../../../lib/adapters/routers/engine/objects.js';
import { LinkerdRouter } from '../../../lib/adapters/routers/linkerd/router.js';
import { SmiRouter } from '../../../lib/adapters/routers/smi/router.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import { routedCanary } from '../../unit/routers/fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

const splits = (v: string) => `/apis/split.smi-spec.io/${v}/namespaces/test/trafficsplits`;
const routes = '/apis/gateway.networking.k8s.io/v1beta1/namespaces/test/httproutes';
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => {
  await cluster.sandbox.close();
});
beforeEach(() => {
  cluster.sandbox.store.delete('split.smi-spec.io/v1alpha1', 'TrafficSplit', 'test', 'podinfo');
  cluster.sandbox.store.delete('gateway.networking.k8s.io/v1', 'HTTPRoute', 'test', 'podinfo');
  cluster.sandbox.clearRequests();
});

const split = (v = 'v1alpha1') =>
  cluster.sandbox.store.get(`split.smi-spec.io/${v}`, 'TrafficSplit', 'test', 'podinfo');
const withProvider = (provider: string, c: Canary = routedCanary()): Canary => ({
  ...c,
  spec: { ...c.spec, provider },
});

describe('SmiRouter against the sandbox API server', () => {
  it('writes the version the provider string names, once', async () => {
    const router = new SmiRouter(cluster.clients);
    const c = withProvider('smi:v1alpha3');
    await router.reconcile(c, never);
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([`POST ${splits('v1alpha3')}`]);
    expect(split('v1alpha3')).toMatchObject({
      apiVersion: 'split.smi-spec.io/v1alpha3',
      metadata: { labels: { [MANAGED_BY_LABEL]: COMPONENT, 'flagger-serverless.io/canary': 'podinfo' } },
      spec: {
        service: 'podinfo',
        backends: [
          { service: 'podinfo-canary', weight: 0 },
          { service: 'podinfo-primary', weight: 100 },
        ],
      },
    });
  });

  it('round-trips weights with one PUT and none when unchanged', async () => {
    const router = new SmiRouter(cluster.clients);
    const c = withProvider('smi:v1alpha2');
    await router.reconcile(c, never);
    cluster.sandbox.clearRequests();
    await router.setRoutes(c, { primary: 70, canary: 30, mirrored: false }, never);
    await router.setRoutes(c, { primary: 70, canary: 30, mirrored: false }, never);
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${splits('v1alpha2')}/podinfo`]);
    expect(await router.getRoutes(c, never)).toEqual({ primary: 70, canary: 30, mirrored: false });
  });

  it('adopts a TrafficSplit with relative weights, keeps its split, restores it on finalize', async () => {
    const original = {
      service: 'podinfo',
      backends: [
        { service: 'podinfo-primary', weight: '750m' },
        { service: 'podinfo-canary', weight: '250m' },
      ],
    };
    cluster.sandbox.store.put({
      apiVersion: 'split.smi-spec.io/v1alpha1',
      kind: 'TrafficSplit',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: original,
    });
    const router = new SmiRouter(cluster.clients, { version: 'v1alpha1' });
    const c = routedCanary();
    await router.reconcile(c, never);
    expect(split()?.metadata.annotations).toEqual({ [ORIGINAL_CONFIGURATION]: JSON.stringify(original) });
    expect(await router.getRoutes(c, never)).toEqual({ primary: 75, canary: 25, mirrored: false });
    await router.finalize(c, never);
    expect(split()?.spec).toEqual(original);
    expect(split()?.metadata.annotations).toBeUndefined();
  });

  it('answers no routes without a TrafficSplit, and without our backends in one', async () => {
    const router = new SmiRouter(cluster.clients, { version: 'v1alpha1' });
    expect(await router.getRoutes(routedCanary(), never)).toBeUndefined();
    cluster.sandbox.store.put({
      apiVersion: 'split.smi-spec.io/v1alpha1',
      kind: 'TrafficSplit',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: { service: 'podinfo', backends: [{ service: 'other', weight: 1 }] },
    });
    expect(await router.getRoutes(routedCanary(), never)).toBeUndefined();
  });
});

describe('LinkerdRouter against the sandbox API server', () => {
  const gatewayRefs = [{ name: 'podinfo', namespace: 'test', group: 'core', kind: 'Service', port: 9898 }];

  it('routes with a v1alpha1 TrafficSplit (quantity weights), deleted on finalize', async () => {
    const router = new LinkerdRouter(cluster.clients);
    const c = withProvider('linkerd');
    await router.reconcile(c, never);
    await router.setRoutes(c, { primary: 90, canary: 10, mirrored: false }, never);
    expect(split()?.spec).toEqual({
      service: 'podinfo',
      backends: [
        { service: 'podinfo-canary', weight: '10' },
        { service: 'podinfo-primary', weight: '90' },
      ],
    });
    await router.finalize(c, never);
    expect(split()).toBeUndefined();
  });

  it('routes with a v1beta1 HTTPRoute when gatewayRefs are listed, and drops the TrafficSplit it had', async () => {
    const router = new LinkerdRouter(cluster.clients);
    await router.reconcile(withProvider('linkerd'), never);
    cluster.sandbox.clearRequests();
    const c = withProvider('linkerd', routedCanary({ gatewayRefs }));
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([`POST ${routes}`, `DELETE ${splits('v1alpha1')}/podinfo`]);
    await router.setRoutes(c, { primary: 80, canary: 20, mirrored: false }, never);
    expect(await router.getRoutes(c, never)).toEqual({ primary: 80, canary: 20, mirrored: false });
    const route = cluster.sandbox.store.get(
      'gateway.networking.k8s.io/v1beta1',
      'HTTPRoute',
      'test',
      'podinfo',
    );
    expect(route?.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
    expect((route?.spec as { parentRefs: unknown[] }).parentRefs).toEqual([
      { group: 'core', kind: 'Service', name: 'podinfo', namespace: 'test', port: 9898 },
    ]);
  });
});
