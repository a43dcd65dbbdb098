/**
 * DaemonSet targets over HTTP against the sandbox API server with the real client-node: the
 * `-primary` DaemonSet and its configs, readiness from the scheduled counts, Flagger's
 * scale-to-zero node selector (the sandbox schedules a DaemonSet on no node when its selector
 * matches none), change detection that ignores that selector, and promotion.
 */
import type { V1DaemonSet } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterClients } from '../../../lib/adapters/kubernetes/client.js';
import { KubernetesEventRecorder } from '../../../lib/adapters/kubernetes/events.js';
import { KubernetesScaler } from '../../../lib/adapters/kubernetes/scaler.js';
import { KubernetesWorkloads } from '../../../lib/adapters/kubernetes/workloads.js';
import { Resources } from '../../../lib/adapters/kubernetes/resources.js';
import { NEVER_READY } from '../../../sandbox/apiserver/index.js';
import { aCanary } from '../../support/builders.js';
import { eventually, startSandbox, type Sandbox } from '../../support/sandbox.js';
import { aTarget } from '../../unit/kubernetes/fixtures.js';
import { clientsFor, NS, seed, signal } from './setup.js';

const canary = aCanary({ targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'podinfo' } });
let sandbox: Sandbox;
let k: ClusterClients;
let ids: number;
let workloads: KubernetesWorkloads;
let scaler: KubernetesScaler;

/** The podinfo DaemonSet: aTarget's pod template, selector and labels. */
function aDaemonSet(): V1DaemonSet {
  const d = aTarget();
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'podinfo', namespace: NS, labels: d.metadata!.labels },
    spec: {
      minReadySeconds: 3,
      revisionHistoryLimit: 5,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      selector: d.spec!.selector,
      template: d.spec!.template,
    },
  };
}

beforeEach(async () => {
  sandbox = await startSandbox({ namespaces: ['default', NS], rolloutDelayMs: 200 });
  k = await clientsFor(sandbox);
  ids = 0;
  workloads = new KubernetesWorkloads({ clients: k, newId: () => `id-${++ids}` });
  scaler = new KubernetesScaler(k);
  await seed(k);
  await k.apps.deleteNamespacedDeployment({ name: 'podinfo', namespace: NS });
  await k.apps.createNamespacedDaemonSet({ namespace: NS, body: aDaemonSet() });
});
afterEach(() => sandbox.close());

const get = (name: string) => k.apps.readNamespacedDaemonSet({ name, namespace: NS });
const pods = async (app: string) =>
  (await k.core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items.length;

async function ready(role: 'primary' | 'canary'): Promise<void> {
  await eventually(async () => (await workloads.readiness(canary, role, new Date(), signal())).ready, {
    message: `${role} ready`,
  });
}

describe('DaemonSet targets', () => {
  it('bootstraps a -primary DaemonSet from the target template, with -primary configs and Services', async () => {
    await workloads.bootstrap(canary, signal());
    const primary = await get('podinfo-primary');
    expect(primary.metadata!.labels).toMatchObject({
      app: 'podinfo-primary',
      team: 'a',
      'app.kubernetes.io/managed-by': 'flagger-serverless',
    });
    expect(primary.spec!.selector.matchLabels).toEqual({ app: 'podinfo-primary' });
    expect(primary.spec!.template.metadata!.labels).toMatchObject({ app: 'podinfo-primary' });
    expect(primary.spec!.template.metadata!.annotations).toMatchObject({ 'flagger-id': 'id-1' });
    expect(primary.spec!.updateStrategy).toEqual(aDaemonSet().spec!.updateStrategy);
    expect(primary.spec!.minReadySeconds).toBe(3);
    expect(JSON.stringify(primary.spec!.template.spec)).toContain('podinfo-env-primary');
    expect(
      (await k.core.readNamespacedService({ name: 'podinfo-primary', namespace: NS })).spec!.selector,
    ).toEqual({
      app: 'podinfo-primary',
    });
    await ready('primary');
    expect(await pods('podinfo-primary')).toBe(2);
  });

  it('reports readiness from the scheduled counts while a rollout is under way', async () => {
    const patch = { metadata: { annotations: { [NEVER_READY]: 'true' } } };
    await new Resources(k, NS).patchWorkload('DaemonSet', 'podinfo', patch, signal());
    const r = await workloads.readiness(canary, 'canary', new Date(), signal());
    expect(r).toEqual({
      ready: false,
      retriable: true,
      message: 'waiting for rollout to finish: 1 out of 2 new replicas have been updated',
    });
  });

  it('scales the target to zero by node selector and back up, which is not a new revision', async () => {
    await ready('canary');
    const before = await workloads.revision(canary, signal());
    await scaler.scaleToZero(canary, signal());
    const zero = await get('podinfo');
    expect(zero.spec!.template.spec!.nodeSelector).toEqual({ 'flagger.app/scale-to-zero': 'true' });
    await eventually(async () => (await pods('podinfo')) === 0, { message: 'no target pods' });
    expect((await get('podinfo')).status!.desiredNumberScheduled).toBe(0);
    expect(await workloads.revision(canary, signal())).toEqual(before);
    const rv = (await get('podinfo')).metadata!.resourceVersion;
    await scaler.scaleToZero(canary, signal());
    expect((await get('podinfo')).metadata!.resourceVersion).toBe(rv);

    await scaler.scaleUp(canary, 'canary', signal());
    expect((await get('podinfo')).spec!.template.spec!.nodeSelector).toBeUndefined();
    await ready('canary');
    expect(await pods('podinfo')).toBe(2);
    expect(await workloads.revision(canary, signal())).toEqual(before);
  });

  it('promotes a new template to the primary, never the scale-to-zero selector', async () => {
    await workloads.bootstrap(canary, signal());
    await scaler.scaleToZero(canary, signal());
    await scaler.scaleUp(canary, 'canary', signal());
    const target = await get('podinfo');
    target.spec!.template.spec!.containers[0].image = 'podinfo:6.1.0';
    await k.apps.replaceNamespacedDaemonSet({ name: 'podinfo', namespace: NS, body: target });
    await workloads.promote(canary, signal());
    const primary = await get('podinfo-primary');
    expect(primary.spec!.template.spec!.containers[0].image).toBe('podinfo:6.1.0');
    expect(primary.spec!.template.metadata!.annotations).toMatchObject({ 'flagger-id': 'id-2' });
    await ready('primary');
    const rv = (await get('podinfo-primary')).metadata!.resourceVersion;
    await scaler.scaleToZero(canary, signal());
    await workloads.promote(canary, signal());
    const after = await get('podinfo-primary');
    expect(after.metadata!.resourceVersion).toBe(rv);
    expect(after.spec!.template.spec!.nodeSelector).toBeUndefined();
  });

  it('records Events on the target DaemonSet', async () => {
    await new KubernetesEventRecorder(k).record(
      canary,
      { type: 'Normal', reason: 'Synced', message: 'hello' },
      new Date(),
      signal(),
    );
    const events = await k.core.listNamespacedEvent({ namespace: NS });
    expect(events.items.map((e) => e.involvedObject)).toEqual([
      expect.objectContaining({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'podinfo' }),
    ]);
  });
});
