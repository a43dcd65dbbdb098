// CustomResourceDefinitions through client-node and raw HTTP: Flagger's CRDs registered at run time
// (discovery, both versions on one storage, the status subresource, printer columns as a Table),
// validation, and deletion (objects first, finalizers honoured, then the CRD and its routes).
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRD_CLEANUP } from '../../../sandbox/apiserver/index.js';
import { apiFailure, kubeConfigFor, startSandbox, type Sandbox } from '../../support/sandbox.js';
import { flaggerCrds, widgetCrd } from './fixtures.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const canaries = { group: 'flagger.app', version: 'v1beta1', namespace: 'test', plural: 'canaries' };

interface Canary {
  apiVersion: string;
  kind: string;
  metadata: { name: string; generation?: number; finalizers?: string[]; deletionTimestamp?: string };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

describe('CustomResourceDefinitions', () => {
  let sandbox: Sandbox;
  let ext: ApiextensionsV1Api;
  let custom: CustomObjectsApi;
  const get = async (path: string, accept = 'application/json') => {
    const response = await fetch(`${sandbox.httpUrl}${path}`, {
      headers: { Authorization: `Bearer ${sandbox.token}`, Accept: accept },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
    const kc = kubeConfigFor(sandbox);
    [ext, custom] = [kc.makeApiClient(ApiextensionsV1Api), kc.makeApiClient(CustomObjectsApi)];
  });
  afterAll(() => sandbox.close());

  it("registers Flagger's CRDs: established, finalized, discoverable with v1beta1 preferred", async () => {
    expect((await get('/apis/flagger.app')).status).toBe(404);
    for (const body of await flaggerCrds()) await ext.createCustomResourceDefinition({ body });
    const crd = await ext.readCustomResourceDefinition({ name: 'canaries.flagger.app' });
    expect(crd.metadata?.finalizers).toEqual([CRD_CLEANUP]);
    expect(crd.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['NamesAccepted', 'True'],
      ['Established', 'True'],
    ]);
    expect(crd.status?.acceptedNames).toMatchObject({
      kind: 'Canary',
      plural: 'canaries',
      categories: ['all'],
    });
    expect(crd.status?.storedVersions).toEqual(['v1beta1']);
    expect((await get('/apis/flagger.app')).body).toMatchObject({
      versions: [{ version: 'v1beta1' }, { version: 'v1alpha3' }],
      preferredVersion: { groupVersion: 'flagger.app/v1beta1' },
    });
    const resources = (await get('/apis/flagger.app/v1beta1')).body.resources as { name: string }[];
    expect(resources.map((r) => r.name)).toEqual([
      'canaries',
      'canaries/status',
      'metrictemplates',
      'metrictemplates/status',
      'alertproviders',
      'alertproviders/status',
    ]);
    const index = (await get('/openapi/v3')).body.paths as Record<string, unknown>;
    expect(Object.keys(index)).toEqual(expect.arrayContaining(['apis/flagger.app/v1beta1']));
  });

  it('serves v1alpha3 and v1beta1 from one storage', async () => {
    await custom.createNamespacedCustomObject({
      ...canaries,
      version: 'v1alpha3',
      body: { apiVersion: 'flagger.app/v1alpha3', kind: 'Canary', metadata: { name: 'old' }, spec: { a: 1 } },
    });
    const read = (await custom.getNamespacedCustomObject({ ...canaries, name: 'old' })) as Canary;
    expect(read.apiVersion).toBe('flagger.app/v1beta1');
    expect(read.spec).toEqual({ a: 1 });
  });

  it('keeps status behind /status and bumps generation only on spec changes', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...canaries,
      body: {
        apiVersion: 'flagger.app/v1beta1',
        kind: 'Canary',
        metadata: { name: 'podinfo' },
        spec: { analysis: { interval: '1m', stepWeight: 10, maxWeight: 50, stepWeights: [5, 25] } },
        status: { phase: 'Succeeded' },
      },
    })) as Canary;
    expect(created.status).toBeUndefined();
    expect(created.metadata.generation).toBe(1);

    const status = {
      phase: 'Progressing',
      canaryWeight: 10,
      failedChecks: 1,
      lastTransitionTime: '2024-01-01T00:00:00Z',
    };
    const afterStatus = (await custom.patchNamespacedCustomObjectStatus(
      { ...canaries, name: 'podinfo', body: { spec: { suspend: true }, status } },
      merge,
    )) as Canary;
    expect(afterStatus.status).toEqual(status);
    expect(afterStatus.spec.suspend).toBeUndefined();
    expect(afterStatus.metadata.generation).toBe(1);

    const afterSpec = (await custom.patchNamespacedCustomObject(
      { ...canaries, name: 'podinfo', body: { spec: { suspend: true }, status: { phase: 'Failed' } } },
      merge,
    )) as Canary;
    expect(afterSpec.status).toEqual(status);
    expect(afterSpec.metadata.generation).toBe(2);
  });

  it('prints the additionalPrinterColumns as a Table, wide columns with priority 1', async () => {
    const table = (await get('/apis/flagger.app/v1beta1/canaries', TABLE)).body as {
      kind: string;
      columnDefinitions: { name: string; type: string; priority: number }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0',
      'Status:0',
      'Weight:0',
      'Suspended:1',
      'FailedChecks:1',
      'Interval:1',
      'Mirror:1',
      'StepWeight:1',
      'StepWeights:1',
      'MaxWeight:1',
      'LastTransitionTime:0',
    ]);
    expect(table.rows.map((r) => r.cells)).toEqual([
      ['old', null, null, null, null, null, null, null, null, null, null],
      ['podinfo', 'Progressing', '10', true, '1', '1m', null, '10', '[5,25]', '50', '2024-01-01T00:00:00Z'],
    ]);
  });

  it('rejects invalid definitions with 422', async () => {
    const noStorage = widgetCrd();
    noStorage.spec.versions[0].storage = false;
    const badName = widgetCrd('Cluster', 'gadgets.example.com');
    const noSchema = widgetCrd();
    delete noSchema.spec.versions[0].schema;
    for (const body of [noStorage, badName, noSchema]) {
      const failure = await apiFailure(ext.createCustomResourceDefinition({ body }));
      expect(failure).toMatchObject({ code: 422, reason: 'Invalid' });
    }
    expect((await apiFailure(ext.createCustomResourceDefinition({ body: badName }))).message).toMatch(
      /must be spec.names.plural\+"."\+spec.group/,
    );
  });

  it('deletes objects before the definition, honouring their finalizers, then stops serving it', async () => {
    await ext.createCustomResourceDefinition({ body: widgetCrd() });
    const widgets = { group: 'example.com', version: 'v1', plural: 'widgets' };
    const body = (name: string, finalizers?: string[]) => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name, finalizers },
    });
    await custom.createClusterCustomObject({ ...widgets, body: body('plain') });
    await custom.createClusterCustomObject({ ...widgets, body: body('held', ['example.com/hold']) });

    await ext.deleteCustomResourceDefinition({ name: 'widgets.example.com' });
    const terminating = await ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
    expect(terminating.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(terminating.status?.conditions?.find((c) => c.type === 'Terminating')?.status).toBe('True');
    expect((await apiFailure(custom.getClusterCustomObject({ ...widgets, name: 'plain' }))).code).toBe(404);
    const held = (await custom.getClusterCustomObject({ ...widgets, name: 'held' })) as Canary;
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect(
      await apiFailure(custom.createClusterCustomObject({ ...widgets, body: body('new') })),
    ).toMatchObject({
      code: 405,
    });

    await custom.patchClusterCustomObject(
      { ...widgets, name: 'held', body: { metadata: { finalizers: null } } },
      merge,
    );
    expect((await apiFailure(ext.readCustomResourceDefinition({ name: 'widgets.example.com' }))).code).toBe(
      404,
    );
    expect((await get('/apis/example.com/v1/widgets')).status).toBe(404);
    expect((await get('/apis/example.com')).status).toBe(404);
  });

  it('replaces a static kind while a CRD defines it, and brings it back afterwards', async () => {
    const crd = widgetCrd('Namespaced', 'httpproxies.projectcontour.io');
    crd.spec.group = 'projectcontour.io';
    crd.spec.names = { kind: 'HTTPProxy', plural: 'httpproxies' };
    crd.spec.versions[0].additionalPrinterColumns = [
      { name: 'Host', type: 'string', jsonPath: '.spec.virtualhost.fqdn' },
    ];
    const proxies = { group: 'projectcontour.io', version: 'v1', namespace: 'test', plural: 'httpproxies' };
    await custom.createNamespacedCustomObject({
      ...proxies,
      body: {
        apiVersion: 'projectcontour.io/v1',
        kind: 'HTTPProxy',
        metadata: { name: 'p' },
        spec: { virtualhost: { fqdn: 'a.b' } },
      },
    });
    const columns = async () =>
      (
        (await get('/apis/projectcontour.io/v1/namespaces/test/httpproxies', TABLE)).body
          .columnDefinitions as { name: string }[]
      ).map((c) => c.name);
    expect(await columns()).toEqual(['Name', 'FQDN', 'TLS Secret', 'Status', 'Status Description']);
    await ext.createCustomResourceDefinition({ body: crd });
    expect(await columns()).toEqual(['Name', 'Host']);
    await ext.deleteCustomResourceDefinition({ name: 'httpproxies.projectcontour.io' });
    expect(await columns()).toEqual(['Name', 'FQDN', 'TLS Secret', 'Status', 'Status Description']);
    expect((await get('/apis/projectcontour.io/v1/namespaces/test/httpproxies')).body.items).toEqual([]);
  });
});
