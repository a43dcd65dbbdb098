// Discovery, OpenAPI stubs, Table output, unsupported verbs, body errors and the request log,
// checked over raw HTTP (what kubectl and client-node's KubernetesObjectApi rely on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';

describe('discovery and protocol details', () => {
  let sandbox: Sandbox;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${sandbox.httpUrl}${path}`, {
      headers: { Authorization: `Bearer ${sandbox.token}`, ...headers },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const send = async (method: string, path: string, body: string, contentType = 'application/json') => {
    const response = await fetch(`${sandbox.httpUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${sandbox.token}`, 'Content-Type': contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ rolloutDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  it('reports a v1.30 server version', async () => {
    const { body } = await get('/version');
    expect(body).toMatchObject({ major: '1', minor: '30' });
    expect(body.gitVersion).toMatch(/^v1\.30\.\d+/);
  });

  it('lists core and group versions with preferred versions', async () => {
    expect((await get('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await get('/apis')).body as {
      kind: string;
      groups: { name: string; preferredVersion: { version: string }; versions: { version: string }[] }[];
    };
    expect(groups.kind).toBe('APIGroupList');
    const byName = Object.fromEntries(groups.groups.map((g) => [g.name, g.versions.map((v) => v.version)]));
    expect(byName).toEqual({
      apps: ['v1'],
      autoscaling: ['v2'],
      'networking.k8s.io': ['v1'],
      'apiextensions.k8s.io': ['v1'],
      'networking.istio.io': ['v1', 'v1beta1'],
      'gateway.networking.k8s.io': ['v1', 'v1beta1'],
      'appmesh.k8s.aws': ['v1beta2'],
      'split.smi-spec.io': ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'],
      'consul.hashicorp.com': ['v1alpha1'],
      'projectcontour.io': ['v1'],
      'gateway.solo.io': ['v1'],
      'gloo.solo.io': ['v1'],
      'traefik.io': ['v1alpha1'],
      'traefik.containo.us': ['v1alpha1'],
      'apisix.apache.org': ['v2'],
      'kuma.io': ['v1alpha1'],
      'elbv2.k8s.aws': ['v1beta1'],
    });
    expect((await get('/apis/networking.istio.io')).body).toMatchObject({
      kind: 'APIGroup',
      name: 'networking.istio.io',
      preferredVersion: { version: 'v1' },
    });
    expect((await get('/apis/example.com')).status).toBe(404);
  });

  it('describes resources with kind, namespaced, verbs, shortNames and subresources', async () => {
    const core = (await get('/api/v1')).body as {
      groupVersion: string;
      resources: {
        name: string;
        namespaced: boolean;
        kind: string;
        verbs: string[];
        shortNames?: string[];
      }[];
    };
    expect(core.groupVersion).toBe('v1');
    expect(core.resources.find((r) => r.name === 'namespaces')).toMatchObject({
      kind: 'Namespace',
      namespaced: false,
      shortNames: ['ns'],
    });
    expect(core.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['services', 'configmaps', 'secrets', 'events', 'pods', 'pods/status']),
    );
    expect(core.resources.find((r) => r.name === 'services/proxy')?.verbs).toContain('get');
    const apps = (await get('/apis/apps/v1')).body as typeof core;
    expect(apps.resources.filter((r) => r.name.startsWith('deployments'))).toEqual([
      {
        name: 'deployments',
        singularName: 'deployment',
        namespaced: true,
        kind: 'Deployment',
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        shortNames: ['deploy'],
        categories: ['all'],
      },
      {
        name: 'deployments/status',
        singularName: '',
        namespaced: true,
        kind: 'Deployment',
        verbs: ['get', 'patch', 'update'],
      },
    ]);
    const mesh = (await get('/apis/appmesh.k8s.aws/v1beta2')).body as typeof core;
    expect(mesh.resources.filter((r) => !r.name.includes('/')).map((r) => r.kind)).toEqual([
      'VirtualNode',
      'VirtualRouter',
      'VirtualService',
    ]);
    expect((await get('/apis/apps/v2')).status).toBe(404);
  });

  it('serves OpenAPI v3 documents that advertise server-side field validation, and an empty v2', async () => {
    const index = (await get('/openapi/v3')).body as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths)).toEqual(
      expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/networking.istio.io/v1beta1']),
    );
    const doc = (await get(index.paths['apis/apps/v1'].serverRelativeURL)).body as {
      paths: Record<string, { patch: { parameters: { name: string }[] } }>;
    };
    expect(
      doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch.parameters[0]?.name,
    ).toBe('fieldValidation');
    expect((await get('/openapi/v2')).body).toMatchObject({ swagger: '2.0' });
  });

  it('answers health checks without a token', async () => {
    const response = await fetch(`${sandbox.httpUrl}/readyz`);
    expect(response.status).toBe(200);
  });

  it('returns a meta.k8s.io Table when asked, as kubectl does', async () => {
    await send(
      'POST',
      '/apis/apps/v1/namespaces/default/deployments',
      JSON.stringify({ metadata: { name: 'web' }, spec: { replicas: 2, selector: {}, template: {} } }),
    );
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const table = (await get('/apis/apps/v1/deployments', { Accept: accept })).body as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { metadata: { namespace: string } } }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    expect(table.rows[0]?.cells.slice(0, 4)).toEqual(['web', '2/2', 2, 2]);
    expect(table.rows[0]?.object.metadata.namespace).toBe('default');
    expect(
      (await get('/apis/apps/v1/namespaces/default/deployments/web', { Accept: accept })).body.kind,
    ).toBe('Table');
  });

  it('answers 405 for unsupported verbs, 400 for malformed bodies and mismatched names', async () => {
    const post = await fetch(`${sandbox.httpUrl}/api/v1/namespaces/default/configmaps?watch=true`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sandbox.token}` },
    });
    expect(post.status).toBe(405);
    const putList = await fetch(`${sandbox.httpUrl}/api/v1/namespaces/default/configmaps`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${sandbox.token}` },
    });
    expect(putList.status).toBe(405);
    expect((await send('POST', '/api/v1/namespaces/default/configmaps', '{not json')).body).toMatchObject({
      code: 400,
      reason: 'BadRequest',
    });
    await send('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: 'a' } }));
    expect(
      (
        await send(
          'PUT',
          '/api/v1/namespaces/default/configmaps/a',
          JSON.stringify({ metadata: { name: 'b' } }),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await send(
          'POST',
          '/api/v1/namespaces/default/configmaps',
          JSON.stringify({ kind: 'Secret', metadata: { name: 'c' } }),
        )
      ).status,
    ).toBe(400);
    expect((await get('/api/v1/nothing')).status).toBe(404);
  });

  it('supports generateName and dryRun=All', async () => {
    const dry = await send(
      'POST',
      '/api/v1/namespaces/default/configmaps?dryRun=All',
      JSON.stringify({ metadata: { name: 'dry' } }),
    );
    expect(dry.status).toBe(201);
    expect((await get('/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
    const generated = await send(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      JSON.stringify({ metadata: { generateName: 'gen-' } }),
    );
    expect((generated.body.metadata as { name: string }).name).toMatch(/^gen-[0-9a-f]{5}$/);
  });

  it('records every request so tests can count writes', async () => {
    sandbox.clearRequests();
    await send(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      JSON.stringify({ metadata: { name: 'counted' } }),
    );
    await send(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/counted',
      '{"data":{"a":"b"}}',
      'application/merge-patch+json; charset=utf-8',
    );
    await get('/api/v1/namespaces/default/configmaps/counted');
    expect(sandbox.requestCount()).toBe(3);
    expect(sandbox.writes()).toEqual([
      {
        method: 'POST',
        path: '/api/v1/namespaces/default/configmaps',
        query: '',
        contentType: 'application/json',
        status: 201,
        accept: '*/*',
        proxied: false,
        watch: false,
        seq: expect.any(Number) as number,
      },
      {
        method: 'PATCH',
        path: '/api/v1/namespaces/default/configmaps/counted',
        query: '',
        contentType: 'application/merge-patch+json',
        status: 200,
        accept: '*/*',
        proxied: false,
        watch: false,
        seq: expect.any(Number) as number,
      },
    ]);
    expect(sandbox.requestCount((r) => r.method === 'GET')).toBe(1);
  });
});
