/**
 * Config tracking: a change to a ConfigMap the target mounts (no image change) is a new revision;
 * the analysis runs and promotion copies the new data to the `-primary` ConfigMap.
 */
import { describe, expect, it } from 'vitest';
import {
  apply,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey as key,
  virtualServiceWeights,
} from '../../support/release.js';
import {
  changes,
  deployment,
  eventsOf,
  imageOf,
  initialize,
  stepReasons,
  stepUntilPhase,
  worldPerTest,
} from '../../support/scenario.js';

const world = worldPerTest();

function configMap(name: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'test' }, data };
}

/** podinfo mounting `podinfo-config` as a volume and taking `podinfo-env` as environment. */
function podinfoWithConfigs(image: string) {
  const d = podinfoDeployment(image);
  const container = {
    ...d.spec.template.spec.containers[0],
    envFrom: [{ configMapRef: { name: 'podinfo-env' } }],
    volumeMounts: [{ name: 'config', mountPath: '/etc/podinfo' }],
  };
  const spec = {
    containers: [container],
    volumes: [{ name: 'config', configMap: { name: 'podinfo-config' } }],
  };
  return { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec } } };
}

interface PodSpecView {
  containers: { envFrom?: { configMapRef?: { name: string } }[] }[];
  volumes?: { configMap?: { name: string } }[];
}

function configRefs(name: string): string[] {
  const spec = deployment(world.sandbox, name).spec.template.spec as unknown as PodSpecView;
  return [
    spec.volumes?.[0]?.configMap?.name ?? '',
    spec.containers[0].envFrom?.[0]?.configMapRef?.name ?? '',
  ];
}

function dataOf(name: string): Record<string, string> | undefined {
  return (
    world.sandbox.store.get('v1', 'ConfigMap', 'test', name) as { data?: Record<string, string> } | undefined
  )?.data;
}

describe('config tracking', () => {
  it('releases a ConfigMap change and promotes the new data to the -primary copy', async () => {
    const { cp, sandbox } = world;
    await apply(sandbox, configMap('podinfo-config', { 'color.txt': 'blue' }));
    await apply(sandbox, configMap('podinfo-env', { PODINFO_UI_MESSAGE: 'hello' }));
    await initialize(world, key, podinfoCanary('threshold: 2\nmaxWeight: 20\nstepWeight: 10'), {
      deployment: podinfoWithConfigs('podinfo:6.0.0'),
    });

    // Initialization copied both configs and pointed the primary at the copies.
    expect(dataOf('podinfo-config-primary')).toEqual({ 'color.txt': 'blue' });
    expect(dataOf('podinfo-env-primary')).toEqual({ PODINFO_UI_MESSAGE: 'hello' });
    expect(configRefs('podinfo-primary')).toEqual(['podinfo-config-primary', 'podinfo-env-primary']);
    expect(configRefs('podinfo')).toEqual(['podinfo-config', 'podinfo-env']);
    const idle = await stepUntilPhase(cp, key, ['Progressing'], { max: 2 });
    expect(idle.phases).toEqual(['Initialized', 'Initialized']);

    // Only the data changes: no new image, no Deployment write.
    await apply(sandbox, configMap('podinfo-config', { 'color.txt': 'green' }));
    const started = await stepUntilPhase(cp, key, ['Progressing'], { max: 1 });
    expect(started.phases).toEqual(['Progressing']);
    expect(eventsOf(cp, key, 'ReleaseStarted')).toHaveLength(1);
    expect(dataOf('podinfo-config-primary')).toEqual({ 'color.txt': 'blue' });

    const run = await stepUntilPhase(cp, key, ['Succeeded'], {
      read: () => ({
        weights: virtualServiceWeights(sandbox),
        primaryData: dataOf('podinfo-config-primary'),
      }),
    });
    expect(run.row.status.phase).toBe('Succeeded');
    expect(changes(run.samples.map((s) => s.weights))).toEqual([
      [90, 10],
      [80, 20],
      [100, 0],
    ]);
    // The copy changes with the promotion, not before: still blue while the analysis ran.
    const promotedAt = run.phases.indexOf('Promoting');
    expect(run.samples.slice(0, promotedAt).every((s) => s.primaryData?.['color.txt'] === 'blue')).toBe(true);
    expect(dataOf('podinfo-config-primary')).toEqual({ 'color.txt': 'green' });
    expect(dataOf('podinfo-env-primary')).toEqual({ PODINFO_UI_MESSAGE: 'hello' });
    expect(configRefs('podinfo-primary')).toEqual(['podinfo-config-primary', 'podinfo-env-primary']);
    expect(imageOf(sandbox, 'podinfo-primary')).toBe('podinfo:6.0.0');

    const reasons = await stepReasons(cp, key);
    expect(reasons).toEqual(expect.arrayContaining(['NewRevisionDetected', 'PromotionStarted', 'Promoted']));
    // The promoted configs are the baseline now: no further release.
    const after = await stepUntilPhase(cp, key, ['Progressing'], { max: 2 });
    expect(after.phases).toEqual(['Succeeded', 'Succeeded']);
  });
});
