import { describe, expect, it } from 'vitest';
import {
  destinationRuleSpec,
  gateways,
  hosts,
  routeWeightsOf,
  virtualServiceSpec,
} from '../../../lib/adapters/routers/istio/virtual-service.js';
import { abCanary, mirrorCanary, richService, routedCanary } from './fixtures.js';

const start = { primary: 100, canary: 0, mirrored: false };
const port = { number: 9898 };

describe('Istio VirtualService builder', () => {
  it('builds the plain canary route with every service option copied', () => {
    expect(
      virtualServiceSpec(routedCanary(richService), { primary: 90, canary: 10, mirrored: false }),
    ).toEqual({
      hosts: ['app.example.com', 'podinfo'],
      gateways: ['public-gateway.istio-system.svc.cluster.local'],
      http: [
        {
          match: [{ uri: { prefix: '/api' } }],
          rewrite: { uri: '/' },
          timeout: '30s',
          retries: { attempts: 3, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure' },
          corsPolicy: {
            allowOrigins: [{ exact: 'https://example.com' }],
            allowMethods: ['GET'],
            maxAge: '24h',
          },
          headers: {
            request: { set: { 'x-env': 'prod' }, remove: ['x-debug'] },
            response: { add: { 'x-served-by': 'podinfo' } },
          },
          route: [
            { destination: { host: 'podinfo-primary', port }, weight: 90 },
            { destination: { host: 'podinfo-canary', port }, weight: 10 },
          ],
        },
      ],
    });
  });

  it('builds the minimal route for a bare service', () => {
    expect(virtualServiceSpec(routedCanary(), start)).toEqual({
      hosts: ['podinfo'],
      gateways: ['mesh'],
      http: [
        {
          route: [
            { destination: { host: 'podinfo-primary', port }, weight: 100 },
            { destination: { host: 'podinfo-canary', port }, weight: 0 },
          ],
        },
      ],
    });
  });

  it('builds A/B: canary-match route first (analysis × service matches), then 100 % primary', () => {
    const spec = virtualServiceSpec(abCanary({ match: [{ uri: { prefix: '/api' } }], timeout: '5s' }), {
      primary: 0,
      canary: 100,
      mirrored: false,
    });
    expect(spec.http).toEqual([
      {
        match: [
          { uri: { prefix: '/api' }, headers: { 'x-canary': { exact: 'insider' } } },
          { uri: { prefix: '/api' }, headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } },
        ],
        timeout: '5s',
        route: [
          { destination: { host: 'podinfo-primary', port }, weight: 0 },
          { destination: { host: 'podinfo-canary', port }, weight: 100 },
        ],
      },
      {
        match: [{ uri: { prefix: '/api' } }],
        timeout: '5s',
        route: [{ destination: { host: 'podinfo-primary', port }, weight: 100 }],
      },
    ]);
  });

  it('adds mirror and mirrorPercentage when mirrored', () => {
    expect(virtualServiceSpec(mirrorCanary(), { ...start, mirrored: true }).http).toEqual([
      {
        route: [
          { destination: { host: 'podinfo-primary', port }, weight: 100 },
          { destination: { host: 'podinfo-canary', port }, weight: 0 },
        ],
        mirror: { host: 'podinfo-canary', port },
        mirrorPercentage: { value: 40 },
      },
    ]);
  });

  it('mirrors 100 % when mirrorWeight is unset', () => {
    const spec = virtualServiceSpec(routedCanary({}, { mirror: true }), { ...start, mirrored: true });
    expect(spec.http![0].mirrorPercentage).toEqual({ value: 100 });
  });

  it.each([
    { name: 'appends the apex name', given: ['a.example.com'], want: ['a.example.com', 'podinfo'] },
    { name: 'keeps an explicit apex name', given: ['podinfo', 'b'], want: ['podinfo', 'b'] },
    { name: 'does not add the apex to a * host', given: ['*'], want: ['*'] },
  ])('hosts $name', ({ given, want }) => {
    expect(hosts(routedCanary({ hosts: given }))).toEqual(want);
  });

  it('uses the service name override as apex and in destinations', () => {
    const spec = virtualServiceSpec(routedCanary({ name: 'frontend' }), start);
    expect(spec.hosts).toEqual(['frontend']);
    expect(spec.http![0].route.map((r) => r.destination.host)).toEqual([
      'frontend-primary',
      'frontend-canary',
    ]);
  });

  it('keeps given gateways without adding mesh', () => {
    expect(gateways(routedCanary({ gateways: ['gw', 'mesh'] }))).toEqual(['gw', 'mesh']);
  });
});

describe('Istio DestinationRules', () => {
  it('carries host and trafficPolicy', () => {
    const c = routedCanary(richService);
    expect(destinationRuleSpec(c, 'primary')).toEqual({
      host: 'podinfo-primary',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
    expect(destinationRuleSpec(c, 'canary')).toEqual({
      host: 'podinfo-canary',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
  });

  it('has only a host without trafficPolicy', () => {
    expect(destinationRuleSpec(routedCanary(), 'canary')).toEqual({ host: 'podinfo-canary' });
  });
});

describe('Istio routeWeightsOf', () => {
  it.each([
    { name: 'plain', c: routedCanary(), w: { primary: 70, canary: 30, mirrored: false } },
    { name: 'A/B', c: abCanary(), w: { primary: 0, canary: 100, mirrored: false } },
    { name: 'mirror', c: mirrorCanary(), w: { primary: 100, canary: 0, mirrored: true } },
  ])('round-trips the $name spec', ({ c, w }) => {
    expect(routeWeightsOf(c, virtualServiceSpec(c, w))).toEqual(w);
  });

  it('is undefined without a canary destination or with both weights 0', () => {
    const c = routedCanary();
    expect(
      routeWeightsOf(c, { http: [{ route: [{ destination: { host: 'other' }, weight: 100 }] }] }),
    ).toBeUndefined();
    expect(
      routeWeightsOf(c, virtualServiceSpec(c, { primary: 0, canary: 0, mirrored: false })),
    ).toBeUndefined();
    expect(routeWeightsOf(c, undefined)).toBeUndefined();
  });
});

describe('Istio TCP services (service.appProtocol: tcp)', () => {
  const tcpCanary = (service: Partial<Parameters<typeof routedCanary>[0]> = {}) =>
    routedCanary({ appProtocol: 'TCP', ...service });

  it('writes one weighted tcp route and no http route, keeping the L4 part of the matches', () => {
    const c = tcpCanary({
      gateways: ['mesh'],
      match: [{ port: 5432, uri: { prefix: '/ignored' } }, { sourceLabels: { app: 'api' } }],
      timeout: '5s',
    });
    expect(virtualServiceSpec(c, { primary: 80, canary: 20, mirrored: false })).toEqual({
      hosts: ['podinfo'],
      gateways: ['mesh'],
      tcp: [
        {
          match: [{ port: 5432 }, { sourceLabels: { app: 'api' } }],
          route: [
            { destination: { host: 'podinfo-primary', port }, weight: 80 },
            { destination: { host: 'podinfo-canary', port }, weight: 20 },
          ],
        },
      ],
    });
  });

  it('reads the weights from the tcp route, never from a leftover http route', () => {
    const c = tcpCanary();
    const w = { primary: 60, canary: 40, mirrored: false };
    expect(routeWeightsOf(c, virtualServiceSpec(c, w))).toEqual(w);
    expect(routeWeightsOf(c, virtualServiceSpec(routedCanary(), w))).toBeUndefined();
  });
});
