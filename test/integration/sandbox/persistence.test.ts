// Persistence with `dataFile`: a restarted sandbox has the same objects (uid, resourceVersion,
// creationTimestamp), keeps counting resourceVersions, serves the CRDs it had, resumes rollouts cut
// short, and expires watches older than its restart; the file is written after changes without close().
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiextensionsV1Api, AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, kubeConfigFor, openWatch, startSandbox, type Sandbox } from '../../support/sandbox.js';
import { deployment, flaggerCrds } from './fixtures.js';

const canaries = { group: 'flagger.app', version: 'v1beta1', namespace: 'test', plural: 'canaries' };

describe('persistence in a data file', () => {
  let dir: string;
  let dataFile: string;
  const clients = (sandbox: Sandbox) => {
    const kc = kubeConfigFor(sandbox);
    return {
      core: kc.makeApiClient(CoreV1Api),
      apps: kc.makeApiClient(AppsV1Api),
      custom: kc.makeApiClient(CustomObjectsApi),
      ext: kc.makeApiClient(ApiextensionsV1Api),
    };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-data-'));
    dataFile = join(dir, 'cluster.json');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('restarts with the same objects, types and resourceVersions, and resumes rollouts', async () => {
    const first = await startSandbox({ dataFile, rolloutDelayMs: 60_000, namespaces: ['default', 'test'] });
    const a = clients(first);
    for (const body of await flaggerCrds()) await a.ext.createCustomResourceDefinition({ body });
    const canary = (await a.custom.createNamespacedCustomObject({
      ...canaries,
      body: {
        apiVersion: 'flagger.app/v1beta1',
        kind: 'Canary',
        metadata: { name: 'podinfo' },
        spec: { provider: 'istio' },
      },
    })) as { metadata: { uid: string; resourceVersion: string; creationTimestamp: string } };
    const patched = (await a.custom.patchNamespacedCustomObjectStatus({
      ...canaries,
      name: 'podinfo',
      body: [{ op: 'add', path: '/status', value: { phase: 'Succeeded' } }],
    })) as { metadata: { resourceVersion: string } };
    const dep = await a.apps.createNamespacedDeployment({ namespace: 'test', body: deployment('podinfo') });
    expect(dep.status?.readyReplicas).toBe(0); // rolling; the 60 s rollout never finishes here
    await eventually(async () => (await readFile(dataFile, 'utf8')).includes('"podinfo"'), {
      message: 'data file written without close()',
    });
    // Read after close(): the rollout controller may still create Pods until then, and what close()
    // writes is what the restarted sandbox must resume from.
    await first.close();
    const lastRv = first.store.resourceVersion();

    const second = await startSandbox({ dataFile, rolloutDelayMs: 50, namespaces: ['default', 'test'] });
    try {
      const b = clients(second);
      // Counting goes on from the file (the resumed rollout may already have bumped it).
      expect(Number(second.store.resourceVersion())).toBeGreaterThanOrEqual(Number(lastRv));
      const restored = (await b.custom.getNamespacedCustomObject({ ...canaries, name: 'podinfo' })) as {
        metadata: { uid: string; creationTimestamp: string; resourceVersion: string };
        status: { phase: string };
      };
      expect(restored.metadata.uid).toBe(canary.metadata.uid);
      expect(restored.metadata.creationTimestamp).toBe(canary.metadata.creationTimestamp);
      expect(restored.metadata.resourceVersion).toBe(patched.metadata.resourceVersion);
      expect(restored.status.phase).toBe('Succeeded');
      const ready = await eventually(async () => {
        const d = await b.apps.readNamespacedDeployment({ name: 'podinfo', namespace: 'test' });
        return d.status?.readyReplicas === 1 && d;
      });
      expect(ready.metadata?.uid).toBe(dep.metadata?.uid);
      expect(Number(ready.metadata?.resourceVersion)).toBeGreaterThan(Number(lastRv));
      expect((await b.core.listNamespacedPod({ namespace: 'test' })).items).toHaveLength(1);

      const expired = await openWatch(
        second,
        `/api/v1/namespaces/test/configmaps?watch=true&resourceVersion=1`,
      );
      await expired.ended;
      expect(expired.events).toEqual([
        {
          type: 'ERROR',
          object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) as unknown,
        },
      ]);
    } finally {
      await second.close();
    }
    const saved = JSON.parse(await readFile(dataFile, 'utf8')) as { format: string; resourceVersion: number };
    expect(saved.format).toBe('sandbox.flagger.app/v1');
    expect(saved.resourceVersion).toBeGreaterThan(Number(lastRv));
  });

  it('refuses a file that is not a sandbox data file', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"hello":1}');
    await expect(startSandbox({ dataFile: bad })).rejects.toThrow(/is not a sandbox data file/);
  });
});
