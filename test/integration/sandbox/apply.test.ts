// Server-side apply through client-node: create when absent, merge and drop fields the manager no
// longer applies, keyed list merge for built-ins, fieldManager required, YAML bodies.
import { describe, expect, it } from 'vitest';
import { apiFailure } from '../../support/sandbox.js';
import { deployment, patchTypes, sandboxClients, virtualService, vsRef } from './fixtures.js';

const { merge, apply } = patchTypes;

describe('server-side apply', () => {
  const kube = sandboxClients();

  it('server-side apply creates when absent, then merges and drops fields the manager no longer applies', async () => {
    const body = { ...virtualService('ssa'), metadata: { name: 'ssa', labels: { a: '1', b: '2' } } };
    const created = (await kube.custom.patchNamespacedCustomObject(
      { ...vsRef, name: 'ssa', fieldManager: 'flagger', force: true, body },
      apply,
    )) as {
      metadata: { generation: number; uid: string };
    };
    expect(created.metadata.generation).toBe(1);
    expect(kube.sandbox.requests.at(-1)).toMatchObject({
      status: 201,
      contentType: 'application/apply-patch+yaml',
    });
    expect(kube.sandbox.requests.at(-1)?.query).toContain('fieldManager=flagger');

    await kube.custom.patchNamespacedCustomObject(
      { ...vsRef, name: 'ssa', body: { metadata: { annotations: { other: 'x' } } } },
      merge,
    );
    const updated = (await kube.custom.patchNamespacedCustomObject(
      {
        ...vsRef,
        name: 'ssa',
        fieldManager: 'flagger',
        force: true,
        body: {
          ...body,
          metadata: { name: 'ssa', labels: { a: '1' } },
          spec: { ...body.spec, gateways: ['mesh'] },
        },
      },
      apply,
    )) as {
      metadata: {
        generation: number;
        uid: string;
        labels: Record<string, string>;
        annotations: Record<string, string>;
      };
      spec: { gateways: string[] };
    };
    expect(updated.metadata).toMatchObject({
      uid: created.metadata.uid,
      generation: 2,
      labels: { a: '1' },
      annotations: { other: 'x' },
    });
    expect(updated.spec.gateways).toEqual(['mesh']);
  });

  it('server-side apply merges containers by name for built-ins', async () => {
    const body = { apiVersion: 'apps/v1', kind: 'Deployment', ...deployment('ssa') };
    await kube.apps.patchNamespacedDeployment(
      { name: 'ssa', namespace: 'default', fieldManager: 'ci', body },
      apply,
    );
    await kube.apps.patchNamespacedDeployment(
      {
        name: 'ssa',
        namespace: 'default',
        fieldManager: 'flagger',
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'ssa' },
          spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'sidecar:2' }] } } },
        },
      },
      apply,
    );
    const live = await kube.apps.readNamespacedDeployment({ name: 'ssa', namespace: 'default' });
    expect(live.spec?.template.spec?.containers.map((c) => c.image)).toEqual(['app:1', 'sidecar:2']);
  });

  it('server-side apply requires fieldManager (422), and accepts a YAML body', async () => {
    const failed = await apiFailure(
      kube.custom.patchNamespacedCustomObject({ ...vsRef, name: 'ssa', body: virtualService('ssa') }, apply),
    );
    expect(failed).toMatchObject({ code: 422, reason: 'Invalid' });
    const yaml = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: from-yaml',
      'data:',
      '  key: value',
      '',
    ].join('\n');
    const response = await fetch(
      `${kube.sandbox.url}/api/v1/namespaces/default/configmaps/from-yaml?fieldManager=test&force=true`,
      {
        method: 'PATCH',
        headers: {
          Authorization: `Bearer ${kube.sandbox.token}`,
          'Content-Type': 'application/apply-patch+yaml',
        },
        body: yaml,
      },
    );
    expect(response.status).toBe(201);
    expect(
      (await kube.core.readNamespacedConfigMap({ name: 'from-yaml', namespace: 'default' })).data,
    ).toEqual({
      key: 'value',
    });
  });
});
