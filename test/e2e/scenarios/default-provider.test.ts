/**
 * The provider of a canary without `spec.provider`: the cluster record's default, else the
 * deployment's DEFAULT_PROVIDER — in registration and in every step (the old code hard-coded
 * `istio` in both, so DEFAULT_PROVIDER did nothing).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { apply, podinfoDeployment, podinfoKey as key } from '../../support/release.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { stepUntilPhase } from '../../support/scenario.js';

let cp: ControlPlane;
let sandbox: Sandbox;
afterEach(async () => {
  await cp?.close();
  await sandbox?.close();
});

const noProvider = (analysis = 'maxWeight: 50\n    stepWeight: 10') => `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: test }
spec:
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis:
    interval: 10s
    ${analysis}
`;

async function start(env: Record<string, string>, clusterDefault?: string): Promise<void> {
  sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  cp = await startControlPlane({ env });
  const r = await cp.api('POST', '/clusters', {
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.httpUrl,
    token: sandbox.token,
    ...(clusterDefault ? { defaultProvider: clusterDefault } : {}),
  });
  expect(r.status).toBe(201);
  await apply(sandbox, podinfoDeployment('podinfo:6.0.0'));
}

const has = (apiVersion: string, kind: string) =>
  sandbox.store.get(apiVersion, kind, 'test', 'podinfo') !== undefined;

describe('the default provider', () => {
  it('DEFAULT_PROVIDER routes a canary whose cluster names no default', async () => {
    await start({ DEFAULT_PROVIDER: 'gatewayapi' });
    expect((await cp.api('POST', '/canaries', noProvider(), { cluster: 'sandbox' })).status).toBe(201);
    expect((await stepUntilPhase(cp, key, ['Initialized'], { first: 0 })).row.status.phase).toBe(
      'Initialized',
    );
    expect(has('gateway.networking.k8s.io/v1', 'HTTPRoute')).toBe(true);
    expect(has('networking.istio.io/v1beta1', 'VirtualService')).toBe(false);
  });

  it("the cluster's default wins over DEFAULT_PROVIDER", async () => {
    await start({ DEFAULT_PROVIDER: 'gatewayapi' }, 'istio');
    expect((await cp.api('POST', '/canaries', noProvider(), { cluster: 'sandbox' })).status).toBe(201);
    await stepUntilPhase(cp, key, ['Initialized'], { first: 0 });
    expect(has('networking.istio.io/v1beta1', 'VirtualService')).toBe(true);
    expect(has('gateway.networking.k8s.io/v1', 'HTTPRoute')).toBe(false);
  });

  it('registration judges the routing with the provider that will route it', async () => {
    await start({ DEFAULT_PROVIDER: 'traefik' });
    const ab = noProvider('iterations: 5\n    match: [{ headers: { x-canary: { exact: insider } } }]');
    const r = await cp.api('POST', '/canaries', ab, { cluster: 'sandbox' });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        path: 'spec.analysis.match',
        message: expect.stringContaining('default provider "traefik"'),
      }),
    ]);
  });
});
