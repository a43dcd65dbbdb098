/**
 * Gloo Edge end to end: the RouteTable `podinfo` sends weighted traffic to the generated Upstreams;
 * the analysis reads Gloo's Envoy cluster metrics `<upstream>_<namespace>`.
 */
import { expect } from 'vitest';
import { routeWeightsOf } from '../../../lib/adapters/routers/gloo/objects.js';
import type { ProviderSetup } from './ingress-harness.js';
import { releaseSuite } from './suite.js';

const gloo: ProviderSetup = {
  provider: 'gloo',
  weights: (sandbox, canary) => {
    const w = routeWeightsOf(
      canary,
      sandbox.store.get('gateway.solo.io/v1', 'RouteTable', 'test', 'podinfo')?.spec,
    );
    return w ? [w.primary, w.canary] : [100, 0];
  },
};

releaseSuite('Gloo Edge release (traffic simulator, sandbox metrics provider)', gloo, {
  query: 'envoy_cluster_upstream_rq{envoy_cluster_name=~"test-podinfo-canaryupstream-',
  failingOver: 'canary',
  primarySide: true,
  afterPromotion: (w) => {
    const upstream = w.sandbox.store.get(
      'gloo.solo.io/v1',
      'Upstream',
      'test',
      'test-podinfo-canaryupstream-9898',
    );
    expect(upstream?.spec).toMatchObject({ kube: { serviceName: 'podinfo-canary', servicePort: 9898 } });
  },
});
