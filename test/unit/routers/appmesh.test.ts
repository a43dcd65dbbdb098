import { describe, expect, it } from 'vitest';
import {
  routeWeightsOf,
  virtualNodeSpec,
  virtualRouterSpec,
  virtualServiceSpec,
} from '../../../lib/adapters/routers/appmesh/objects.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { abCanary, routedCanary } from './fixtures.js';

const start = { primary: 100, canary: 0, mirrored: false };
const targets = (canary: number, primary: number) => [
  { virtualNodeRef: { name: 'podinfo-canary' }, weight: canary },
  { virtualNodeRef: { name: 'podinfo-primary' }, weight: primary },
];
const listeners = [{ portMapping: { port: 9898, protocol: 'http' } }];

describe('App Mesh VirtualNodes', () => {
  it('builds the primary node with backends, timeout and DNS discovery', () => {
    const c = routedCanary({
      backends: ['backend1', 'arn:aws:appmesh:us-east-1:1:mesh/m/virtualService/b2'],
      timeout: '15s',
    });
    expect(virtualNodeSpec(c, 'primary')).toEqual({
      awsName: 'podinfo-primary_test',
      podSelector: { matchLabels: { app: 'podinfo-primary' } },
      listeners: [{ ...listeners[0], timeout: { http: { perRequest: { unit: 'ms', value: 15000 } } } }],
      serviceDiscovery: { dns: { hostname: 'podinfo-primary.test.svc.cluster.local' } },
      backends: [
        { virtualService: { virtualServiceRef: { name: 'backend1' } } },
        { virtualService: { virtualServiceARN: 'arn:aws:appmesh:us-east-1:1:mesh/m/virtualService/b2' } },
      ],
    });
  });

  it('builds the canary node on the target pods and the target port', () => {
    expect(virtualNodeSpec(routedCanary({ targetPort: 8080 }), 'canary')).toEqual({
      awsName: 'podinfo-canary_test',
      podSelector: { matchLabels: { app: 'podinfo' } },
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: 'podinfo-canary.test.svc.cluster.local' } },
    });
  });
});

describe('App Mesh VirtualRouters and VirtualServices', () => {
  it('builds the apex router with the weights, prefix and retry policy', () => {
    const c = routedCanary({
      match: [{ uri: { prefix: '/api' } }],
      retries: { attempts: 2, perTryTimeout: '2s' },
    });
    expect(virtualRouterSpec(c, 'apex', { primary: 70, canary: 30, mirrored: false })).toEqual({
      awsName: 'podinfo_test',
      listeners,
      routes: [
        {
          name: 'podinfo',
          httpRoute: {
            match: { prefix: '/api' },
            retryPolicy: {
              maxRetries: 2,
              perRetryTimeout: { unit: 'ms', value: 2000 },
              httpRetryEvents: ['gateway-error'],
            },
            action: { weightedTargets: targets(30, 70) },
          },
        },
      ],
    });
  });

  it('builds the canary router at 100 % canary', () => {
    expect(virtualRouterSpec(routedCanary(), 'canary', start).routes).toEqual([
      {
        name: 'podinfo-canary',
        httpRoute: { match: { prefix: '/' }, action: { weightedTargets: targets(100, 0) } },
      },
    ]);
  });

  it('builds A/B header routes with priorities', () => {
    expect(
      virtualRouterSpec(abCanary(), 'apex', { primary: 0, canary: 100, mirrored: false }).routes,
    ).toEqual([
      {
        name: 'podinfo-a',
        priority: 10,
        httpRoute: {
          match: { prefix: '/', headers: [{ name: 'x-canary', match: { exact: 'insider' } }] },
          action: { weightedTargets: targets(100, 0) },
        },
      },
      {
        name: 'podinfo-a-2',
        priority: 11,
        httpRoute: {
          match: {
            prefix: '/',
            headers: [{ name: 'cookie', match: { regex: '^(.*?;)?(type=insider)(;.*)?$' } }],
          },
          action: { weightedTargets: targets(100, 0) },
        },
      },
      {
        name: 'podinfo-b',
        priority: 20,
        httpRoute: { match: { prefix: '/' }, action: { weightedTargets: targets(0, 100) } },
      },
    ]);
  });

  it('rejects mirroring and gRPC', () => {
    expect(() => virtualRouterSpec(routedCanary(), 'apex', { ...start, mirrored: true })).toThrow(
      UnsupportedRoutingError,
    );
    expect(() => virtualNodeSpec(routedCanary({ portName: 'grpc' }), 'primary')).toThrow(
      UnsupportedRoutingError,
    );
  });

  it('points the VirtualServices at the routers', () => {
    const c = routedCanary();
    expect(virtualServiceSpec(c, 'apex')).toEqual({
      awsName: 'podinfo.test',
      provider: { virtualRouter: { virtualRouterRef: { name: 'podinfo' } } },
    });
    expect(virtualServiceSpec(c, 'canary')).toEqual({
      awsName: 'podinfo-canary.test',
      provider: { virtualRouter: { virtualRouterRef: { name: 'podinfo-canary' } } },
    });
  });

  it('reads the weights back from the first route', () => {
    const c = abCanary();
    const w = { primary: 0, canary: 100, mirrored: false };
    expect(routeWeightsOf(c, virtualRouterSpec(c, 'apex', w))).toEqual(w);
    expect(routeWeightsOf(c, { routes: [] })).toBeUndefined();
  });
});
