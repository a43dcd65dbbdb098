/**
 * Blue/green and A/B through the ingress controllers, as Flagger supports them: blue/green on NGINX,
 * Contour and Gloo Edge (every client on the primary for the iterations, then all switched to the
 * canary, then promoted; Traefik and APISIX too, beyond Flagger's list), A/B by header on Contour and Gloo Edge (NGINX's header and cookie A/B:
 * nginx.test.ts). The iterations carry no builtin check: the controller's metrics see no canary
 * request before the switch, and validation refuses one (test/unit/spec/ingress-providers.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { podinfoCanary } from '../../support/release.js';
import { podinfoApisixRoute, podinfoIngress } from '../../unit/routers/ingress-fixtures.js';
import {
  AB_ANALYSIS,
  analysedChecks,
  expectCanaryShares,
  expectPromoted,
  initialize,
  startMeshWorld,
  type MeshWorld,
} from './mesh-harness.js';
import {
  apisixRouteWeight,
  httpProxyWeight,
  nginxCanaryWeight,
  routeTableWeight,
  traefikServiceWeight,
} from './mesh-weights.js';

/** Blue/green without metrics: three iterations, then the switch. */
const BLUE_GREEN = 'threshold: 2\niterations: 3';

const NGINX_REF = '  ingressRef: { apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo }\n';
const APISIX_REF = '  routeRef: { apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: podinfo }\n';

async function world(provider: string, analysis: string, extraSpec?: string): Promise<MeshWorld> {
  const w = await startMeshWorld();
  if (provider === 'nginx') w.sandbox.store.put(podinfoIngress() as never);
  if (provider === 'apisix') w.sandbox.store.put(podinfoApisixRoute() as never);
  await initialize(w, podinfoCanary(analysis, { provider, extraSpec }));
  return w;
}

describe.each([
  { provider: 'nginx', extraSpec: NGINX_REF, weight: nginxCanaryWeight },
  { provider: 'contour', extraSpec: undefined, weight: httpProxyWeight },
  { provider: 'gloo', extraSpec: undefined, weight: routeTableWeight },
  // Not in Flagger's blue/green list, yet their weights switch the same way.
  { provider: 'traefik', extraSpec: undefined, weight: traefikServiceWeight },
  { provider: 'apisix', extraSpec: APISIX_REF, weight: apisixRouteWeight },
])('blue/green on $provider', ({ provider, extraSpec, weight }) => {
  it('keeps every client on the primary for the iterations, switches them all, then promotes', async () => {
    const w = await world(provider, BLUE_GREEN, extraSpec);
    const run = await expectPromoted(w, () => weight(w), [0, 100, 0]);
    expect(run.during.filter((x) => x === 0).length).toBeGreaterThanOrEqual(3);
    expect(run.during.filter((x) => x === 100).length).toBeGreaterThanOrEqual(1);
    expectCanaryShares(w, run, (x) => x / 100);
    const steps = (
      await w.cp.core.history.list(
        { cluster: 'sandbox', namespace: 'test', name: 'podinfo' },
        { limit: 50 },
        new AbortController().signal,
      )
    ).map((h) => h.reason);
    expect(steps.filter((r) => r === 'IterationAdvanced').length).toBeGreaterThanOrEqual(2);
    expect(steps).toContain('TrafficRoutedToCanary');
  });
});

describe.each([
  { provider: 'contour', weight: httpProxyWeight },
  { provider: 'gloo', weight: routeTableWeight },
])('A/B by header on $provider', ({ provider, weight }) => {
  it('sends only requests with the header to the canary for the iterations, then promotes', async () => {
    const w = await world(provider, AB_ANALYSIS);
    const run = await expectPromoted(w, () => weight(w), [0, 100, 0]);
    // The simulator's 10 % of requests carry `x-canary: insider`.
    expectCanaryShares(w, run, (x) => (x === 100 ? 0.1 : 0));
    const rates = (await analysedChecks(w)).map((s) => s.checks[0]);
    expect(rates.length).toBeGreaterThanOrEqual(2);
    expect(rates.every((c) => c.verdict === 'pass' && c.value === 100)).toBe(true);
  });
});
