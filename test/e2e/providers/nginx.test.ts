/**
 * NGINX ingress end to end: the canary Ingress's annotations move the traffic the simulator sends
 * through the `podinfo` Ingress, and the analysis reads ingress-nginx's metrics.
 */
import { describe, expect, it } from 'vitest';
import { routeWeightsOf } from '../../../lib/adapters/routers/nginx/ingress.js';
import { podinfoIngress } from '../../unit/routers/ingress-fixtures.js';
import { expectAbSplit, release, startProvider, type ProviderSetup } from './ingress-harness.js';
import { releaseSuite } from './suite.js';

const nginx: ProviderSetup = {
  provider: 'nginx',
  extraSpec: '  ingressRef: { apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo }\n',
  objects: [podinfoIngress()],
  weights: (sandbox, canary) => {
    const ing = sandbox.store.get('networking.k8s.io/v1', 'Ingress', 'test', 'podinfo-canary');
    const w = routeWeightsOf(canary, ing?.metadata.annotations);
    return w ? [w.primary, w.canary] : [100, 0];
  },
};

releaseSuite('NGINX ingress release (traffic simulator, sandbox metrics provider)', nginx, {
  query: 'nginx_ingress_controller_requests{namespace="test",ingress="podinfo",canary!=""',
  failingOver: 'canary',
  primarySide: true,
  afterPromotion: (w) => {
    // The user's Ingress is read, never written.
    expect(w.sandbox.store.get('networking.k8s.io/v1', 'Ingress', 'test', 'podinfo')?.spec).toEqual(
      podinfoIngress().spec,
    );
  },
});

describe('NGINX ingress A/B', () => {
  it('A/B: only insiders (header or cookie) reach the canary, then it is promoted', async () => {
    const ab: ProviderSetup = {
      ...nginx,
      analysis: `threshold: 2
iterations: 2
match:
  - headers: { x-canary: { exact: insider } }
  - headers: { cookie: { exact: canary } }
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }`,
    };
    const w = await startProvider(ab);
    const run = await release(w, ab, 'podinfo:6.0.1', (p) => p === 'Succeeded');
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 100, 0]);
    // 10 % of the simulated requests carry the insider header and cookie.
    expectAbSplit(run, 0.1);
  });
});
