// Metadata-only and cached reads, list resourceVersions and pagination, over raw HTTP and through
// client-node with an Accept header: what a per-cluster sweep needs to read Secrets without data.
import { CoreV1Api, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFor, startSandbox, type Sandbox } from '../../support/sandbox.js';

const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const METADATA = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

interface Body {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number; name?: string };
  items?: Record<string, unknown>[];
  [key: string]: unknown;
}

describe('metadata-only, cached and paginated lists', () => {
  let sandbox: Sandbox;
  let core: CoreV1Api;
  const get = async (path: string, accept?: string) => {
    const response = await fetch(`${sandbox.httpUrl}${path}`, {
      headers: { Authorization: `Bearer ${sandbox.token}`, ...(accept ? { Accept: accept } : {}) },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as Body,
    };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'a', 'b'] });
    core = kubeConfigFor(sandbox).makeApiClient(CoreV1Api);
    for (const ns of ['a', 'b'])
      for (const name of ['s1', 's2', 's3'])
        await core.createNamespacedSecret({
          namespace: ns,
          body: { metadata: { name, labels: { ns } }, stringData: { k: 'secret' } },
        });
  });
  afterAll(() => sandbox.close());

  it('answers PartialObjectMetadataList with metadata only, and records the Accept header', async () => {
    sandbox.clearRequests();
    const { status, type, body } = await get('/api/v1/secrets', METADATA_LIST);
    expect(status).toBe(200);
    expect(type).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    expect(body).toMatchObject({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1' });
    expect(body.metadata.resourceVersion).toBe(sandbox.store.resourceVersion());
    expect(body.items).toHaveLength(6);
    for (const item of body.items ?? []) {
      expect(Object.keys(item)).toEqual(['kind', 'apiVersion', 'metadata']);
      expect(item.kind).toBe('PartialObjectMetadata');
    }
    expect(JSON.stringify(body)).not.toContain('secret"');
    expect(sandbox.requests[0]?.accept).toBe(METADATA_LIST);
  });

  it('answers PartialObjectMetadata on gets, and 406 for a metadata-only type on the wrong target', async () => {
    const one = await get('/api/v1/namespaces/a/secrets/s1', METADATA);
    expect(one.body).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 's1', namespace: 'a' },
    });
    expect(one.body.data).toBeUndefined();
    expect((await get('/api/v1/secrets', METADATA)).status).toBe(406);
    expect((await get('/api/v1/namespaces/a/secrets/s1', 'application/vnd.kubernetes.protobuf')).status).toBe(
      406,
    );
    expect(
      (await get('/api/v1/namespaces/a/secrets/s1', 'application/vnd.kubernetes.protobuf,application/json'))
        .body.kind,
    ).toBe('Secret');
  });

  it('lets client-node ask for metadata only', async () => {
    const list = await core.listNamespacedSecret(
      { namespace: 'a', labelSelector: 'ns=a' },
      setHeaderOptions('Accept', METADATA_LIST),
    );
    expect(list.items.map((s) => s.metadata?.name)).toEqual(['s1', 's2', 's3']);
    expect(list.items.every((s) => s.data === undefined && s.metadata?.resourceVersion !== undefined)).toBe(
      true,
    );
    expect(sandbox.requests.at(-1)?.accept).toBe(METADATA_LIST);
  });

  it('serves resourceVersion=0 from the same store, ignoring limit as the watch cache does', async () => {
    const cached = await core.listNamespacedSecret({ namespace: 'b', resourceVersion: '0', limit: 1 });
    expect(cached.items).toHaveLength(3);
    expect(cached.metadata?._continue).toBeUndefined();
    expect(cached.metadata?.resourceVersion).toBe(sandbox.store.resourceVersion());
    const notOlder = await core.listNamespacedSecret({ namespace: 'b', resourceVersion: '1' });
    expect(notOlder.items).toHaveLength(3);
    const tooNew = await get(
      `/api/v1/namespaces/b/secrets?resourceVersion=${Number(sandbox.store.resourceVersion()) + 5}`,
    );
    expect(tooNew).toMatchObject({ status: 504, body: { reason: 'Timeout' } });
    const exactOld = await get('/api/v1/namespaces/b/secrets?resourceVersion=1&resourceVersionMatch=Exact');
    expect(exactOld).toMatchObject({ status: 410, body: { reason: 'Expired' } });
  });

  it('pages with limit and continue, keeping the first page resourceVersion', async () => {
    const first = await core.listSecretForAllNamespaces({ limit: 4 });
    expect(first.items.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`)).toEqual([
      'a/s1',
      'a/s2',
      'a/s3',
      'b/s1',
    ]);
    expect(first.metadata?.remainingItemCount).toBe(2);
    const rv = first.metadata?.resourceVersion;
    await core.createNamespacedSecret({ namespace: 'b', body: { metadata: { name: 's4' } } });
    const second = await core.listSecretForAllNamespaces({ limit: 4, _continue: first.metadata?._continue });
    expect(second.items.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`)).toEqual([
      'b/s2',
      'b/s3',
      'b/s4',
    ]);
    expect(second.metadata?._continue).toBeUndefined();
    expect(second.metadata?.resourceVersion).toBe(rv);
    expect((await get('/api/v1/secrets?limit=1&continue=garbage')).status).toBe(400);
  });
});
