import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AppMeshRouter } from '../../../lib/adapters/routers/appmesh/router.js';
import { GatewayApiRouter } from '../../../lib/adapters/routers/gatewayapi/router.js';
import { IstioRouter } from '../../../lib/adapters/routers/istio/router.js';
import { KubernetesRouter, selectorValue, sideFor } from '../../../lib/adapters/routers/kubernetes/router.js';
import { UnsupportedRoutingError } from '../../../lib/adapters/routers/engine/errors.js';
import { makeClusterClients } from '../../../lib/adapters/kubernetes/client.js';
import { makeRouter } from '../../../lib/adapters/routers/index.js';
import { ConsulRouter } from '../../../lib/adapters/routers/consul/router.js';
import { KumaRouter } from '../../../lib/adapters/routers/kuma/router.js';
import { LinkerdRouter } from '../../../lib/adapters/routers/linkerd/router.js';
import { SmiRouter } from '../../../lib/adapters/routers/smi/router.js';
import { providers } from '../../../lib/domain/spec/accessors.js';
import { routedCanary } from './fixtures.js';

describe('kubernetes provider (pure parts)', () => {
  const c = routedCanary();

  it.each([
    { w: { primary: 100, canary: 0, mirrored: false }, want: 'primary' },
    { w: { primary: 0, canary: 100, mirrored: false }, want: 'canary' },
  ])('maps $w.primary/$w.canary to $want', ({ w, want }) => {
    expect(sideFor(c, w)).toBe(want);
  });

  it.each([
    { primary: 90, canary: 10, mirrored: false },
    { primary: 100, canary: 0, mirrored: true },
    { primary: 50, canary: 100, mirrored: false },
  ])('rejects $primary/$canary mirrored=$mirrored', (w) => {
    expect(() => sideFor(c, w)).toThrow(UnsupportedRoutingError);
    expect(() => sideFor(c, w)).toThrow(/only 100\/0 \(primary\) or 0\/100 \(canary\)/);
  });

  it('selects target pods by the target name, not the apex override', () => {
    const named = routedCanary({ name: 'frontend' });
    expect(selectorValue(named, 'primary')).toBe('podinfo-primary');
    expect(selectorValue(named, 'canary')).toBe('podinfo');
  });
});

describe('makeRouter', () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const clients = makeClusterClients('c', { kubeConfig: kc });

  it.each([
    { provider: 'istio', type: IstioRouter },
    { provider: 'gatewayapi', type: GatewayApiRouter },
    { provider: 'appmesh', type: AppMeshRouter },
    { provider: 'kubernetes', type: KubernetesRouter },
    { provider: 'linkerd', type: LinkerdRouter },
    { provider: 'smi', type: SmiRouter },
    { provider: 'consul', type: ConsulRouter },
    { provider: 'kuma', type: KumaRouter },
  ] as const)('builds the $provider router', ({ provider, type }) => {
    expect(makeRouter(provider, clients)).toBeInstanceOf(type);
  });

  it('covers every provider of the union', () => {
    for (const p of providers) expect(makeRouter(p, clients)).toBeDefined();
  });
});
