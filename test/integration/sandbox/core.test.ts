// Core/v1 CRUD and error statuses through the real client-node, over https (caData) and plain http.
import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Status,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, kubeConfigFor, startSandbox, type Sandbox } from '../../support/sandbox.js';

describe.each([
  { transport: 'https', http: false },
  { transport: 'http', http: true },
])('core/v1 over $transport', ({ http }) => {
  let sandbox: Sandbox;
  let core: CoreV1Api;

  beforeAll(async () => {
    sandbox = await startSandbox({ rolloutDelayMs: 0 });
    core = kubeConfigFor(sandbox, { http }).makeApiClient(CoreV1Api);
  });
  afterAll(() => sandbox.close());

  it('creates, reads, lists and deletes cluster-scoped namespaces', async () => {
    const created = await core.createNamespace({
      body: { metadata: { name: 'test', labels: { team: 'a' } } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.status?.phase).toBe('Active');
    expect((await core.readNamespace({ name: 'test' })).metadata?.labels).toEqual({ team: 'a' });
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toEqual(['default', 'test']);
    await core.deleteNamespace({ name: 'test' });
    expect((await apiFailure(core.readNamespace({ name: 'test' }))).reason).toBe('NotFound');
  });

  it('does full CRUD on services, configmaps and secrets with resourceVersion bumps', async () => {
    const svc = await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'podinfo' },
        spec: { selector: { app: 'podinfo' }, ports: [{ name: 'http', port: 9898 }] },
      },
    });
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cfg' }, data: { a: '1' } },
    });
    const secret = await core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 's' }, stringData: { k: 'v' } },
    });
    expect(Number(cm.metadata?.resourceVersion)).toBeGreaterThan(Number(svc.metadata?.resourceVersion));
    expect(secret.metadata?.namespace).toBe('default');

    const replaced = await core.replaceNamespacedConfigMap({
      name: 'cfg',
      namespace: 'default',
      body: { ...cm, data: { a: '2' } },
    });
    expect(replaced.data).toEqual({ a: '2' });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(cm.metadata?.resourceVersion));
    expect(replaced.metadata?.uid).toBe(cm.metadata?.uid);
    expect(
      (await core.readNamespacedService({ name: 'podinfo', namespace: 'default' })).spec?.ports?.[0]?.port,
    ).toBe(9898);

    const status: V1Status = await core.deleteNamespacedConfigMap({ name: 'cfg', namespace: 'default' });
    expect(status.status).toBe('Success');
    await core.deleteNamespacedService({ name: 'podinfo', namespace: 'default' });
    await core.deleteNamespacedSecret({ name: 's', namespace: 'default' });
    expect((await core.listNamespacedConfigMap({ namespace: 'default' })).items).toEqual([]);
  });

  it('creates events and lists pods', async () => {
    await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { generateName: 'podinfo.' },
        involvedObject: { kind: 'Canary', name: 'podinfo' },
        reason: 'Synced',
        message: 'ok',
        type: 'Normal',
      },
    });
    const events = await core.listNamespacedEvent({ namespace: 'default' });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]?.metadata?.name).toMatch(/^podinfo\.[0-9a-f]{5}$/);
    expect(events.metadata?.resourceVersion).toBe(sandbox.store.resourceVersion());
    expect((await core.listPodForAllNamespaces()).items).toEqual([]);
  });

  it('answers 404 NotFound for a missing object and for a missing namespace', async () => {
    const missing = await apiFailure(core.readNamespacedConfigMap({ name: 'nope', namespace: 'default' }));
    expect(missing).toMatchObject({ code: 404, reason: 'NotFound', message: 'configmaps "nope" not found' });
    expect(missing.status).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 404,
      details: { name: 'nope', kind: 'configmaps' },
    });
    const noNs = await apiFailure(
      core.createNamespacedConfigMap({ namespace: 'ghost', body: { metadata: { name: 'x' } } }),
    );
    expect(noNs).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "ghost" not found' });
  });

  it('answers 409 AlreadyExists on a duplicate create and 409 Conflict on a stale resourceVersion', async () => {
    const first = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'dup' }, data: { v: '1' } },
    });
    const again = await apiFailure(
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } }),
    );
    expect(again).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'configmaps "dup" already exists',
    });
    await core.replaceNamespacedConfigMap({
      name: 'dup',
      namespace: 'default',
      body: { ...first, data: { v: '2' } },
    });
    const stale = await apiFailure(
      core.replaceNamespacedConfigMap({
        name: 'dup',
        namespace: 'default',
        body: { ...first, data: { v: '3' } },
      }),
    );
    expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(stale.message).toContain('the object has been modified');
    expect((await core.readNamespacedConfigMap({ name: 'dup', namespace: 'default' })).data).toEqual({
      v: '2',
    });
  });

  it('answers 422 Invalid for a bad or missing name', async () => {
    const bad = await apiFailure(
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }),
    );
    expect(bad).toMatchObject({ code: 422, reason: 'Invalid' });
    const noName = await apiFailure(
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: {} } }),
    );
    expect(noName).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  it('answers 401 Unauthorized without a token or with a wrong one', async () => {
    const wrong = kubeConfigFor(sandbox, { http, token: 'wrong' }).makeApiClient(CoreV1Api);
    expect((await apiFailure(wrong.listNamespace())).code).toBe(401);
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong' },
      { Authorization: sandbox.token },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${sandbox.httpUrl}/api/v1/namespaces`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    expect(sandbox.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/v1/namespaces', status: 401 });
  });

  it('serves the same store on both listeners', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'shared' } } });
    const other = kubeConfigFor(sandbox, { http: !http }).makeApiClient(AppsV1Api);
    await other.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'd' }, spec: { selector: {}, template: {} } },
    });
    const patched = await core.patchNamespacedConfigMap(
      { name: 'shared', namespace: 'default', body: { data: { seen: 'yes' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ seen: 'yes' });
    expect(sandbox.store.get('apps/v1', 'Deployment', 'default', 'd')).toBeDefined();
  });
});

describe('namespace options', () => {
  it('auto-creates namespaces on request and creates the configured ones at start', async () => {
    const sandbox = await startSandbox({
      https: false,
      autoCreateNamespaces: true,
      namespaces: ['default', 'test'],
    });
    try {
      const core = kubeConfigFor(sandbox).makeApiClient(CoreV1Api);
      expect(sandbox.url).toBe(sandbox.httpUrl);
      expect(sandbox.caData).toBeUndefined();
      await core.createNamespacedConfigMap({ namespace: 'fresh', body: { metadata: { name: 'x' } } });
      const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
      expect(names).toEqual(['default', 'fresh', 'test']);
    } finally {
      await sandbox.close();
    }
  });

  it('deletes the objects of a deleted namespace', async () => {
    const sandbox = await startSandbox({ https: false, namespaces: ['default', 'gone'] });
    try {
      const core = kubeConfigFor(sandbox).makeApiClient(CoreV1Api);
      await core.createNamespacedConfigMap({ namespace: 'gone', body: { metadata: { name: 'x' } } });
      const deleted = await core.deleteNamespace({ name: 'gone' });
      expect(deleted).toBeDefined();
      expect((await core.listConfigMapForAllNamespaces()).items).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});
