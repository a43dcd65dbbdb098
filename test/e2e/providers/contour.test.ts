/**
 * Contour end to end: the HTTPProxy `podinfo` (included by the user's root HTTPProxy) moves the
 * traffic; the analysis reads Envoy's cluster metrics of the -primary/-canary Services.
 */
import { expect } from 'vitest';
import { routeWeightsOf } from '../../../lib/adapters/routers/contour/http-proxy.js';
import type { ProviderSetup } from './ingress-harness.js';
import { releaseSuite } from './suite.js';

const root = {
  apiVersion: 'projectcontour.io/v1',
  kind: 'HTTPProxy',
  metadata: { name: 'podinfo-ingress', namespace: 'test' },
  spec: { virtualhost: { fqdn: 'app.example.com' }, includes: [{ name: 'podinfo', namespace: 'test' }] },
};

const contour: ProviderSetup = {
  provider: 'contour',
  objects: [root],
  weights: (sandbox, canary) => {
    const w = routeWeightsOf(
      canary,
      sandbox.store.get('projectcontour.io/v1', 'HTTPProxy', 'test', 'podinfo')?.spec,
    );
    return w ? [w.primary, w.canary] : [100, 0];
  },
};

releaseSuite('Contour release (traffic simulator, sandbox metrics provider)', contour, {
  query: 'envoy_cluster_upstream_rq{envoy_cluster_name=~"test_podinfo-canary_[0-9a-zA-Z-]+"',
  failingOver: 'canary',
  primarySide: true,
  afterPromotion: (w) => {
    expect(w.sandbox.store.get('projectcontour.io/v1', 'HTTPProxy', 'test', 'podinfo-ingress')?.spec).toEqual(
      root.spec,
    );
  },
});
