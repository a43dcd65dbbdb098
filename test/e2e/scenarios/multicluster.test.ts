/**
 * One control plane, two clusters: a canary in `east` and another in `west` released at the same
 * time. Each progresses at its own pace and succeeds; neither touches the other's cluster, and
 * an unreachable cluster does not hold up the other.
 */
import { describe, expect, it } from 'vitest';
import { apply, podinfoCanary, podinfoDeployment, virtualServiceWeights } from '../../support/release.js';
import type { Sandbox } from '../../support/sandbox.js';
import {
  changes,
  eventsOf,
  historyOf,
  imageOf,
  initialize,
  replicasOf,
  stepUntilPhase,
  type Row,
  worldPerTest,
} from '../../support/scenario.js';

const east = { cluster: 'east', namespace: 'test', name: 'frontend' };
const west = { cluster: 'west', namespace: 'test', name: 'backend' };
const signal = new AbortController().signal;

const world = worldPerTest({ clusters: ['east', 'west'] });

/** Names of every object in the test namespace of `sandbox`, of the kinds a release writes. */
function objectNames(sandbox: Sandbox): string[] {
  const kinds: [string, string][] = [
    ['apps/v1', 'Deployment'],
    ['v1', 'Service'],
    ['networking.istio.io/v1beta1', 'VirtualService'],
    ['networking.istio.io/v1beta1', 'DestinationRule'],
  ];
  return kinds
    .flatMap(([v, k]) => sandbox.store.list(v, k, 'test').map((o) => `${k}/${o.metadata.name}`))
    .sort();
}

describe('two clusters, one control plane', () => {
  it('releases a canary in east and one in west at once; each cluster sees only its own', async () => {
    const { cp, clusters } = world;
    const [e, w] = [clusters.east, clusters.west];
    await initialize(
      world,
      east,
      podinfoCanary('threshold: 2\nmaxWeight: 30\nstepWeight: 10', { name: 'frontend' }),
      {
        deployment: podinfoDeployment('frontend:1.0.0', {}, 'frontend'),
      },
    );
    await initialize(
      world,
      west,
      podinfoCanary('threshold: 2\nmaxWeight: 50\nstepWeight: 25', { name: 'backend' }),
      {
        deployment: podinfoDeployment('backend:1.0.0', {}, 'backend'),
      },
    );

    await apply(e, podinfoDeployment('frontend:1.1.0', {}, 'frontend'));
    await apply(w, podinfoDeployment('backend:1.1.0', {}, 'backend'));
    e.clearRequests();
    w.clearRequests();

    // One dispatch per interval steps every due canary, whichever cluster it lives in.
    const phases: Record<string, string[]> = { east: [], west: [] };
    const weights: Record<string, [number, number][]> = { east: [], west: [] };
    let rows: (Row | undefined)[] = [];
    for (
      let i = 0;
      i < 12 && !(rows.length === 2 && rows.every((r) => r?.status.phase === 'Succeeded'));
      i++
    ) {
      await cp.tick(east, 10_000);
      rows = await Promise.all([cp.core.store.get(east, signal), cp.core.store.get(west, signal)]);
      phases.east.push(rows[0]!.status.phase);
      phases.west.push(rows[1]!.status.phase);
      weights.east.push(virtualServiceWeights(e, 'frontend'));
      weights.west.push(virtualServiceWeights(w, 'backend'));
    }
    expect(rows.map((r) => r?.status.phase)).toEqual(['Succeeded', 'Succeeded']);
    // Both started on the same step and ran side by side.
    expect(phases.east[0]).toBe('Progressing');
    expect(phases.west[0]).toBe('Progressing');
    expect(changes(weights.east)).toEqual([
      [100, 0],
      [90, 10],
      [80, 20],
      [70, 30],
      [100, 0],
    ]);
    expect(changes(weights.west)).toEqual([
      [100, 0],
      [75, 25],
      [50, 50],
      [100, 0],
    ]);

    expect(imageOf(e, 'frontend-primary')).toBe('frontend:1.1.0');
    expect(imageOf(w, 'backend-primary')).toBe('backend:1.1.0');
    expect(replicasOf(e, 'frontend')).toBe(0);
    expect(replicasOf(w, 'backend')).toBe(0);
    expect(eventsOf(cp, east, 'Promoted')).toHaveLength(1);
    expect(eventsOf(cp, west, 'Promoted')).toHaveLength(1);

    // Each cluster holds only its canary's objects, and was only asked about them.
    expect(objectNames(e)).toEqual([
      'Deployment/frontend',
      'Deployment/frontend-primary',
      'DestinationRule/frontend-canary',
      'DestinationRule/frontend-primary',
      'Service/frontend',
      'Service/frontend-canary',
      'Service/frontend-primary',
      'VirtualService/frontend',
    ]);
    expect(objectNames(w)).toEqual(objectNames(e).map((n) => n.replace('frontend', 'backend')));
    expect(e.requests.length).toBeGreaterThan(0);
    expect(w.requests.length).toBeGreaterThan(0);
    expect(e.requests.filter((r) => r.path.includes('backend'))).toEqual([]);
    expect(w.requests.filter((r) => r.path.includes('frontend'))).toEqual([]);
    const events = (s: Sandbox) =>
      s.store.list('v1', 'Event', 'test') as unknown as { involvedObject: { name: string } }[];
    expect(new Set(events(e).map((ev) => ev.involvedObject.name.replace(/-primary$/, '')))).toEqual(
      new Set(['frontend']),
    );
    expect(new Set(events(w).map((ev) => ev.involvedObject.name.replace(/-primary$/, '')))).toEqual(
      new Set(['backend']),
    );
  });

  it('keeps releasing in west while east is unreachable; east keeps its state and says why', async () => {
    const { cp, clusters } = world;
    const sameName = { ...east, name: 'podinfo' };
    const westPodinfo = { ...west, name: 'podinfo' };
    const yaml = podinfoCanary('threshold: 2\nmaxWeight: 20\nstepWeight: 10');
    await initialize(world, sameName, yaml);
    await initialize(world, westPodinfo, yaml);
    await apply(clusters.west, podinfoDeployment('podinfo:6.0.1'));
    await clusters.east.close();

    const run = await stepUntilPhase(cp, westPodinfo, ['Succeeded'], {
      read: () => virtualServiceWeights(clusters.west),
    });
    expect(run.row.status.phase).toBe('Succeeded');
    expect(changes(run.samples)).toEqual([
      [100, 0],
      [90, 10],
      [80, 20],
      [100, 0],
    ]);
    expect(imageOf(clusters.west, 'podinfo-primary')).toBe('podinfo:6.0.1');

    const eastRow = await cp.core.store.get(sameName, signal);
    expect(eastRow?.status.phase).toBe('Initialized');
    const eastSteps = (await historyOf(cp, sameName)).filter((h) => h.kind === 'step');
    expect(eastSteps.at(-1)?.reason).toBe('StepFailed');
    expect(eastSteps.at(-1)?.explanation).toContain('ECONNREFUSED');
  });
});
