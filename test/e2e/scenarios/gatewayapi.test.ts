/**
 * Gateway API: the HTTPRoute's weighted backendRefs move through custom steps, attached to the
 * Gateway named in `gatewayRefs`, and traffic returns to the primary by `stepWeightPromotion`.
 */
import { describe, expect, it } from 'vitest';
import { apply, podinfoCanary, podinfoDeployment, podinfoKey as key } from '../../support/release.js';
import {
  changes,
  eventsOf,
  httpRouteWeights,
  imageOf,
  initialize,
  replicasOf,
  stepReasons,
  stepUntilPhase,
  type World,
  worldPerTest,
} from '../../support/scenario.js';

const world = worldPerTest();

const canary = podinfoCanary('threshold: 2\nstepWeights: [10, 25, 50]\nstepWeightPromotion: 25', {
  provider: 'gatewayapi:v1',
}).replace(
  'service: { port: 9898 }',
  'service: { port: 9898, hosts: [www.example.com], gatewayRefs: [{ name: gateway, namespace: istio-ingress }] }',
);

interface HttpRouteView {
  spec: {
    parentRefs: { name: string; namespace?: string; group?: string; kind?: string }[];
    hostnames?: string[];
    rules: {
      matches: { headers?: { type: string; name: string; value: string }[] }[];
      backendRefs: { name: string; port?: number; weight?: number }[];
    }[];
  };
}

const httpRoute = (sandbox: World['sandbox']) =>
  sandbox.store.get(
    'gateway.networking.k8s.io/v1',
    'HTTPRoute',
    'test',
    'podinfo',
  ) as unknown as HttpRouteView;

describe('Gateway API', () => {
  it('moves the HTTPRoute backend weights through the steps and back to the primary', async () => {
    const { cp, sandbox } = world;
    await initialize(world, key, canary);
    const route = httpRoute(sandbox);
    expect(route.spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gateway', namespace: 'istio-ingress' },
    ]);
    expect(route.spec.hostnames).toEqual(['www.example.com']);
    expect(route.spec.rules).toHaveLength(1);
    expect(route.spec.rules[0].backendRefs.map((b) => [b.name, b.port, b.weight])).toEqual([
      ['podinfo-primary', 9898, 100],
      ['podinfo-canary', 9898, 0],
    ]);
    expect(
      sandbox.store.get('networking.istio.io/v1beta1', 'VirtualService', 'test', 'podinfo'),
    ).toBeUndefined();

    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    const run = await stepUntilPhase(cp, key, ['Succeeded'], { read: () => httpRouteWeights(sandbox) });
    expect(run.row.status.phase).toBe('Succeeded');
    expect(changes(run.samples)).toEqual([
      [100, 0],
      [90, 10],
      [75, 25],
      [50, 50],
      [75, 25],
      [100, 0],
    ]);
    expect(run.phases.slice(-4)).toEqual(['Promoting', 'Promoting', 'Finalising', 'Succeeded']);
    const reasons = await stepReasons(cp, key);
    expect(reasons.slice(reasons.indexOf('NewRevisionDetected'))).toEqual([
      'NewRevisionDetected',
      'CanaryWeightIncreased',
      'CanaryWeightIncreased',
      'CanaryWeightIncreased',
      'PromotionStarted',
      'PrimaryWeightIncreased',
      'Finalising',
      'Promoted',
    ]);
    expect(eventsOf(cp, key, 'WeightChanged').map((e) => e.message)).toEqual([
      'Canary weight 10%',
      'Canary weight 25%',
      'Canary weight 50%',
      'Primary weight 75%',
      'Primary weight 100%',
    ]);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.1');
    expect(replicasOf(sandbox, 'podinfo')).toBe(0);
  });

  it('A/B: the header-match rule carries the weights, the default rule stays on the primary', async () => {
    const { cp, hooks, sandbox } = world;
    const ab = podinfoCanary(
      `threshold: 2
iterations: 2
match:
  - headers:
      x-canary:
        exact: insider
webhooks:
  - { name: events, type: event, url: "${hooks.url}/events" }`,
      { provider: 'gatewayapi' },
    ).replace('service: { port: 9898 }', 'service: { port: 9898, gatewayRefs: [{ name: gateway }] }');
    await initialize(world, key, ab);
    const rules = () =>
      httpRoute(sandbox).spec.rules.map((r) => ({
        headers: r.matches[0].headers,
        weights: r.backendRefs.map((b) => [b.name, b.weight]),
      }));
    const insider = [{ type: 'Exact', name: 'x-canary', value: 'insider' }];
    const byWeight = (canary: number) => [
      {
        headers: insider,
        weights: [
          ['podinfo-primary', 100 - canary],
          ['podinfo-canary', canary],
        ],
      },
      { headers: undefined, weights: [['podinfo-primary', 100]] },
    ];
    expect(rules()).toEqual(byWeight(0));

    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    const run = await stepUntilPhase(cp, key, ['Succeeded'], { read: rules });
    expect(run.row.status.phase).toBe('Succeeded');
    expect(changes(run.samples)).toEqual([byWeight(0), byWeight(100), byWeight(0)]);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.1');

    // Every Kubernetes event reached the event hook, in Flagger's words.
    const messages = hooks
      .requestsTo('/events')
      .map((r) => (r.body as { metadata: { eventMessage: string } }).metadata.eventMessage);
    expect(messages).toEqual([
      'Initialization done! podinfo.test',
      'New revision detected! Scaling up podinfo.test',
      'Starting canary analysis for podinfo.test',
      'Advance podinfo.test canary iteration 1/2',
      'Advance podinfo.test canary iteration 2/2',
      'Copying podinfo.test template spec to podinfo-primary.test',
      'Routing all traffic to primary',
      'Promotion completed! Scaling down podinfo.test',
    ]);
  });
});
