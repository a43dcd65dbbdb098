import { describe, expect, it } from 'vitest';
import {
  routeTableSpec,
  routeWeightsOf,
  upstreamName,
  upstreamSpec,
} from '../../../lib/adapters/routers/gloo/objects.js';
import { abAnalysis, specCanary } from './ingress-fixtures.js';

const c = specCanary({ provider: 'gloo' });
const w = (x: number) => ({ primary: 100 - x, canary: x, mirrored: false });
const dest = (side: string, weight?: number) => ({
  destination: { upstream: { name: `test-podinfo-${side}upstream-9898`, namespace: 'test' } },
  ...(weight === undefined ? {} : { weight }),
});

describe('Gloo Edge builders', () => {
  it('names the Upstreams as Flagger does and points them at the -primary/-canary Services', () => {
    expect([upstreamName(c, 'primary'), upstreamName(c, 'canary')]).toEqual([
      'test-podinfo-primaryupstream-9898',
      'test-podinfo-canaryupstream-9898',
    ]);
    expect(upstreamSpec(c, { name: 'podinfo-primary', selector: { app: 'podinfo-primary' } })).toEqual({
      kube: {
        serviceName: 'podinfo-primary',
        serviceNamespace: 'test',
        servicePort: 9898,
        selector: { app: 'podinfo-primary' },
      },
    });
  });

  it("copies Flagger's list of settings from the upstreamRef Upstream, and nothing else", () => {
    const config = {
      kube: { serviceName: 'other' },
      loadBalancerConfig: { roundRobin: {}, healthyPanicThreshold: 50 },
      connectionConfig: { connectTimeout: '2s' },
      useHttp2: true,
      discoveryMetadata: { labels: { x: 'y' } },
    };
    expect(upstreamSpec(c, { name: 'podinfo-canary' }, config)).toEqual({
      loadBalancerConfig: { healthyPanicThreshold: 50 },
      connectionConfig: { connectTimeout: '2s' },
      useHttp2: true,
      kube: { serviceName: 'podinfo-canary', serviceNamespace: 'test', servicePort: 9898 },
    });
  });

  it('writes one route with weighted destinations; a 0 weight is omitted, as Flagger serialises it', () => {
    expect(routeTableSpec(c, w(0))).toEqual({
      routes: [
        {
          inheritablePathMatchers: true,
          routeAction: { multi: { destinations: [dest('primary', 100), dest('canary')] } },
        },
      ],
    });
    expect(routeWeightsOf(c, routeTableSpec(c, w(30)))).toEqual(w(30));
  });

  it('A/B: the matched route (header, regex header, query, method) carries the weights, then everything else at 100/0', () => {
    const ab = specCanary(
      { provider: 'gloo' },
      abAnalysis([
        { headers: { 'x-canary': { exact: 'insider' } }, method: { exact: 'get' } },
        { headers: { 'user-agent': { regex: '.*Firefox.*' } }, queryParams: { beta: { suffix: 'on' } } },
      ]),
    );
    expect(routeTableSpec(ab, w(100))).toEqual({
      routes: [
        {
          matchers: [
            { headers: [{ name: 'x-canary', value: 'insider' }], methods: ['GET'] },
            {
              headers: [{ name: 'user-agent', value: '.*Firefox.*', regex: true }],
              queryParameters: [{ name: 'beta', value: '.*on', regex: true }],
            },
          ],
          inheritablePathMatchers: true,
          routeAction: { multi: { destinations: [dest('primary'), dest('canary', 100)] } },
        },
        {
          inheritablePathMatchers: true,
          routeAction: { multi: { destinations: [dest('primary', 100), dest('canary')] } },
        },
      ],
    });
    expect(routeWeightsOf(ab, routeTableSpec(ab, w(100)))).toEqual(w(100));
  });

  it('reads no routes when no destination names the canary Upstream', () => {
    expect(
      routeWeightsOf(c, { routes: [{ routeAction: { multi: { destinations: [dest('primary', 100)] } } }] }),
    ).toBeUndefined();
  });
});
