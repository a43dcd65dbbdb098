/**
 * Teams that already route their app with Istio or the Gateway API register a canary: the existing
 * VirtualService or HTTPRoute is taken over as Flagger does — its hosts, gateways (parentRefs) and
 * match rules kept, its route rewritten to NAME-primary / NAME-canary, the original kept for
 * finalize — and a Kubernetes Event says what was replaced. On the old code every step failed
 * (InvalidRoutesError read as a failure) and the canary stayed Initializing without a primary.
 */
import { describe, expect, it } from 'vitest';
import { historyOf, initialize, worldPerTest } from '../../support/scenario.js';
import { podinfoCanary, podinfoKey as key } from '../../support/release.js';

const world = worldPerTest();
const analysis = 'threshold: 2\nmaxWeight: 50\nstepWeight: 10';

function events(): { reason: string; message: string }[] {
  return world.sandbox.store.list('v1', 'Event', 'test') as unknown as { reason: string; message: string }[];
}

describe('taking over existing routes', () => {
  it('Istio: keeps hosts, gateways and matches; routes to primary/canary; says so', async () => {
    world.sandbox.store.put({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: {
        hosts: ['podinfo.example.com'],
        gateways: ['istio-system/public-gateway'],
        http: [
          {
            match: [{ uri: { prefix: '/api' } }],
            route: [{ destination: { host: 'podinfo', port: { number: 9898 } } }],
          },
        ],
      },
    });
    await initialize(world, key, podinfoCanary(analysis));
    expect((await historyOf(world.cp, key)).filter((h) => h.reason === 'StepFailed')).toEqual([]);
    const vs = world.sandbox.store.get(
      'networking.istio.io/v1beta1',
      'VirtualService',
      'test',
      'podinfo',
    ) as any;
    expect(vs.spec.hosts).toEqual(['podinfo.example.com', 'podinfo']);
    expect(vs.spec.gateways).toEqual(['istio-system/public-gateway']);
    expect(vs.spec.http).toEqual([
      {
        match: [{ uri: { prefix: '/api' } }],
        route: [
          { destination: { host: 'podinfo-primary', port: { number: 9898 } }, weight: 100 },
          { destination: { host: 'podinfo-canary', port: { number: 9898 } }, weight: 0 },
        ],
      },
    ]);
    expect(JSON.parse(vs.metadata.annotations['flagger.kubernetes.io/original-configuration'])).toMatchObject(
      {
        hosts: ['podinfo.example.com'],
      },
    );
    const adopted = events().filter((e) => e.reason === 'RoutesAdopted');
    expect(adopted).toHaveLength(1);
    expect(adopted[0]!.message).toMatch(
      /VirtualService test\/podinfo taken over: routes to podinfo replaced by podinfo-primary \(100%\) and podinfo-canary \(0%\)/,
    );
  });

  it('Gateway API: keeps parentRefs, hostnames and matches; routes to primary/canary; says so', async () => {
    world.sandbox.store.put({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: {
        parentRefs: [{ name: 'public', namespace: 'gateway' }],
        hostnames: ['podinfo.example.com'],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
            backendRefs: [{ name: 'podinfo', port: 9898 }],
          },
        ],
      },
    });
    await initialize(world, key, podinfoCanary(analysis, { provider: 'gatewayapi' }));
    expect((await historyOf(world.cp, key)).filter((h) => h.reason === 'StepFailed')).toEqual([]);
    const route = world.sandbox.store.get(
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      'test',
      'podinfo',
    ) as any;
    expect(route.spec.parentRefs).toEqual([{ name: 'public', namespace: 'gateway' }]);
    expect(route.spec.hostnames).toEqual(['podinfo.example.com']);
    expect(route.spec.rules).toHaveLength(1);
    expect(route.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/api' } }]);
    expect(route.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([
      ['podinfo-primary', 100],
      ['podinfo-canary', 0],
    ]);
    expect(events().filter((e) => e.reason === 'RoutesAdopted')).toHaveLength(1);
  });
});
