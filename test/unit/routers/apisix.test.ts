import { describe, expect, it } from 'vitest';
import {
  canaryRouteName,
  canaryRouteSpec,
  routeWeightsOf,
  withWeights,
} from '../../../lib/adapters/routers/apisix/apisix-route.js';
import { InvalidRoutesError, UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { podinfoApisixRoute, specCanary } from './ingress-fixtures.js';

const routeRef = { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', name: 'podinfo' };
const c = specCanary({ provider: 'apisix', routeRef });
const w = (x: number) => ({ primary: 100 - x, canary: x, mirrored: false });

describe('APISIX canary ApisixRoute builder', () => {
  it('copies the apex rule at priority 10000 with weighted primary and canary backends, as Flagger does', () => {
    expect(canaryRouteName(c)).toBe('podinfo-podinfo-canary');
    expect(canaryRouteSpec(c, podinfoApisixRoute().spec, w(0))).toEqual({
      http: [
        {
          name: 'method',
          priority: 10000,
          match: { hosts: ['app.example.com'], methods: ['GET'], paths: ['/*'] },
          backends: [
            { serviceName: 'podinfo-primary', servicePort: 9898, weight: 100 },
            { serviceName: 'podinfo-canary', servicePort: 9898, weight: 0 },
          ],
          plugins: [{ name: 'prometheus', enable: true, config: { disable: false, prefer_name: true } }],
        },
      ],
    });
  });

  it('keeps only the apex rule and drops stream routes', () => {
    const source = {
      http: [
        { name: 'other', backends: [{ serviceName: 'web', servicePort: 80 }] },
        {
          name: 'app',
          backends: [{ serviceName: 'podinfo', servicePort: 'http', resolveGranularity: 'service' }],
        },
      ],
      stream: [
        {
          name: 'tcp',
          protocol: 'TCP',
          match: { ingressPort: 9000 },
          backend: { serviceName: 'podinfo', servicePort: 9000 },
        },
      ],
    };
    const spec = canaryRouteSpec(c, source, w(10)) as { http: { name: string; backends: unknown[] }[] };
    expect(Object.keys(spec)).toEqual(['http']);
    expect(spec.http.map((r) => r.name)).toEqual(['app']);
    expect(spec.http[0].backends).toEqual([
      { serviceName: 'podinfo-primary', servicePort: 'http', resolveGranularity: 'service', weight: 90 },
      { serviceName: 'podinfo-canary', servicePort: 'http', resolveGranularity: 'service', weight: 10 },
    ]);
  });

  it('refuses a source without an apex backend, or with several backends on that rule', () => {
    expect(() =>
      canaryRouteSpec(c, { http: [{ name: 'x', backends: [{ serviceName: 'web' }] }] }, w(0)),
    ).toThrow(InvalidRoutesError);
    const two = { http: [{ name: 'x', backends: [{ serviceName: 'podinfo' }, { serviceName: 'web' }] }] };
    expect(() => canaryRouteSpec(c, two, w(0))).toThrow(UnsupportedRoutingError);
  });

  it('changes only the weights of a live canary route; reads them back (absent weight: 100)', () => {
    const live = canaryRouteSpec(c, podinfoApisixRoute().spec, w(0));
    const next = withWeights(c, live, w(40));
    expect(routeWeightsOf(c, next)).toEqual(w(40));
    expect({ ...next, http: undefined }).toEqual({ ...live, http: undefined });
    expect(
      routeWeightsOf(c, { http: [{ name: 'x', backends: [{ serviceName: 'podinfo-primary' }] }] }),
    ).toEqual(w(0));
    expect(routeWeightsOf(c, podinfoApisixRoute().spec)).toBeUndefined();
    expect(withWeights(c, podinfoApisixRoute().spec, w(10))).toBeUndefined();
  });
});
