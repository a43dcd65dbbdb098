// The Deployment controller simulation: rolling → ready after rolloutDelayMs, never-ready and
// progress-deadline annotations, scale to zero, fake Pods, and the /status subresource.
import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_EXCEEDED, NEVER_READY } from '../../../sandbox/apiserver/index.js';
import { eventually, kubeConfigFor, startSandbox, type Sandbox } from '../../support/sandbox.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function deployment(name: string, replicas: number, annotations: Record<string, string> = {}): V1Deployment {
  return {
    metadata: { name, annotations },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'app:1' }] },
      },
    },
  };
}

const condition = (d: V1Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

/** Flagger's readiness rule, in short. */
function isReady(d: V1Deployment): boolean {
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    (s.updatedReplicas ?? 0) === (d.spec?.replicas ?? 1) &&
    (s.replicas ?? 0) === (s.updatedReplicas ?? 0) &&
    (s.availableReplicas ?? 0) === (s.updatedReplicas ?? 0) &&
    condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable'
  );
}

describe('deployment rollout simulation', () => {
  let sandbox: Sandbox;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  const read = (name: string) => apps.readNamespacedDeployment({ name, namespace: 'default' });
  const readyDeployment = (name: string) =>
    eventually(
      async () => {
        const d = await read(name);
        return isReady(d) && d;
      },
      { message: `${name} ready` },
    );

  beforeAll(async () => {
    sandbox = await startSandbox({ https: false, rolloutDelayMs: 100 });
    const kc = kubeConfigFor(sandbox);
    [apps, core] = [kc.makeApiClient(AppsV1Api), kc.makeApiClient(CoreV1Api)];
  });
  afterAll(() => sandbox.close());

  it('reports a rolling status right after a spec change and a ready one after the delay', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('roll', 2),
    });
    expect(created.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 1,
      readyReplicas: 0,
      availableReplicas: 0,
    });
    expect(condition(created, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    expect(condition(created, 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });

    const ready = await readyDeployment('roll');
    expect(ready.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(condition(ready, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=roll' });
    expect(pods.items).toHaveLength(2);
    expect(pods.items[0]?.status?.phase).toBe('Running');

    const hash = pods.items[0]?.metadata?.labels?.['pod-template-hash'];
    const updated = await apps.patchNamespacedDeployment(
      {
        name: 'roll',
        namespace: 'default',
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(updated.metadata?.generation).toBe(2);
    expect(updated.status).toMatchObject({ observedGeneration: 2, updatedReplicas: 1, readyReplicas: 2 });
    expect(isReady(updated)).toBe(false);
    await readyDeployment('roll');
    const newPods = await core.listNamespacedPod({
      namespace: 'default',
      labelSelector: `app=roll,pod-template-hash!=${hash}`,
    });
    expect(newPods.items).toHaveLength(2);
    expect(
      (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=roll' })).items,
    ).toHaveLength(2);
  });

  it('does not restart a rollout on metadata-only changes', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('meta', 1) });
    const ready = await readyDeployment('meta');
    const labelled = await apps.patchNamespacedDeployment(
      { name: 'meta', namespace: 'default', body: { metadata: { labels: { x: 'y' } } } },
      merge,
    );
    expect(labelled.metadata?.generation).toBe(1);
    expect(labelled.status).toEqual(ready.status);
  });

  it('never settles a Deployment annotated never-ready, and settles it once the annotation is gone', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('stuck', 2, { [NEVER_READY]: 'true' }),
    });
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('control', 2) });
    await readyDeployment('control');
    const stuck = await read('stuck');
    expect(isReady(stuck)).toBe(false);
    expect(stuck.status?.updatedReplicas).toBeLessThan(stuck.status?.replicas ?? 0);
    expect(condition(stuck, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });

    await apps.patchNamespacedDeployment(
      { name: 'stuck', namespace: 'default', body: { metadata: { annotations: { [NEVER_READY]: null } } } },
      merge,
    );
    await readyDeployment('stuck');
  });

  it('reports Progressing False ProgressDeadlineExceeded when annotated', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('late', 1, { [DEADLINE_EXCEEDED]: 'true' }),
    });
    const failed = await eventually(async () => {
      const d = await read('late');
      return condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded' && d;
    });
    expect(condition(failed, 'Progressing')).toMatchObject({
      status: 'False',
      message: expect.stringContaining('has timed out progressing') as unknown,
    });
    expect(isReady(failed)).toBe(false);
  });

  it('scales to zero and back', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('zero', 2) });
    await readyDeployment('zero');
    await apps.patchNamespacedDeployment(
      { name: 'zero', namespace: 'default', body: { spec: { replicas: 0 } } },
      merge,
    );
    const scaled = await readyDeployment('zero');
    expect(scaled.status).toMatchObject({
      replicas: 0,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
    });
    expect(condition(scaled, 'Available')?.status).toBe('True');
    expect((await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=zero' })).items).toEqual(
      [],
    );
    await apps.patchNamespacedDeployment(
      { name: 'zero', namespace: 'default', body: { spec: { replicas: 1 } } },
      merge,
    );
    expect((await readyDeployment('zero')).status?.readyReplicas).toBe(1);
  });

  it('serves /status and keeps status out of main-resource writes', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('status', 1) });
    const ready = await readyDeployment('status');
    const viaStatus = await apps.readNamespacedDeploymentStatus({ name: 'status', namespace: 'default' });
    expect(viaStatus.status).toEqual(ready.status);
    const written = await apps.replaceNamespacedDeploymentStatus({
      name: 'status',
      namespace: 'default',
      body: {
        ...viaStatus,
        spec: { ...viaStatus.spec!, replicas: 5 },
        status: { ...viaStatus.status, readyReplicas: 0 },
      },
    });
    expect(written.status?.readyReplicas).toBe(0);
    expect(written.spec?.replicas).toBe(1);
    expect(written.metadata?.generation).toBe(1);
    const replaced = await apps.replaceNamespacedDeployment({
      name: 'status',
      namespace: 'default',
      body: { ...written, status: { readyReplicas: 7 } },
    });
    expect(replaced.status?.readyReplicas).toBe(0);
  });

  it('deletes the fake Pods with their Deployment', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('gone', 1) });
    await readyDeployment('gone');
    expect(
      (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=gone' })).items,
    ).toHaveLength(1);
    await apps.deleteNamespacedDeployment({ name: 'gone', namespace: 'default' });
    expect((await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=gone' })).items).toEqual(
      [],
    );
  });
});

describe('deployment rollout simulation with rolloutDelayMs 0', () => {
  it('is ready in the response of the write itself, except when never-ready', async () => {
    const sandbox = await startSandbox({ https: false, rolloutDelayMs: 0 });
    try {
      const apps = kubeConfigFor(sandbox).makeApiClient(AppsV1Api);
      const created = await apps.createNamespacedDeployment({
        namespace: 'default',
        body: deployment('now', 3),
      });
      expect(isReady(created)).toBe(true);
      const stuck = await apps.createNamespacedDeployment({
        namespace: 'default',
        body: deployment('stuck', 1, { [NEVER_READY]: 'true' }),
      });
      expect(stuck.status).toMatchObject({ replicas: 1, updatedReplicas: 0 });
      expect(isReady(await apps.readNamespacedDeployment({ name: 'stuck', namespace: 'default' }))).toBe(
        false,
      );
    } finally {
      await sandbox.close();
    }
  });
});
