// Garbage collection and finalizers through client-node: background cascade along ownerReferences,
// Orphan and Foreground propagation, finalizers holding objects with a deletionTimestamp, namespace
// termination, and the Flagger migration case (adopted objects survive deleting the Canary).
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  type V1OwnerReference,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiFailure,
  hasKubectl,
  kubeConfigFor,
  kubectlFor,
  startSandbox,
  type Sandbox,
} from '../../support/sandbox.js';
import { deployment, flaggerCrds } from './fixtures.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const NS = 'test';

describe('garbage collection and finalizers', () => {
  let sandbox: Sandbox;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let custom: CustomObjectsApi;
  const owner = async (name: string): Promise<V1OwnerReference> => {
    const cm = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name } } });
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name,
      uid: cm.metadata?.uid ?? '',
      blockOwnerDeletion: true,
    };
  };
  const dependent = (name: string, ownerReferences: V1OwnerReference[], finalizers?: string[]) =>
    core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name, ownerReferences, finalizers } },
    });
  const read = (name: string): Promise<V1ConfigMap | undefined> =>
    core.readNamespacedConfigMap({ name, namespace: NS }).catch(() => undefined);
  const dropFinalizers = (name: string) =>
    core.patchNamespacedConfigMap({ name, namespace: NS, body: { metadata: { finalizers: null } } }, merge);

  beforeAll(async () => {
    sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', NS] });
    const kc = kubeConfigFor(sandbox);
    [core, apps, custom] = [
      kc.makeApiClient(CoreV1Api),
      kc.makeApiClient(AppsV1Api),
      kc.makeApiClient(CustomObjectsApi),
    ];
  });
  afterAll(() => sandbox.close());

  it('deletes dependents in the background, recursively, but keeps those with another live owner', async () => {
    const root = await owner('root');
    const other = await owner('other');
    const child = await dependent('child', [root]);
    await dependent('grandchild', [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'child', uid: child.metadata?.uid ?? '' },
    ]);
    await dependent('shared', [root, other]);
    await core.deleteNamespacedConfigMap({ name: 'root', namespace: NS });
    expect(await read('child')).toBeUndefined();
    expect(await read('grandchild')).toBeUndefined();
    expect((await read('shared'))?.metadata?.ownerReferences?.map((r) => r.name)).toEqual(['other']);
  });

  it('orphans dependents with propagationPolicy Orphan, removing the owner reference', async () => {
    const root = await owner('orphaner');
    await dependent('orphan', [root]);
    await core.deleteNamespacedConfigMap({ name: 'orphaner', namespace: NS, propagationPolicy: 'Orphan' });
    const orphan = await read('orphan');
    expect(orphan).toBeDefined();
    expect(orphan?.metadata?.ownerReferences).toBeUndefined();
  });

  it('keeps an object with finalizers, deletionTimestamp set, until they are removed', async () => {
    await dependent('held', [], ['example.com/hold']);
    const before = await read('held');
    await core.deleteNamespacedConfigMap({ name: 'held', namespace: NS });
    const held = await read('held');
    expect(held?.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(held?.metadata?.deletionGracePeriodSeconds).toBe(0);
    expect(held?.metadata?.generation).toBe((before?.metadata?.generation ?? 0) + 1);
    const adding = await apiFailure(
      core.patchNamespacedConfigMap(
        {
          name: 'held',
          namespace: NS,
          body: { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } },
        },
        merge,
      ),
    );
    expect(adding).toMatchObject({ code: 422, reason: 'Invalid' });
    await core.patchNamespacedConfigMap(
      { name: 'held', namespace: NS, body: { data: { still: 'writable' } } },
      merge,
    );
    await dropFinalizers('held');
    expect(await read('held')).toBeUndefined();
  });

  it('deletes the owner after its blocking dependents with propagationPolicy Foreground', async () => {
    const root = await owner('fg');
    await dependent('fg-free', [root]);
    await dependent('fg-held', [root], ['example.com/hold']);
    await core.deleteNamespacedConfigMap({ name: 'fg', namespace: NS, propagationPolicy: 'Foreground' });
    const waiting = await read('fg');
    expect(waiting?.metadata?.finalizers).toEqual(['foregroundDeletion']);
    expect(await read('fg-free')).toBeUndefined();
    expect((await read('fg-held'))?.metadata?.deletionTimestamp).toBeDefined();
    await dropFinalizers('fg-held');
    expect(await read('fg-held')).toBeUndefined();
    expect(await read('fg')).toBeUndefined();
  });

  it('terminates a namespace: contents deleted, creates refused, gone once empty', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'plain' } } });
    await core.createNamespacedConfigMap({
      namespace: 'doomed',
      body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } },
    });
    await core.deleteNamespace({ name: 'doomed' });
    expect((await core.readNamespace({ name: 'doomed' })).status?.phase).toBe('Terminating');
    const refused = await apiFailure(
      core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'x' } } }),
    );
    expect(refused).toMatchObject({ code: 403, reason: 'Forbidden' });
    await core.patchNamespacedConfigMap(
      { name: 'held', namespace: 'doomed', body: { metadata: { finalizers: null } } },
      merge,
    );
    expect((await apiFailure(core.readNamespace({ name: 'doomed' }))).code).toBe(404);
  });

  it('lets objects adopted from Flagger survive deleting its Canary, and collects those still owned', async () => {
    const ext = kubeConfigFor(sandbox).makeApiClient(ApiextensionsV1Api);
    for (const body of await flaggerCrds()) await ext.createCustomResourceDefinition({ body });
    const canary = (await custom.createNamespacedCustomObject({
      group: 'flagger.app',
      version: 'v1beta1',
      namespace: NS,
      plural: 'canaries',
      body: { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'podinfo' }, spec: {} },
    })) as { metadata: { uid: string } };
    const ownedByCanary = {
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      name: 'podinfo',
      uid: canary.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    for (const name of ['podinfo-primary', 'podinfo-leftover']) {
      const body = deployment(name);
      body.metadata = { ...body.metadata, ownerReferences: [ownedByCanary] };
      await apps.createNamespacedDeployment({ namespace: NS, body });
    }
    // Adoption: drop Flagger's owner reference from the primary.
    await apps.patchNamespacedDeployment(
      { name: 'podinfo-primary', namespace: NS, body: { metadata: { ownerReferences: null } } },
      merge,
    );
    expect((await core.listNamespacedPod({ namespace: NS })).items.length).toBe(2);
    await custom.deleteNamespacedCustomObject({
      group: 'flagger.app',
      version: 'v1beta1',
      namespace: NS,
      plural: 'canaries',
      name: 'podinfo',
    });
    expect(
      (await apps.readNamespacedDeployment({ name: 'podinfo-primary', namespace: NS })).status?.readyReplicas,
    ).toBe(1);
    expect(
      (await apiFailure(apps.readNamespacedDeployment({ name: 'podinfo-leftover', namespace: NS }))).code,
    ).toBe(404);
    const pods = (await core.listNamespacedPod({ namespace: NS })).items.map((p) => p.metadata?.name ?? '');
    expect(pods).toEqual([expect.stringMatching(/^podinfo-primary-/)]);
  });

  it.skipIf(!hasKubectl)('honours `kubectl delete --cascade=orphan` (needs kubectl on PATH)', async () => {
    const kubectl = await kubectlFor(sandbox);
    try {
      const root = await owner('k-root');
      await dependent('k-child', [root]);
      await kubectl.run(['delete', 'configmap', 'k-root', '-n', NS, '--cascade=orphan']);
      expect((await read('k-child'))?.metadata?.ownerReferences).toBeUndefined();
      const again = await owner('k-root2');
      await dependent('k-child2', [again]);
      await kubectl.run(['delete', 'configmap', 'k-root2', '-n', NS]);
      expect(await read('k-child2')).toBeUndefined();
    } finally {
      await kubectl.dispose();
    }
  });
});
