/**
 * APISIX end to end: the weighted copy `podinfo-podinfo-canary` of the user's ApisixRoute shadows it
 * (priority 10000) and splits the traffic. APISIX reports per route, so the canary-side check reads
 * the canary route's traffic, both backends together: at 10 % a version answering 30 % errors shows
 * as 97 %, still below the 99 % minimum. There is no primary side.
 */
import { expect } from 'vitest';
import { routeWeightsOf } from '../../../lib/adapters/routers/apisix/apisix-route.js';
import { podinfoApisixRoute } from '../../unit/routers/ingress-fixtures.js';
import type { ProviderSetup } from './ingress-harness.js';
import { releaseSuite } from './suite.js';

const apisix: ProviderSetup = {
  provider: 'apisix',
  extraSpec: '  routeRef: { apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: podinfo }\n',
  objects: [podinfoApisixRoute()],
  weights: (sandbox, canary) => {
    const route = sandbox.store.get('apisix.apache.org/v2', 'ApisixRoute', 'test', 'podinfo-podinfo-canary');
    const w = routeWeightsOf(canary, route?.spec);
    return w ? [w.primary, w.canary] : [100, 0];
  },
};

releaseSuite('APISIX release (traffic simulator, sandbox metrics provider)', apisix, {
  query: 'apisix_http_status{route=~"test_podinfo-podinfo-canary_.+"',
  failingOver: 'route',
  names: { route: 'podinfo' },
  primarySide: false,
  afterPromotion: (w) => {
    expect(w.sandbox.store.get('apisix.apache.org/v2', 'ApisixRoute', 'test', 'podinfo')?.spec).toEqual(
      podinfoApisixRoute().spec,
    );
  },
});
