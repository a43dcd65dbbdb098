/**
 * Traefik end to end: the weighted TraefikService `podinfo` (referenced by the user's IngressRoute)
 * moves the traffic; the analysis reads Traefik's per-service request histogram.
 */
import { expect } from 'vitest';
import { routeWeightsOf } from '../../../lib/adapters/routers/traefik/traefik-service.js';
import type { ProviderSetup } from './ingress-harness.js';
import { releaseSuite } from './suite.js';

const traefik: ProviderSetup = {
  provider: 'traefik',
  weights: (sandbox, canary) => {
    const w = routeWeightsOf(
      canary,
      sandbox.store.get('traefik.io/v1alpha1', 'TraefikService', 'test', 'podinfo')?.spec,
    );
    return w ? [w.primary, w.canary] : [100, 0];
  },
};

releaseSuite('Traefik release (traffic simulator, sandbox metrics provider)', traefik, {
  query:
    'traefik_service_request_duration_seconds_bucket{service=~"test-podinfo-canary-[0-9a-zA-Z-]+@kubernetescrd",le="+Inf"',
  failingOver: 'canary',
  primarySide: true,
  afterPromotion: (w) => {
    const spec = w.sandbox.store.get('traefik.io/v1alpha1', 'TraefikService', 'test', 'podinfo')?.spec;
    expect(spec).toEqual({
      weighted: { services: [{ name: 'podinfo-primary', namespace: 'test', port: 9898, weight: 100 }] },
    });
  },
});
