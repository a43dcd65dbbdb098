/**
 * A cluster record's `routing` choices reach the routers and the workloads: Istio's `v1` API and
 * a custom selector label key (Flagger's `-selector-labels`), through a whole release.
 */
import { describe, expect, it } from 'vitest';
import { apply, podinfoCanary } from '../../support/release.js';
import { initialize, stepUntilPhase, worldPerTest } from '../../support/scenario.js';

const key = { cluster: 'sandbox', namespace: 'test', name: 'podinfo' };
const LABEL = 'app.kubernetes.io/instance';

const world = worldPerTest({
  clusterFields: { routing: { istio: { version: 'v1' }, selectorLabels: [LABEL] } },
});

/** podinfo selecting its pods by `app.kubernetes.io/instance` only. */
function deployment(image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { [LABEL]: 'podinfo' } },
      template: {
        metadata: { labels: { [LABEL]: 'podinfo' } },
        spec: { containers: [{ name: 'podinfo', image, ports: [{ containerPort: 9898 }] }] },
      },
    },
  };
}

describe("a cluster's routing choices", () => {
  it('writes networking.istio.io/v1 and selects pods by the cluster’s selector label', async () => {
    const { sandbox, cp } = world;
    await initialize(world, key, podinfoCanary('threshold: 2\nmaxWeight: 20\nstepWeight: 10'), {
      deployment: deployment('podinfo:6.0.0'),
    });
    const routeWrites = sandbox
      .writes()
      .filter((w) => w.path.includes('virtualservices'))
      .map((w) => `${w.method} ${w.path}`);
    expect(routeWrites).toEqual(['POST /apis/networking.istio.io/v1/namespaces/test/virtualservices']);
    const primary = sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo-primary') as {
      spec: { selector: { matchLabels: Record<string, string> } };
    };
    expect(primary.spec.selector.matchLabels).toEqual({ [LABEL]: 'podinfo-primary' });
    const apex = sandbox.store.get('v1', 'Service', 'test', 'podinfo') as {
      spec: { selector: Record<string, string> };
    };
    expect(apex.spec.selector).toEqual({ [LABEL]: 'podinfo-primary' });

    await apply(sandbox, deployment('podinfo:6.0.1'));
    const run = await stepUntilPhase(cp, key, ['Succeeded', 'Failed']);
    expect(run.row.status.phase).toBe('Succeeded');
  });
});
