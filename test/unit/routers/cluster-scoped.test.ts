/** The engine's cluster-scoped objects and top-level fields (Kuma's TrafficRoute and its `mesh`). */
import { describe, expect, it } from 'vitest';
import { COMPONENT, MANAGED_BY_LABEL } from '../../../lib/adapters/kubernetes/labels.js';
import {
  describeRef,
  planApply,
  type KubeObject,
  type ObjectRef,
} from '../../../lib/adapters/routers/engine/objects.js';

const ref: ObjectRef = {
  group: 'kuma.io',
  version: 'v1alpha1',
  plural: 'trafficroutes',
  kind: 'TrafficRoute',
  name: 'podinfo',
};
const spec = {
  conf: { split: [{ weight: 100, destination: { 'kuma.io/service': 'podinfo-primary_test_svc_9898' } }] },
};

describe('cluster-scoped objects', () => {
  it('are named without a namespace', () => {
    expect(describeRef(ref)).toBe('TrafficRoute podinfo');
    expect(describeRef({ ...ref, namespace: 'test' })).toBe('TrafficRoute test/podinfo');
  });

  it('are created without metadata.namespace, with the top-level fields beside spec', () => {
    expect(planApply(ref, spec, undefined, { topLevel: { mesh: 'demo' } })).toEqual({
      action: 'create',
      body: {
        apiVersion: 'kuma.io/v1alpha1',
        kind: 'TrafficRoute',
        mesh: 'demo',
        metadata: { name: 'podinfo', labels: { [MANAGED_BY_LABEL]: COMPONENT } },
        spec,
      },
    });
  });

  it('keep the live top-level fields, which are never diffed', () => {
    const live: KubeObject = {
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'TrafficRoute',
      mesh: 'default',
      metadata: { name: 'podinfo', resourceVersion: '4', labels: { [MANAGED_BY_LABEL]: COMPONENT } },
      spec,
    };
    expect(planApply(ref, spec, live, { topLevel: { mesh: 'demo' } })).toEqual({ action: 'none' });
    const changed = { conf: { split: [] } };
    const plan = planApply(ref, changed, live, { topLevel: { mesh: 'demo' } });
    expect(plan).toMatchObject({
      action: 'update',
      body: { mesh: 'default', metadata: { resourceVersion: '4' } },
    });
  });
});
