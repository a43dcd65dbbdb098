import { describe, expect, it } from 'vitest';
import { httpProxySpec, routeWeightsOf } from '../../../lib/adapters/routers/contour/http-proxy.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { abAnalysis, specCanary } from './ingress-fixtures.js';

const service = (name: string, weight: number) => ({
  name,
  port: 9898,
  weight,
  requestHeadersPolicy: { set: [{ name: 'l5d-dst-override', value: `${name}.test.svc.cluster.local:9898` }] },
});
const w = (c: number) => ({ primary: 100 - c, canary: c, mirrored: false });

describe('Contour HTTPProxy builder', () => {
  it("writes Flagger's route: prefix /, both services weighted, Linkerd header, timeout and retries", () => {
    const c = specCanary({
      provider: 'contour',
      service: {
        port: 9898,
        timeout: '15s',
        retries: { attempts: 3, perTryTimeout: '5s', retryOn: '5xx,reset' },
      },
    });
    expect(httpProxySpec(c, w(10))).toEqual({
      routes: [
        {
          conditions: [{ prefix: '/' }],
          timeoutPolicy: { response: '15s', idle: '5m' },
          retryPolicy: { count: 3, perTryTimeout: '5s', retryOn: ['5xx', 'reset'] },
          services: [service('podinfo-primary', 90), service('podinfo-canary', 10)],
        },
      ],
    });
    expect(routeWeightsOf(c, httpProxySpec(c, w(10)))).toEqual(w(10));
  });

  it('takes the prefix of service.match and sets the ingress class when configured', () => {
    const c = specCanary({
      provider: 'contour',
      service: { port: 9898, match: [{ uri: { prefix: '/api' } }] },
    });
    const spec = httpProxySpec(c, w(0), 'contour-public');
    expect(spec.ingressClassName).toBe('contour-public');
    expect(spec.routes.map((r) => r.conditions)).toEqual([[{ prefix: '/api' }]]);
  });

  it('A/B: one route per analysis match (conditions AND-ed) carrying the weights, then the default route 100/0', () => {
    const c = specCanary(
      { provider: 'contour' },
      abAnalysis([
        { headers: { 'x-canary': { exact: 'insider' } }, queryParams: { beta: { prefix: 'on' } } },
        { headers: { cookie: { suffix: 'insider' } } },
      ]),
    );
    const spec = httpProxySpec(c, w(100));
    expect(
      spec.routes.map((r) => ({ conditions: r.conditions, weights: r.services.map((s) => s.weight) })),
    ).toEqual([
      {
        conditions: [
          { prefix: '/' },
          { header: { name: 'x-canary', exact: 'insider' } },
          { queryParameter: { name: 'beta', prefix: 'on' } },
        ],
        weights: [0, 100],
      },
      {
        conditions: [{ prefix: '/' }, { header: { name: 'cookie', regex: '.*insider' } }],
        weights: [0, 100],
      },
      { conditions: [{ prefix: '/' }], weights: [100, 0] },
    ]);
    expect(routeWeightsOf(c, spec)).toEqual(w(100));
  });

  it('refuses mirroring; reads no routes without a canary service', () => {
    const c = specCanary({ provider: 'contour' });
    expect(() => httpProxySpec(c, { ...w(0), mirrored: true })).toThrow(UnsupportedRoutingError);
    expect(
      routeWeightsOf(c, { routes: [{ services: [{ name: 'podinfo-primary', weight: 100 }] }] }),
    ).toBeUndefined();
    expect(routeWeightsOf(c, { routes: [{ services: [{ name: 'podinfo-canary' }] }] })).toBeUndefined();
  });
});
