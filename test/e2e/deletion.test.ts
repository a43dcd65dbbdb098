/** DELETE with and without revertOnDeletion (Flagger's finalizer semantics). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../support/controlplane.js';
import {
  apply,
  initializeCanary,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey as key,
  virtualServiceWeights,
} from '../support/release.js';
import { startSandbox, type Sandbox } from '../support/sandbox.js';

let sandbox: Sandbox;
let cp: ControlPlane;

async function initialized(revertOnDeletion: boolean): Promise<void> {
  const extraSpec = revertOnDeletion ? '  revertOnDeletion: true\n' : '';
  await initializeCanary(cp, sandbox, podinfoCanary('maxWeight: 50\nstepWeight: 10', { extraSpec }));
}

const apex = () =>
  sandbox.store.get('v1', 'Service', 'test', 'podinfo') as { spec: { selector: Record<string, string> } };
const target = () =>
  sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo') as { spec: { replicas: number } };

beforeEach(async () => {
  sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  cp = await startControlPlane();
});
afterEach(async () => {
  await cp.close();
  await sandbox.close();
});

describe('deleting a canary', () => {
  it('without revertOnDeletion: removes the row at once and leaves the cluster as it is', async () => {
    await initialized(false);
    expect((await cp.api('DELETE', '/canaries/sandbox/test/podinfo')).status).toBe(204);
    expect((await cp.api('GET', '/canaries/sandbox/test/podinfo')).status).toBe(404);
    expect(apex().spec.selector).toEqual({ app: 'podinfo-primary' });
  });

  it('without revertOnDeletion, mid-release: answers 202, moves all traffic back to the primary, then removes the row', async () => {
    await initialized(false);
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    for (let i = 0; i < 6 && virtualServiceWeights(sandbox)[1] === 0; i++) await cp.tick(key, 10_000);
    expect(virtualServiceWeights(sandbox)[1]).toBeGreaterThan(0);

    expect((await cp.api('DELETE', '/canaries/sandbox/test/podinfo')).status).toBe(202);
    await cp.deliver();

    expect((await cp.api('GET', '/canaries/sandbox/test/podinfo')).status).toBe(404);
    expect(virtualServiceWeights(sandbox)).toEqual([100, 0]);
    expect(apex().spec.selector).toEqual({ app: 'podinfo-primary' });
  });

  it('with revertOnDeletion: scales the target back, points the apex at it, then removes the row', async () => {
    await initialized(true);
    expect(target().spec.replicas).toBe(0);
    expect(apex().spec.selector).toEqual({ app: 'podinfo-primary' });
    const del = await cp.api('DELETE', '/canaries/sandbox/test/podinfo');
    expect(del.status).toBe(202);
    for (let i = 0; i < 6 && (await cp.api('GET', '/canaries/sandbox/test/podinfo')).status === 200; i++)
      await cp.tick(key, 10_000);
    expect((await cp.api('GET', '/canaries/sandbox/test/podinfo')).status).toBe(404);
    expect(target().spec.replicas).toBe(2);
    expect(apex().spec.selector).toEqual({ app: 'podinfo' });
    expect(
      sandbox.store.get('networking.istio.io/v1beta1', 'VirtualService', 'test', 'podinfo'),
    ).toBeUndefined();
  });
});
