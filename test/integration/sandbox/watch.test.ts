// Watch over raw HTTP, client-node's Watch and informer, and `kubectl get -w`: initial events,
// resuming from a resourceVersion, selectors (moving in and out of a selection), bookmarks and
// timeouts, metadata-only and Table events, and listeners dropped when clients disconnect.
import { CoreV1Api, makeInformer, Watch, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  hasKubectl,
  kubeConfigFor,
  kubectlFor,
  openWatch,
  startSandbox,
  type Sandbox,
} from '../../support/sandbox.js';

const CMS = '/api/v1/namespaces/default/configmaps';

describe('watch', () => {
  let sandbox: Sandbox;
  let core: CoreV1Api;
  const configMap = (name: string, labels: Record<string, string> = {}) =>
    core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name, labels }, data: { v: '1' } },
    });
  const setData = (name: string, v: string) =>
    core.patchNamespacedConfigMap({
      name,
      namespace: 'default',
      body: [{ op: 'replace', path: '/data/v', value: v }],
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'other'] });
    core = kubeConfigFor(sandbox).makeApiClient(CoreV1Api);
  });
  afterAll(() => sandbox.close());

  it('sends ADDED for what exists, then changes; watch=1 works too', async () => {
    await configMap('w-existing');
    const stream = await openWatch(sandbox, `${CMS}?watch=1`);
    expect(await stream.next()).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'w-existing' } },
    });
    await configMap('w-new');
    await setData('w-new', '2');
    await core.deleteNamespacedConfigMap({ name: 'w-new', namespace: 'default' });
    const types = [await stream.next(), await stream.next(), await stream.next()].map(
      (e) => `${e.type} ${e.object.metadata?.name}`,
    );
    expect(types).toEqual(['ADDED w-new', 'MODIFIED w-new', 'DELETED w-new']);
    const deleted = stream.events[3];
    expect(Number(deleted?.object.metadata?.resourceVersion)).toBe(Number(sandbox.store.resourceVersion()));
    stream.close();
    await eventually(() => sandbox.openWatches() === 0, { message: 'listener dropped' });
  });

  it('resumes after a resourceVersion with only later changes, and filters by field and label', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const rv = list.metadata?.resourceVersion ?? '';
    await configMap('w-a', { team: 'a' });
    await configMap('w-b', { team: 'b' });
    const resumed = await openWatch(sandbox, `${CMS}?watch=true&resourceVersion=${rv}`);
    expect([
      (await resumed.next()).object.metadata?.name,
      (await resumed.next()).object.metadata?.name,
    ]).toEqual(['w-a', 'w-b']);
    const byName = await openWatch(sandbox, `${CMS}?watch=true&fieldSelector=metadata.name%3Dw-b`);
    const byLabel = await openWatch(
      sandbox,
      `${CMS}?watch=true&labelSelector=team%3Da&resourceVersion=${rv}`,
    );
    expect((await byName.next()).object.metadata?.name).toBe('w-b');
    expect((await byLabel.next()).type).toBe('ADDED');
    await core.patchNamespacedConfigMap({
      name: 'w-b',
      namespace: 'default',
      body: [{ op: 'replace', path: '/metadata/labels/team', value: 'a' }],
    });
    await core.patchNamespacedConfigMap({
      name: 'w-a',
      namespace: 'default',
      body: [{ op: 'replace', path: '/metadata/labels/team', value: 'c' }],
    });
    expect(`${(await byLabel.next()).type} ${byLabel.events[1]?.object.metadata?.name}`).toBe('ADDED w-b');
    expect(`${(await byLabel.next()).type} ${byLabel.events[2]?.object.metadata?.name}`).toBe('DELETED w-a');
    expect((await byName.next()).type).toBe('MODIFIED');
    expect(byName.events.every((e) => e.object.metadata?.name === 'w-b')).toBe(true);
    for (const s of [resumed, byName, byLabel]) s.close();
  });

  it('watches one namespace or all, and one object through the legacy /watch/ path', async () => {
    const all = await openWatch(
      sandbox,
      '/api/v1/configmaps?watch=true&resourceVersion=' + sandbox.store.resourceVersion(),
    );
    const one = await openWatch(sandbox, '/api/v1/watch/namespaces/other/configmaps/solo');
    await core.createNamespacedConfigMap({ namespace: 'other', body: { metadata: { name: 'x' } } });
    await core.createNamespacedConfigMap({ namespace: 'other', body: { metadata: { name: 'solo' } } });
    expect((await all.next()).object.metadata?.name).toBe('x');
    expect((await one.next()).object.metadata?.name).toBe('solo');
    expect(one.events).toHaveLength(1);
    all.close();
    one.close();
  });

  it('ends at timeoutSeconds with a bookmark, and marks the end of initial events', async () => {
    const timed = await openWatch(
      sandbox,
      `${CMS}?watch=true&timeoutSeconds=1&allowWatchBookmarks=true&resourceVersion=${sandbox.store.resourceVersion()}`,
    );
    await timed.ended;
    expect(timed.events.map((e) => e.type)).toEqual(['BOOKMARK']);
    expect(timed.events[0]?.object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { resourceVersion: sandbox.store.resourceVersion() },
    });
    const list = await openWatch(
      sandbox,
      `${CMS}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`,
    );
    const end = await list.next((e) => e.type === 'BOOKMARK');
    expect(end.object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(list.events.slice(0, -1).every((e) => e.type === 'ADDED')).toBe(true);
    list.close();
  });

  it('sends PartialObjectMetadata or Table objects when asked', async () => {
    const rv = sandbox.store.resourceVersion();
    const meta = await openWatch(sandbox, `${CMS}?watch=true&resourceVersion=${rv}`, {
      Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    });
    const table = await openWatch(sandbox, `${CMS}?watch=true&resourceVersion=${rv}`, {
      Accept: 'application/json;as=Table;g=meta.k8s.io;v=v1',
    });
    await configMap('w-meta');
    const partial = (await meta.next()).object;
    expect(partial).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
    expect(Object.keys(partial)).toEqual(['kind', 'apiVersion', 'metadata']);
    const row = (await table.next()).object as { kind: string; rows: { cells: unknown[] }[] };
    expect(row.kind).toBe('Table');
    expect(row.rows[0]?.cells[0]).toBe('w-meta');
    meta.close();
    table.close();
  });

  it('rejects malformed watches before streaming', async () => {
    const get = (query: string) =>
      fetch(`${sandbox.httpUrl}${CMS}?watch=true&${query}`, {
        headers: { Authorization: `Bearer ${sandbox.token}` },
      });
    expect((await get('resourceVersion=abc')).status).toBe(400);
    expect((await get('labelSelector=a%20in%20')).status).toBe(400);
    expect(sandbox.openWatches()).toBe(0);
  });

  it("feeds client-node's Watch and informer", async () => {
    const kc = kubeConfigFor(sandbox);
    const seen: string[] = [];
    const request = await new Watch(kc).watch(
      CMS,
      { resourceVersion: sandbox.store.resourceVersion() },
      (type: string, obj: V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`),
      () => undefined,
    );
    const informer = makeInformer(kc, CMS, () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const informed: string[] = [];
    informer.on('add', (obj) => informed.push(`add ${obj.metadata?.name}`));
    informer.on('update', (obj) => informed.push(`update ${obj.metadata?.name}`));
    informer.on('delete', (obj) => informed.push(`delete ${obj.metadata?.name}`));
    await informer.start();
    await configMap('w-client');
    await setData('w-client', '2');
    await core.deleteNamespacedConfigMap({ name: 'w-client', namespace: 'default' });
    await eventually(() => seen.length === 3 && informed.includes('delete w-client'), {
      message: 'events delivered',
    });
    expect(seen).toEqual(['ADDED w-client', 'MODIFIED w-client', 'DELETED w-client']);
    expect(informed.filter((e) => e.endsWith('w-client'))).toEqual([
      'add w-client',
      'update w-client',
      'delete w-client',
    ]);
    request.abort();
    await informer.stop();
    await eventually(() => sandbox.openWatches() === 0, { message: 'listeners dropped' });
  });

  it.skipIf(!hasKubectl)('drives `kubectl get -w` (needs a kubectl binary on PATH)', async () => {
    const kubectl = await kubectlFor(sandbox);
    try {
      await configMap('w-kubectl');
      const watch = kubectl.start(['get', 'configmaps', '-n', 'default', '-w', '--output-watch-events']);
      await eventually(() => sandbox.openWatches() > 0 && watch.output().includes('w-kubectl'), {
        timeoutMs: 15_000,
        message: 'kubectl watching',
      });
      await core.deleteNamespacedConfigMap({ name: 'w-kubectl', namespace: 'default' });
      await eventually(() => /DELETED\s+w-kubectl/.test(watch.output()), { message: 'deletion printed' });
      watch.stop();
      await watch.exited;
    } finally {
      await kubectl.dispose();
    }
  });
});
