// Patch types through client-node: merge, JSON patch (all ops, `test` failure) and strategic merge
// (built-ins only; 415 for CRDs). Server-side apply is in apply.test.ts.
import { describe, expect, it } from 'vitest';
import { apiFailure } from '../../support/sandbox.js';
import { deployment, patchTypes, sandboxClients, virtualService, vsRef } from './fixtures.js';

const { merge, json, strategic } = patchTypes;

describe('patches', () => {
  const kube = sandboxClients();

  it('merge patch sets, replaces and deletes (null) fields on built-ins and CRDs', async () => {
    await kube.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('merge') });
    const patched = await kube.apps.patchNamespacedDeployment(
      {
        name: 'merge',
        namespace: 'default',
        body: { metadata: { labels: { app: null, tier: 'web' } }, spec: { replicas: 3 } },
      },
      merge,
    );
    expect(patched.metadata?.labels).toEqual({ tier: 'web' });
    expect(patched.spec?.replicas).toBe(3);
    expect(patched.spec?.template.spec?.containers).toHaveLength(2);
    expect(kube.sandbox.requests.at(-1)).toMatchObject({
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      status: 200,
    });

    await kube.custom.createNamespacedCustomObject({ ...vsRef, body: virtualService('merge') });
    const vs = (await kube.custom.patchNamespacedCustomObject(
      {
        ...vsRef,
        name: 'merge',
        body: { metadata: { annotations: { a: 'b' } }, spec: { gateways: ['mesh'] } },
      },
      merge,
    )) as {
      metadata: { annotations: Record<string, string> };
      spec: { gateways: string[]; hosts: string[] };
    };
    expect(vs.metadata.annotations).toEqual({ a: 'b' });
    expect(vs.spec).toMatchObject({ gateways: ['mesh'], hosts: ['merge'] });
  });

  it('JSON patch applies add, remove, replace, move, copy and test in order', async () => {
    await kube.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'jp' }, data: { a: '1', b: '2', 'x/y': '3' } },
    });
    const patched = await kube.core.patchNamespacedConfigMap(
      {
        name: 'jp',
        namespace: 'default',
        body: [
          { op: 'test', path: '/data/a', value: '1' },
          { op: 'add', path: '/data/c', value: '3' },
          { op: 'remove', path: '/data/b' },
          { op: 'replace', path: '/data/a', value: '10' },
          { op: 'move', from: '/data/c', path: '/data/d' },
          { op: 'copy', from: '/data/a', path: '/data/e' },
          { op: 'replace', path: '/data/x~1y', value: 'slash' },
          { op: 'add', path: '/metadata/labels', value: { l: 'v' } },
        ],
      },
      json,
    );
    expect(patched.data).toEqual({ a: '10', d: '3', e: '10', 'x/y': 'slash' });
    expect(patched.metadata?.labels).toEqual({ l: 'v' });
  });

  it('JSON patch edits arrays and a failed test answers 422 Invalid without writing', async () => {
    await kube.custom.createNamespacedCustomObject({ ...vsRef, body: virtualService('jp') });
    const patched = (await kube.custom.patchNamespacedCustomObject(
      {
        ...vsRef,
        name: 'jp',
        body: [
          { op: 'test', path: '/spec/http/0/route/1/weight', value: 0 },
          { op: 'replace', path: '/spec/http/0/route/0/weight', value: 90 },
          { op: 'replace', path: '/spec/http/0/route/1/weight', value: 10 },
          { op: 'add', path: '/spec/hosts/-', value: 'extra' },
        ],
      },
      json,
    )) as {
      spec: { hosts: string[]; http: { route: { weight: number }[] }[] };
      metadata: { resourceVersion: string };
    };
    expect(patched.spec.http[0]?.route.map((r) => r.weight)).toEqual([90, 10]);
    expect(patched.spec.hosts).toEqual(['jp', 'extra']);

    const failed = await apiFailure(
      kube.custom.patchNamespacedCustomObject(
        {
          ...vsRef,
          name: 'jp',
          body: [
            { op: 'test', path: '/spec/http/0/route/1/weight', value: 50 },
            { op: 'replace', path: '/spec/hosts', value: [] },
          ],
        },
        json,
      ),
    );
    expect(failed).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(failed.message).toContain('testing value /spec/http/0/route/1/weight failed');
    const missing = await apiFailure(
      kube.custom.patchNamespacedCustomObject(
        { ...vsRef, name: 'jp', body: [{ op: 'remove', path: '/spec/nope' }] },
        json,
      ),
    );
    expect(missing).toMatchObject({ code: 422, reason: 'Invalid' });
    const current = (await kube.custom.getNamespacedCustomObject({ ...vsRef, name: 'jp' })) as typeof patched;
    expect(current.metadata.resourceVersion).toBe(patched.metadata.resourceVersion);
  });

  it('strategic merge patch merges containers, env and ports by key and honours $patch: delete', async () => {
    await kube.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('smp') });
    const patched = await kube.apps.patchNamespacedDeployment(
      {
        name: 'smp',
        namespace: 'default',
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'app',
                    image: 'app:2',
                    env: [
                      { name: 'B', value: '20' },
                      { name: 'C', value: '3' },
                    ],
                    ports: [{ containerPort: 9090, name: 'metrics' }],
                  },
                  { name: 'sidecar', $patch: 'delete' },
                ],
              },
            },
          },
        },
      },
      strategic,
    );
    const containers = patched.spec?.template.spec?.containers ?? [];
    expect(containers.map((c) => [c.name, c.image])).toEqual([['app', 'app:2']]);
    expect(containers[0]?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '20' },
      { name: 'C', value: '3' },
    ]);
    expect(containers[0]?.ports?.map((p) => p.containerPort)).toEqual([8080, 9090]);

    await kube.core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'smp' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    const svc = await kube.core.patchNamespacedService(
      {
        name: 'smp',
        namespace: 'default',
        body: {
          spec: {
            ports: [
              { port: 80, targetPort: 9898 },
              { name: 'grpc', port: 90 },
            ],
          },
        },
      },
      strategic,
    );
    expect(svc.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ['http', 80, 9898],
      ['grpc', 90, undefined],
    ]);
  });

  it('rejects strategic merge for CRDs and unknown patch types with 415 UnsupportedMediaType', async () => {
    await kube.custom.createNamespacedCustomObject({ ...vsRef, body: virtualService('smp') });
    const failed = await apiFailure(
      kube.custom.patchNamespacedCustomObject({ ...vsRef, name: 'smp', body: { spec: {} } }, strategic),
    );
    expect(failed).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    const raw = await fetch(`${kube.sandbox.url}/api/v1/namespaces/default/configmaps/jp`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${kube.sandbox.token}`, 'Content-Type': 'text/plain' },
      body: 'x',
    });
    expect(raw.status).toBe(415);
  });
});
