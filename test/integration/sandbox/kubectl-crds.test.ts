// kubectl with Flagger's CRDs: apply them, create a Canary, write its status through /status, see
// STATUS/WEIGHT in `kubectl get canaries -A` (more with -o wide), `kubectl wait
// --for=condition=promoted` returning when the Promoted condition turns True, and `kubectl delete crd`
// taking the canaries with it. Runs only where kubectl is on PATH.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  hasKubectl,
  kubectlFor,
  startSandbox,
  type Kubectl,
  type Sandbox,
} from '../../support/sandbox.js';
import { FLAGGER_CRDS } from './fixtures.js';

const reason = 'needs a kubectl binary on PATH';
const CANARY = new URL('../../fixtures/podinfo-canary.yaml', import.meta.url);

describe.skipIf(!hasKubectl)(`kubectl with Flagger's CRDs (${reason})`, () => {
  let sandbox: Sandbox;
  let kubectl: Kubectl;
  const canary = () => sandbox.store.get('flagger.app/v1beta1', 'Canary', 'test', 'podinfo');

  beforeAll(async () => {
    sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
    kubectl = await kubectlFor(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
    await kubectl.dispose();
  });

  it('applies the CRDs and a Canary manifest as written for Flagger', async () => {
    const crds = await kubectl.run(['apply', '-f', FLAGGER_CRDS]);
    expect(crds).toContain('customresourcedefinition.apiextensions.k8s.io/canaries.flagger.app created');
    expect(crds).toContain(
      'customresourcedefinition.apiextensions.k8s.io/alertproviders.flagger.app created',
    );
    const established = await kubectl.run([
      'wait',
      '--for=condition=established',
      'crd/canaries.flagger.app',
      '--timeout=10s',
    ]);
    expect(established).toContain('condition met');
    expect(await kubectl.run(['apply', '-f', '-'], await readFile(CANARY, 'utf8'))).toContain(
      'canary.flagger.app/podinfo created',
    );
    expect(canary()?.metadata.generation).toBe(1);
  });

  it('shows status columns in `get canaries -A`, and the rest with -o wide', async () => {
    const before = await kubectl.run(['get', 'canaries', '-A']);
    expect(before).toMatch(/^NAMESPACE\s+NAME\s+STATUS\s+WEIGHT\s+LASTTRANSITIONTIME\n/);
    expect(before).toMatch(/\ntest\s+podinfo\s+\n$/); // no status yet: empty cells
    const patched = await kubectl.run([
      'patch',
      'canary',
      'podinfo',
      '-n',
      'test',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          phase: 'Progressing',
          canaryWeight: 20,
          failedChecks: 0,
          lastTransitionTime: '2024-05-01T10:00:00Z',
        },
      }),
    ]);
    expect(patched).toContain('canary.flagger.app/podinfo patched');
    expect(canary()?.metadata.generation).toBe(1);
    const after = await kubectl.run(['get', 'canaries', '-A']);
    expect(after).toMatch(/\ntest\s+podinfo\s+Progressing\s+20\s+2024-05-01T10:00:00Z\n$/);
    const wide = await kubectl.run(['get', 'canary', 'podinfo', '-n', 'test', '-o', 'wide']);
    expect(wide).toMatch(
      /^NAME\s+STATUS\s+WEIGHT\s+SUSPENDED\s+FAILEDCHECKS\s+INTERVAL\s+MIRROR\s+STEPWEIGHT\s+STEPWEIGHTS\s+MAXWEIGHT\s+LASTTRANSITIONTIME\n/,
    );
    expect(wide).toMatch(
      // SUSPENDED, MIRROR and STEPWEIGHTS are unset in the manifest: empty cells.
      /\npodinfo\s+Progressing\s+20\s+0\s+1m\s+10\s+50\s+2024-05-01T10:00:00Z\n$/,
    );
  });

  it('returns from `kubectl wait --for=condition=promoted` once the Promoted condition is True', async () => {
    const wait = kubectl.start([
      'wait',
      '--for=condition=promoted',
      'canary/podinfo',
      '-n',
      'test',
      '--timeout=30s',
    ]);
    await eventually(() => sandbox.openWatches() > 0, { message: 'kubectl wait watching' });
    const condition = (status: string) => ({
      type: 'Promoted',
      status,
      reason: status === 'True' ? 'Succeeded' : 'Progressing',
      message: 'Canary analysis completed successfully, promotion finished.',
      lastUpdateTime: '2024-05-01T10:05:00Z',
      lastTransitionTime: '2024-05-01T10:05:00Z',
    });
    const setCondition = (status: string) =>
      kubectl.run([
        'patch',
        'canary',
        'podinfo',
        '-n',
        'test',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({ status: { phase: 'Progressing', conditions: [condition(status)] } }),
      ]);
    await setCondition('Unknown');
    await setCondition('False');
    expect(wait.output()).toBe('');
    await setCondition('True');
    const { code, stdout } = await wait.exited;
    expect(code).toBe(0);
    expect(stdout).toContain('canary.flagger.app/podinfo condition met');
    await eventually(() => sandbox.openWatches() === 0, { message: 'watch closed' });
  });

  it('deletes the canaries with their CRD', async () => {
    expect(await kubectl.run(['delete', 'crd', 'canaries.flagger.app'])).toContain(
      'customresourcedefinition.apiextensions.k8s.io "canaries.flagger.app" deleted',
    );
    expect(() => canary()).toThrow(/does not serve flagger.app\/v1beta1 Canary/);
    // kubectl's cached discovery still knows the type; the list itself is a 404.
    await expect(kubectl.run(['get', 'canaries', '-A'])).rejects.toThrow(
      /the server could not find the requested resource/,
    );
  });
});
