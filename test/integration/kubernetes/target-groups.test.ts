/**
 * The target groups of Services, through a step's cluster handle against the sandbox API server
 * (real @kubernetes/client-node over HTTP): the sandbox's load balancer controller binds each
 * backend Service of an `alb` Ingress (its paths and its forward actions), the handle lists the
 * namespace's TargetGroupBindings once however often it is asked, and a handle nobody asks sends
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesClusterAccess } from '../../../lib/adapters/cluster-access.js';
import { ClusterClientFactory } from '../../../lib/adapters/kubernetes/client.js';
import { makeHttpHooks } from '../../../lib/adapters/webhooks/index.js';
import type { ClusterRecord } from '../../../lib/ports/cluster.js';
import type { ClusterHandle } from '../../../lib/ports/clusters.js';
import { albNames } from '../../../sandbox/apiserver/alb-controller.js';
import { podinfoIngress } from '../../unit/routers/ingress-fixtures.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';

let sandbox: Sandbox;
const signal = AbortSignal.timeout(10_000);
const TGB = ['elbv2.k8s.aws/v1beta1', 'TargetGroupBinding'] as const;

beforeAll(async () => {
  sandbox = await startSandbox({ namespaces: ['default', 'test', 'other'] });
});
afterAll(() => sandbox.close());

function handle(): Promise<ClusterHandle> {
  const record: ClusterRecord = {
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.url,
    caData: sandbox.caData,
    token: sandbox.token,
  };
  const access = new KubernetesClusterAccess(() => Promise.resolve(record), new ClusterClientFactory(), {
    hooks: (fetch) => makeHttpHooks({ fetch }),
    metrics: () => {
      throw new Error('not used');
    },
  });
  return access.get('sandbox', signal);
}

const lists = () =>
  sandbox.selectRequests({ proxied: false }).filter((r) => r.path.includes('/targetgroupbindings'));

/** The Ingress as the alb router leaves it: the apex path forwards to primary and canary by weight. */
function weighted() {
  const ing = podinfoIngress({
    annotations: {
      'kubernetes.io/ingress.class': 'alb',
      'alb.ingress.kubernetes.io/actions.podinfo-weighted': JSON.stringify({
        type: 'forward',
        forwardConfig: {
          targetGroups: [
            { serviceName: 'podinfo-primary', servicePort: '9898', weight: 90 },
            { serviceName: 'podinfo-canary', servicePort: '9898', weight: 10 },
          ],
        },
      }),
    },
  });
  ing.spec.rules[0].http.paths[0].backend = {
    service: { name: 'podinfo-weighted', port: { name: 'use-annotation' } },
  } as never;
  return ing;
}

const boundServices = (ns = 'test') =>
  sandbox.store
    .list(...TGB, ns)
    .map((b) => (b.spec as { serviceRef: { name: string } }).serviceRef.name)
    .sort();

describe("the sandbox's load balancer controller", () => {
  it('binds the backends of alb Ingresses only, follows their changes, and unbinds with the Ingress', () => {
    sandbox.store.put(podinfoIngress() as never); // class nginx
    expect(boundServices()).toEqual([]);
    sandbox.store.put(podinfoIngress({ annotations: { 'kubernetes.io/ingress.class': 'alb' } }) as never);
    expect(boundServices()).toEqual(['podinfo']);
    sandbox.store.put(weighted() as never);
    expect(boundServices()).toEqual(['podinfo-canary', 'podinfo-primary']);
    const canary = sandbox.store.get(...TGB, 'test', albNames('test', 'podinfo-canary', 'podinfo').name);
    expect(canary?.spec).toEqual({
      serviceRef: { name: 'podinfo-canary', port: '9898' },
      targetGroupARN: albNames('test', 'podinfo-canary', 'podinfo').targetGroupArn,
      targetType: 'ip',
    });
    expect(albNames('test', 'podinfo-canary', 'podinfo').targetGroupArn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/k8s-test-podinfo--[0-9a-f]{10}\/[0-9a-f]{16}$/,
    );
    sandbox.store.delete('networking.k8s.io/v1', 'Ingress', 'test', 'podinfo');
    expect(boundServices()).toEqual([]);
  });
});

describe('ClusterHandle.targetGroups', () => {
  it('lists the namespace once per handle, answers per Service, and none for an unbound one', async () => {
    sandbox.store.put(weighted() as never);
    const before = lists().length;
    const h = await handle();
    const canary = await h.targetGroups('test', 'podinfo-canary', signal);
    const primary = await h.targetGroups('test', 'podinfo-primary', signal);
    const again = await h.targetGroups('test', 'podinfo-canary', signal);
    expect(canary).toEqual([albNames('test', 'podinfo-canary', 'podinfo').targetGroupArn]);
    expect(primary).toEqual([albNames('test', 'podinfo-primary', 'podinfo').targetGroupArn]);
    expect(again).toEqual(canary);
    expect(await h.targetGroups('test', 'podinfo', signal)).toEqual([]);
    expect(lists().length - before).toBe(1);
    // The next step's handle reads afresh.
    await (await handle()).targetGroups('test', 'podinfo-canary', signal);
    expect(lists().length - before).toBe(2);
    // Another namespace is its own list.
    expect(await h.targetGroups('other', 'podinfo-canary', signal)).toEqual([]);
    expect(lists().length - before).toBe(3);
  });

  it('sends nothing until asked (every provider but alb never asks)', async () => {
    const before = sandbox.mark();
    await handle();
    expect(sandbox.selectRequests({ since: before, proxied: false })).toEqual([]);
  });
});
