/**
 * Flagger's status fields on Canary objects, against the sandbox API server with Flagger's CRDs
 * (infra/kubernetes/flagger-crds.yaml): the status of a canary registered through the API is
 * written to the Canary object of the same namespace and name only when the cluster's record asks
 * (`gitops.statusForApiCanaries`, docs/gitops.md) — then `kubectl get canaries` shows STATUS and
 * WEIGHT and `kubectl wait --for=condition=promoted` returns — and the adapter's conditional status
 * write. Requests are counted, never timed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCanaryObjects } from '../../../lib/adapters/kubernetes/canary-objects.js';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { apply, podinfoCanary, podinfoDeployment, podinfoKey as key } from '../../support/release.js';
import { hasKubectl, kubectlFor, startSandbox, type Kubectl, type Sandbox } from '../../support/sandbox.js';
import { clientsFor } from './setup.js';

const signal = new AbortController().signal;
const yaml = podinfoCanary('threshold: 2\nmaxWeight: 50\nstepWeight: 25');

let sandbox: Sandbox;
let cp: ControlPlane;
let kubectl: Kubectl;

type Live = {
  metadata: { resourceVersion: string; finalizers?: string[]; annotations?: Record<string, string> };
  status?: { phase?: string; canaryWeight?: number; conditions?: { type: string; status: string }[] };
};
const live = () => sandbox.store.get('flagger.app/v1beta1', 'Canary', 'test', 'podinfo') as Live | undefined;
const statusWrites = (since: ReturnType<Sandbox['mark']>) =>
  sandbox.requestCount({ since, method: 'PATCH', path: /^\/apis\/flagger\.app\/.*\/status$/ });

beforeEach(async () => {
  sandbox = await startSandbox({ name: 'sandbox', rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  cp = await startControlPlane();
  kubectl = await kubectlFor(sandbox);
  await kubectl.run(['apply', '-f', 'infra/kubernetes/flagger-crds.yaml']);
  await apply(sandbox, podinfoDeployment('podinfo:6.0.0'));
  // The object Flux would apply; the cluster does not source it (gitops.enabled false).
  await kubectl.run(['apply', '-f', '-'], yaml);
}, 60_000);

afterEach(async () => {
  await kubectl.dispose();
  await cp.close();
  await sandbox.close();
});

/** Registers the cluster (with `gitops` as given) and the canary through the API. */
async function register(gitops?: object): Promise<void> {
  const cluster = {
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.httpUrl,
    token: sandbox.token,
    gitops,
  };
  expect((await cp.api('POST', '/clusters', cluster)).status).toBe(201);
  const created = await cp.api('POST', '/canaries', yaml, { cluster: 'sandbox' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}

/** Ticks 10 s at a time until the canary is in `phase` (at most 30 ticks). */
async function until(phase: string, weight?: number) {
  let row = await cp.tick(key, 0);
  for (
    let i = 0;
    i < 30 &&
    (row?.status.phase !== phase || (weight ?? row.status.canaryWeight) !== row.status.canaryWeight);
    i++
  )
    row = await cp.tick(key, 10_000);
  expect(row?.status).toMatchObject({ phase, ...(weight !== undefined && { canaryWeight: weight }) });
  return row!;
}

describe.skipIf(!hasKubectl)('the status of API-registered canaries on their Canary objects', () => {
  it('with statusForApiCanaries: kubectl get shows STATUS and WEIGHT, kubectl wait returns', async () => {
    await register({ enabled: false, statusForApiCanaries: true });
    await until('Initialized');
    expect(await kubectl.run(['get', 'canaries', '-n', 'test'])).toMatch(/podinfo\s+Initialized\s+0/);

    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    await until('Progressing', 25);
    expect(await kubectl.run(['get', 'canaries', '-n', 'test'])).toMatch(/podinfo\s+Progressing\s+25/);
    const wait = kubectl.start([
      'wait',
      'canary/podinfo',
      '-n',
      'test',
      '--for=condition=promoted',
      '--timeout=120s',
    ]);
    await until('Succeeded');
    const waited = await wait.exited;
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stdout).toContain('condition met');
    expect(await kubectl.run(['get', 'canaries', '-n', 'test'])).toMatch(/podinfo\s+Succeeded\s+0/);

    // Written, never sourced: no finalizer, no generation annotation; a quiet minute writes nothing.
    expect(live()?.metadata.finalizers ?? []).toEqual([]);
    expect(live()?.metadata.annotations?.['flagger-serverless.app/generation']).toBeUndefined();
    const quiet = sandbox.mark();
    await cp.tick(key, 60_000);
    expect(statusWrites(quiet)).toBe(0);
  }, 120_000);

  it('without the opt-in: released all the same, nothing is written to the object', async () => {
    const mark = sandbox.mark();
    await register({ enabled: false });
    await until('Initialized');
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    await until('Succeeded');
    expect(live()?.status).toBeUndefined();
    expect(sandbox.requestCount({ since: mark, path: '/apis/flagger.app/' })).toBe(0);
    const table = await kubectl.run(['get', 'canaries', '-n', 'test']);
    const row = table.split('\n').find((l) => l.startsWith('podinfo'));
    expect(row?.trim().split(/\s+/)).toEqual(['podinfo']); // STATUS and WEIGHT empty
  }, 120_000);

  it('the adapter writes the status only over the version it read, when one is given', async () => {
    const objects = new KubernetesCanaryObjects(await clientsFor(sandbox));
    const read = live()!.metadata.resourceVersion;
    expect(await objects.writeStatus('test', 'podinfo', { phase: 'Initializing' }, signal, read)).toBe(true);
    // Stale now: refused (409), the status written stays.
    expect(await objects.writeStatus('test', 'podinfo', { phase: 'Failed' }, signal, read)).toBe(false);
    expect(live()?.status?.phase).toBe('Initializing');
    expect(await objects.writeStatus('test', 'podinfo', { phase: 'Initialized' }, signal)).toBe(true);
    expect(live()?.status?.phase).toBe('Initialized');
    expect(await objects.writeStatus('test', 'absent', { phase: 'Initialized' }, signal)).toBe(false);
  });
});
