import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConsulRouter } from '../../../lib/adapters/routers/consul/router.js';
import {
  serviceResolverSpec,
  serviceRouterSpec,
  serviceSplitterSpec,
} from '../../../lib/adapters/routers/consul/config-entries.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { ORIGINAL_CONFIGURATION } from '../../../lib/adapters/routers/engine/objects.js';
import { abCanary, routedCanary } from '../../unit/routers/fixtures.js';
import { never, startCluster, writes, type TestCluster } from './cluster.js';

const V1 = 'consul.hashicorp.com/v1alpha1';
const base = '/apis/consul.hashicorp.com/v1alpha1/namespaces/test';
const KINDS = ['ServiceDefaults', 'ServiceResolver', 'ServiceSplitter', 'ServiceRouter'] as const;
let cluster: TestCluster;
let router: ConsulRouter;

beforeAll(async () => {
  cluster = await startCluster();
  router = new ConsulRouter(cluster.clients);
});
afterAll(async () => {
  await cluster.sandbox.close();
});
beforeEach(() => {
  for (const kind of KINDS) cluster.sandbox.store.delete(V1, kind, 'test', 'podinfo');
  cluster.sandbox.clearRequests();
});

const entry = (kind: (typeof KINDS)[number]) => cluster.sandbox.store.get(V1, kind, 'test', 'podinfo');
const put = (kind: string, spec: object) =>
  cluster.sandbox.store.put({ apiVersion: V1, kind, metadata: { name: 'podinfo', namespace: 'test' }, spec });

describe('ConsulRouter against the sandbox API server', () => {
  it('creates defaults, resolver and splitter in that order, then writes nothing', async () => {
    const c = routedCanary();
    await router.reconcile(c, never);
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([
      `POST ${base}/servicedefaults`,
      `POST ${base}/serviceresolvers`,
      `POST ${base}/servicesplitters`,
    ]);
    expect(entry('ServiceDefaults')?.spec).toEqual({ protocol: 'http' });
    expect(entry('ServiceResolver')?.spec).toEqual(serviceResolverSpec(c));
    expect(entry('ServiceSplitter')?.spec).toEqual(
      serviceSplitterSpec(c, { primary: 100, canary: 0, mirrored: false }),
    );
  });

  it('moves the split with one PUT, none when unchanged, and keeps it on reconcile', async () => {
    const c = routedCanary();
    await router.reconcile(c, never);
    cluster.sandbox.clearRequests();
    await router.setRoutes(c, { primary: 60, canary: 40, mirrored: false }, never);
    await router.setRoutes(c, { primary: 60, canary: 40, mirrored: false }, never);
    await router.reconcile(c, never);
    expect(writes(cluster.sandbox)).toEqual([`PUT ${base}/servicesplitters/podinfo`]);
    expect(await router.getRoutes(c, never)).toEqual({ primary: 60, canary: 40, mirrored: false });
  });

  it('A/B: adds the ServiceRouter, then removes it when the canary stops being an A/B test', async () => {
    const ab = abCanary();
    await router.reconcile(ab, never);
    await router.setRoutes(ab, { primary: 0, canary: 100, mirrored: false }, never);
    expect(entry('ServiceRouter')?.spec).toEqual(
      serviceRouterSpec(ab, { primary: 0, canary: 100, mirrored: false }),
    );
    expect(await router.getRoutes(ab, never)).toEqual({ primary: 0, canary: 100, mirrored: false });
    cluster.sandbox.clearRequests();
    await router.reconcile(routedCanary(), never);
    expect(writes(cluster.sandbox)).toEqual([`DELETE ${base}/servicerouters/podinfo`]);
  });

  it('leaves a ServiceDefaults it did not create alone, and refuses one with an L4 protocol', async () => {
    put('ServiceDefaults', { protocol: 'http', mutualTLSMode: 'strict' });
    const c = routedCanary();
    await router.reconcile(c, never);
    await router.finalize(c, never);
    expect(entry('ServiceDefaults')?.spec).toEqual({ protocol: 'http', mutualTLSMode: 'strict' });

    put('ServiceDefaults', { protocol: 'tcp' });
    cluster.sandbox.clearRequests();
    await expect(router.reconcile(c, never)).rejects.toThrow(UnsupportedRoutingError);
    await expect(router.reconcile(c, never)).rejects.toThrow(
      'ServiceDefaults test/podinfo sets protocol "tcp"; splitting a canary needs http, http2, grpc',
    );
    expect(writes(cluster.sandbox)).toEqual([]);
  });

  it("adopts a resolver keeping the user's timeouts, and restores it on finalize", async () => {
    const original = { connectTimeout: '15s', subsets: { v1: { filter: 'Service.Meta.version == v1' } } };
    put('ServiceResolver', original);
    const c = routedCanary();
    await router.reconcile(c, never);
    const adopted = entry('ServiceResolver');
    expect(adopted?.spec).toEqual({ ...serviceResolverSpec(c), connectTimeout: '15s' });
    expect(adopted?.metadata.annotations).toEqual({ [ORIGINAL_CONFIGURATION]: JSON.stringify(original) });
    cluster.sandbox.clearRequests();
    await router.finalize(c, never);
    expect(writes(cluster.sandbox)).toEqual([
      `DELETE ${base}/servicesplitters/podinfo`,
      `PUT ${base}/serviceresolvers/podinfo`,
      `DELETE ${base}/servicedefaults/podinfo`,
    ]);
    expect(entry('ServiceResolver')?.spec).toEqual(original);
  });

  it('drops the requestTimeout of a resolver it created when service.timeout goes away', async () => {
    await router.reconcile(routedCanary({ timeout: '5s' }), never);
    expect((entry('ServiceResolver')?.spec as { requestTimeout?: string }).requestTimeout).toBe('5s');
    await router.reconcile(routedCanary(), never);
    expect(entry('ServiceResolver')?.spec).toEqual(serviceResolverSpec(routedCanary()));
  });

  it('finalizes router, splitter, resolver and defaults in that order', async () => {
    const ab = abCanary();
    await router.reconcile(ab, never);
    cluster.sandbox.clearRequests();
    await router.finalize(ab, never);
    expect(writes(cluster.sandbox)).toEqual([
      `DELETE ${base}/servicerouters/podinfo`,
      `DELETE ${base}/servicesplitters/podinfo`,
      `DELETE ${base}/serviceresolvers/podinfo`,
      `DELETE ${base}/servicedefaults/podinfo`,
    ]);
    for (const kind of KINDS) expect(entry(kind)).toBeUndefined();
  });
});
