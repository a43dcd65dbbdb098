/**
 * A DaemonSet release through the real handlers against the sandbox API server (which schedules a
 * DaemonSet on no node when its nodeSelector matches no node label): initialization creates the
 * `-primary` DaemonSet and "scales the target to zero" with Flagger's `flagger.app/scale-to-zero`
 * node selector; a new revision scales it back up, is promoted to the primary template and the
 * target goes back to zero; a faulty revision (a failing rollout check) rolls back, the primary
 * untouched.
 */
import { describe, expect, it } from 'vitest';
import { fail, reply } from '../../support/receiver.js';
import type { Sandbox } from '../../support/sandbox.js';
import { apply, podinfoCanary, podinfoKey as key, virtualServiceWeights } from '../../support/release.js';
import { changes, initialize, stepUntilPhase, worldPerTest } from '../../support/scenario.js';

const world = worldPerTest();
const ZERO = { 'flagger.app/scale-to-zero': 'true' };

function podinfoDaemonSet(image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      selector: { matchLabels: { app: 'podinfo' } },
      template: {
        metadata: { labels: { app: 'podinfo' } },
        spec: { containers: [{ name: 'podinfo', image, ports: [{ containerPort: 9898 }] }] },
      },
    },
  };
}

function daemonSetCanary(hooksUrl: string): string {
  const yaml = podinfoCanary(`threshold: 2
maxWeight: 30
stepWeight: 10
webhooks:
  - { name: load, type: rollout, url: "${hooksUrl}/rollout" }
  - { name: done, type: post-rollout, url: "${hooksUrl}/post" }`);
  return yaml.replace('kind: Deployment', 'kind: DaemonSet');
}

interface DaemonSetView {
  spec: {
    template: {
      metadata: { labels: Record<string, string> };
      spec: { nodeSelector?: Record<string, string>; containers: { image: string }[] };
    };
  };
  status?: { desiredNumberScheduled?: number; numberAvailable?: number };
}

const daemonSet = (sandbox: Sandbox, name: string) =>
  sandbox.store.get('apps/v1', 'DaemonSet', 'test', name) as DaemonSetView | undefined;
const podsOf = (sandbox: Sandbox, app: string) =>
  (sandbox.store.list('v1', 'Pod', 'test') as { metadata: { labels?: Record<string, string> } }[]).filter(
    (p) => p.metadata.labels?.app === app,
  ).length;

async function initialized(): Promise<void> {
  const { sandbox } = world;
  const row = await initialize(world, key, daemonSetCanary(world.hooks.url), {
    deployment: podinfoDaemonSet('podinfo:6.0.0'),
  });
  const primary = daemonSet(sandbox, 'podinfo-primary')!;
  expect(primary.spec.template.metadata.labels.app).toBe('podinfo-primary');
  expect(primary.spec.template.spec.containers[0].image).toBe('podinfo:6.0.0');
  expect(primary.spec.template.spec.nodeSelector).toBeUndefined();
  expect(podsOf(sandbox, 'podinfo-primary')).toBe(2);
  const target = daemonSet(sandbox, 'podinfo')!;
  expect(target.spec.template.spec.nodeSelector).toEqual(ZERO);
  expect(target.status?.desiredNumberScheduled).toBe(0);
  expect(podsOf(sandbox, 'podinfo')).toBe(0);
  expect(virtualServiceWeights(sandbox)).toEqual([100, 0]);
  expect(row.status.conditions).toMatchObject([{ message: 'DaemonSet initialization completed.' }]);
  expect(world.cp.events.find((e) => e.type === 'Initialized')?.message).toBe(
    'New DaemonSet detected, initialization completed.',
  );
}

describe('DaemonSet target', () => {
  it('initializes, promotes a new revision to the primary DaemonSet and scales the target back to zero', async () => {
    const { cp, hooks, sandbox } = world;
    await initialized();

    await apply(sandbox, podinfoDaemonSet('podinfo:6.0.1'));
    const run = await stepUntilPhase(cp, key, ['Succeeded'], {
      read: () => ({
        weights: virtualServiceWeights(sandbox),
        targetPods: podsOf(sandbox, 'podinfo'),
      }),
    });
    expect(run.row.status.phase).toBe('Succeeded');
    expect(changes(run.samples.map((s) => s.weights))).toEqual([
      [100, 0],
      [90, 10],
      [80, 20],
      [70, 30],
      [100, 0],
    ]);
    // The target ran its pods (one per node) while it took traffic.
    expect(Math.max(...run.samples.map((s) => s.targetPods))).toBe(2);

    const primary = daemonSet(sandbox, 'podinfo-primary')!;
    expect(primary.spec.template.spec.containers[0].image).toBe('podinfo:6.0.1');
    expect(primary.spec.template.spec.nodeSelector).toBeUndefined();
    expect(daemonSet(sandbox, 'podinfo')!.spec.template.spec.nodeSelector).toEqual(ZERO);
    expect(podsOf(sandbox, 'podinfo')).toBe(0);
    expect(hooks.requestsTo('/post')[0].body).toMatchObject({ phase: 'Succeeded' });
    const events = sandbox.store.list('v1', 'Event', 'test') as unknown as {
      involvedObject: { kind: string };
    }[];
    expect(new Set(events.map((e) => e.involvedObject.kind))).toEqual(new Set(['DaemonSet']));

    // Scaling to zero is not a new revision: later steps stay put.
    const later = await stepUntilPhase(cp, key, ['Progressing'], { max: 3 });
    expect(later.phases).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  });

  it('rolls a faulty revision back: primary untouched, target at zero again', async () => {
    const { cp, hooks, sandbox } = world;
    await initialized();
    hooks.respond('/rollout', [reply(200), fail('error rate too high')]);

    await apply(sandbox, podinfoDaemonSet('podinfo:6.0.2'));
    const run = await stepUntilPhase(cp, key, ['Failed'], { read: () => virtualServiceWeights(sandbox) });
    expect(run.row.status).toMatchObject({ phase: 'Failed', canaryWeight: 0 });
    expect(changes(run.samples)).toEqual([
      [100, 0],
      [90, 10],
      [80, 20],
      [100, 0],
    ]);
    expect(daemonSet(sandbox, 'podinfo-primary')!.spec.template.spec.containers[0].image).toBe(
      'podinfo:6.0.0',
    );
    expect(daemonSet(sandbox, 'podinfo')!.spec.template.spec.nodeSelector).toEqual(ZERO);
    expect(podsOf(sandbox, 'podinfo')).toBe(0);
    expect(podsOf(sandbox, 'podinfo-primary')).toBe(2);
    expect(hooks.requestsTo('/post')[0].body).toMatchObject({ phase: 'Failed' });
  });
});
