import { PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterClients } from '../../../lib/adapters/kubernetes/client.js';
import { KubernetesEventRecorder } from '../../../lib/adapters/kubernetes/events.js';
import { KubernetesScaler } from '../../../lib/adapters/kubernetes/scaler.js';
import { KubernetesWorkloads } from '../../../lib/adapters/kubernetes/workloads.js';
import { aCanary } from '../../support/builders.js';
import { DEADLINE_EXCEEDED, NEVER_READY } from '../../../sandbox/apiserver/index.js';
import { eventually, startSandbox, type Sandbox } from '../../support/sandbox.js';
import { aTarget } from '../../unit/kubernetes/fixtures.js';
import { clientsFor, NS, seed, signal } from './setup.js';

const owner = {
  'app.kubernetes.io/managed-by': 'flagger-serverless',
  'flagger-serverless.io/canary': 'podinfo',
};
let sandbox: Sandbox;
let k: ClusterClients;
let ids: number;
let workloads: KubernetesWorkloads;
let scaler: KubernetesScaler;

beforeEach(async () => {
  sandbox = await startSandbox({ namespaces: ['default', NS], rolloutDelayMs: 400 });
  k = await clientsFor(sandbox);
  ids = 0;
  workloads = new KubernetesWorkloads({ clients: k, newId: () => `id-${++ids}` });
  scaler = new KubernetesScaler(k);
});
afterEach(() => sandbox.close());

const get = (name: string) => k.apps.readNamespacedDeployment({ name, namespace: NS });
const svc = (name: string) => k.core.readNamespacedService({ name, namespace: NS });
const cmNames = async () =>
  (await k.core.listNamespacedConfigMap({ namespace: NS })).items.map((c) => c.metadata!.name).sort();
const secretNames = async () =>
  (await k.core.listNamespacedSecret({ namespace: NS })).items.map((c) => c.metadata!.name).sort();

async function ready(role: 'primary' | 'canary', canary = aCanary()): Promise<void> {
  await eventually(async () => (await workloads.readiness(canary, role, new Date(), signal())).ready, {
    message: `${role} ready`,
  });
}

describe('bootstrap', () => {
  it('creates the -canary/-primary Services, -primary configs and Deployment, but not the apex', async () => {
    await seed(k);
    await workloads.bootstrap(aCanary(), signal());

    const canarySvc = await svc('podinfo-canary');
    expect(canarySvc.spec!.selector).toEqual({ app: 'podinfo' });
    expect(canarySvc.spec!.type).toBe('ClusterIP');
    expect(canarySvc.spec!.ports).toMatchObject([
      { name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' },
    ]);
    expect(canarySvc.metadata!.labels).toMatchObject(owner);
    expect((await svc('podinfo-primary')).spec!.selector).toEqual({ app: 'podinfo-primary' });
    await expect(svc('podinfo')).rejects.toMatchObject({ code: 404 });

    const primary = await get('podinfo-primary');
    expect(primary.metadata!.labels).toMatchObject({ app: 'podinfo-primary', ...owner });
    expect(primary.spec!.selector.matchLabels).toEqual({ app: 'podinfo-primary' });
    expect(primary.spec!.replicas).toBe(2);
    expect(primary.spec!.template.metadata!.labels).toMatchObject({ app: 'podinfo-primary' });
    expect(primary.spec!.template.metadata!.annotations).toMatchObject({ 'flagger-id': 'id-1' });
    const spec = primary.spec!.template.spec!;
    expect(
      spec.volumes!.map(
        (v) =>
          v.configMap?.name ??
          v.secret?.secretName ??
          v.projected?.sources?.map((s) => s.configMap?.name ?? s.secret?.name).join(','),
      ),
    ).toEqual([
      'podinfo-config-vol-primary',
      'podinfo-secret-vol',
      'podinfo-projected-primary,podinfo-secret-projected',
      undefined,
    ]);
    expect(spec.containers[0].envFrom).toEqual([
      { configMapRef: { name: 'podinfo-envfrom' } },
      { secretRef: { name: 'podinfo-secret-envfrom-primary' } },
    ]);

    expect(await cmNames()).toEqual(
      expect.arrayContaining([
        'init-env-primary',
        'podinfo-config-vol-primary',
        'podinfo-env-primary',
        'podinfo-projected-primary',
      ]),
    );
    expect(await cmNames()).not.toContain('podinfo-envfrom-primary');
    expect(await secretNames()).toEqual(
      expect.arrayContaining(['podinfo-secret-env-primary', 'podinfo-secret-envfrom-primary']),
    );
    expect(await secretNames()).not.toContain('podinfo-secret-vol-primary');
    const copy = await k.core.readNamespacedSecret({ name: 'podinfo-secret-envfrom-primary', namespace: NS });
    expect([copy.type, copy.data, copy.metadata!.labels]).toEqual([
      'kubernetes.io/basic-auth',
      { username: 'dQ==' },
      owner,
    ]);
  });

  it('creates the primary HPA and is idempotent (no writes on a second run)', async () => {
    await seed(k);
    await k.autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace: NS,
      body: {
        metadata: { name: 'podinfo' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
          minReplicas: 2,
          maxReplicas: 4,
        },
      },
    });
    const canary = aCanary({
      autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' },
    });
    await workloads.bootstrap(canary, signal());
    const hpa = await k.autoscaling.readNamespacedHorizontalPodAutoscaler({
      name: 'podinfo-primary',
      namespace: NS,
    });
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'podinfo-primary' },
      minReplicas: 2,
      maxReplicas: 4,
    });

    sandbox.clearRequests();
    await workloads.bootstrap(canary, signal());
    expect(sandbox.writes()).toEqual([]);
  });

  it('does not update -primary configs: new config content reaches the primary only by promotion', async () => {
    await seed(k);
    await workloads.bootstrap(aCanary(), signal());
    await k.core.replaceNamespacedConfigMap({
      name: 'podinfo-env',
      namespace: NS,
      body: { metadata: { name: 'podinfo-env' }, data: { key: 'v2' } },
    });
    await workloads.bootstrap(aCanary(), signal());
    expect(
      (await k.core.readNamespacedConfigMap({ name: 'podinfo-env-primary', namespace: NS })).data,
    ).toEqual({ key: 'podinfo-env-v1' });
  });
});

describe('zero-downtime initialization', () => {
  it('points the apex at the primary only once it is ready, and only then scales the target to zero', async () => {
    await seed(k);
    await k.core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'podinfo' },
        spec: { selector: { app: 'podinfo' }, ports: [{ name: 'http', port: 9898 }] },
      },
    });
    const canary = aCanary();
    sandbox.clearRequests();

    await workloads.bootstrap(canary, signal());
    expect(sandbox.writes().filter((r) => r.path.endsWith('/services/podinfo'))).toEqual([]);
    expect((await svc('podinfo')).spec!.selector).toEqual({ app: 'podinfo' });

    const first = await workloads.readiness(canary, 'primary', new Date(), signal());
    expect(first).toMatchObject({ ready: false, retriable: true });
    await ready('primary');

    await workloads.pointApex(canary, 'primary', signal());
    expect((await svc('podinfo')).spec!.selector).toEqual({ app: 'podinfo-primary' });
    await scaler.scaleToZero(canary, signal());
    expect((await get('podinfo')).spec!.replicas).toBe(0);

    const writes = sandbox.writes().map((r) => `${r.method} ${r.path}`);
    const apex = writes.indexOf(`PATCH /api/v1/namespaces/${NS}/services/podinfo`);
    const scale = writes.indexOf(`PATCH /apis/apps/v1/namespaces/${NS}/deployments/podinfo`);
    expect(apex).toBeGreaterThan(writes.indexOf(`POST /apis/apps/v1/namespaces/${NS}/deployments`));
    expect(scale).toBeGreaterThan(apex);
  });
});

describe('readiness', () => {
  it('is retriable while rolling, then ready', async () => {
    await seed(k);
    const r = await workloads.readiness(aCanary(), 'canary', new Date(), signal());
    expect(r).toMatchObject({
      ready: false,
      retriable: true,
      message: expect.stringContaining('waiting for rollout to finish'),
    });
    await ready('canary');
  });

  it('a never-ready Deployment turns non-retriable after the canary progress deadline', async () => {
    const target: V1Deployment = aTarget();
    target.metadata!.annotations = { [NEVER_READY]: 'true' };
    await seed(k, target);
    const canary = aCanary({ progressDeadlineSeconds: 60 });
    const now = await workloads.readiness(canary, 'canary', new Date(), signal());
    expect(now).toMatchObject({ ready: false, retriable: true });
    const later = await workloads.readiness(canary, 'canary', new Date(Date.now() + 61_000), signal());
    expect(later).toMatchObject({
      ready: false,
      retriable: false,
      message: expect.stringContaining('minimum availability for more than 60s'),
    });
  });

  it('ProgressDeadlineExceeded is non-retriable', async () => {
    const target: V1Deployment = aTarget();
    target.metadata!.annotations = { [DEADLINE_EXCEEDED]: 'true' };
    await seed(k, target);
    const r = await eventually(async () => {
      const x = await workloads.readiness(aCanary(), 'canary', new Date(), signal());
      return !x.ready && !x.retriable ? x : undefined;
    });
    expect(r.message).toBe('deployment "podinfo" exceeded its progress deadline');
  });

  it('a primary scaled to zero is not ready (the one readiness rule, through the adapter)', async () => {
    await seed(k);
    await workloads.bootstrap(aCanary(), signal());
    await ready('primary');
    await k.apps.patchNamespacedDeployment(
      { name: 'podinfo-primary', namespace: NS, body: { spec: { replicas: 0 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(
      async () =>
        (await get('podinfo-primary')).status?.observedGeneration ===
        (await get('podinfo-primary')).metadata?.generation,
    );
    expect(await workloads.readiness(aCanary(), 'primary', new Date(), signal())).toEqual({
      ready: false,
      retriable: true,
      message: 'halt advancement podinfo-primary: primary deployment is scaled to zero',
    });
    // The target scaled to zero is what Initialized looks like: it is not judged by this guard.
    await scaler.scaleToZero(aCanary(), signal());
    await eventually(
      async () => (await workloads.readiness(aCanary(), 'canary', new Date(), signal())).ready,
    );
  });

  it('a missing primary is a NotFoundError', async () => {
    await seed(k);
    await expect(workloads.readiness(aCanary(), 'primary', new Date(), signal())).rejects.toMatchObject({
      name: 'NotFoundError',
      message:
        'Deployment test/podinfo-primary get failed: not found (deployments.apps "podinfo-primary" not found)',
    });
  });
});

describe('promotion, revision and scaling', () => {
  it('revision changes with the template and tracked configs; promote copies both to the primary once', async () => {
    await seed(k);
    const canary = aCanary();
    await workloads.bootstrap(canary, signal());
    const r1 = await workloads.revision(canary, signal());
    expect(Object.keys(r1.trackedConfigs ?? {}).sort()).toEqual([
      'configmap/init-env',
      'configmap/podinfo-config-vol',
      'configmap/podinfo-env',
      'configmap/podinfo-projected',
      'secret/podinfo-secret-env',
      'secret/podinfo-secret-envfrom',
    ]);
    expect(await workloads.revision(canary, signal())).toEqual(r1);
    // While promoting the configs are not read: the same revision, and nothing about them.
    expect(await workloads.revision(canary, signal(), { configs: false })).toEqual({ revision: r1.revision });

    await k.core.replaceNamespacedConfigMap({
      name: 'podinfo-env',
      namespace: NS,
      body: { metadata: { name: 'podinfo-env' }, data: { key: 'v2' } },
    });
    // Drop the resourceVersion: the sandbox's rollout may update the status between read and write.
    const target = await get('podinfo');
    target.spec!.template.spec!.containers[0].image = 'podinfo:6.0.1';
    delete target.metadata!.resourceVersion;
    await k.apps.replaceNamespacedDeployment({ name: 'podinfo', namespace: NS, body: target });
    const r2 = await workloads.revision(canary, signal());
    expect(r2.revision).not.toBe(r1.revision);
    expect(r2.trackedConfigs?.['configmap/podinfo-env']).not.toBe(
      r1.trackedConfigs?.['configmap/podinfo-env'],
    );

    await workloads.promote(canary, signal());
    const primary = await get('podinfo-primary');
    expect(primary.spec!.template.spec!.containers[0].image).toBe('podinfo:6.0.1');
    expect(primary.spec!.template.metadata!.annotations!['flagger-id']).toBe('id-2');
    expect(primary.spec!.selector.matchLabels).toEqual({ app: 'podinfo-primary' });
    expect(
      (await k.core.readNamespacedConfigMap({ name: 'podinfo-env-primary', namespace: NS })).data,
    ).toEqual({ key: 'v2' });

    sandbox.clearRequests();
    await workloads.promote(canary, signal());
    expect(sandbox.writes()).toEqual([]);
  });

  it('scales the target to zero and back to the primary replicas', async () => {
    await seed(k);
    const canary = aCanary();
    await workloads.bootstrap(canary, signal());
    await scaler.scaleToZero(canary, signal());
    expect((await get('podinfo')).spec!.replicas).toBe(0);
    expect(await scaler.scaleUp(canary, 'canary', signal())).toBe(2);
    expect((await get('podinfo')).spec!.replicas).toBe(2);
  });

  /** The target's HorizontalPodAutoscaler `podinfo`. */
  const createHpa = (minReplicas: number, maxReplicas: number) =>
    k.autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace: NS,
      body: {
        metadata: { name: 'podinfo' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
          minReplicas,
          maxReplicas,
        },
      },
    });

  it('scales up to the HPA minimum with an autoscalerRef', async () => {
    await seed(k);
    await createHpa(3, 4);
    const canary = aCanary({ autoscalerRef: { kind: 'HorizontalPodAutoscaler', name: 'podinfo' } });
    await scaler.scaleToZero(canary, signal());
    expect(await scaler.scaleUp(canary, 'canary', signal())).toBe(3);
  });

  it("reverting (revertOnDeletion) scales the target to the primary's replicas, even with an HPA", async () => {
    await seed(k);
    await createHpa(1, 10);
    const canary = aCanary({ autoscalerRef: { kind: 'HorizontalPodAutoscaler', name: 'podinfo' } });
    await workloads.bootstrap(canary, signal());
    await k.apps.patchNamespacedDeployment(
      { namespace: NS, name: 'podinfo-primary', body: { spec: { replicas: 6 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await scaler.scaleToZero(canary, signal());
    expect(await scaler.scaleUp(canary, 'primary', signal())).toBe(6);
    expect((await get('podinfo')).spec!.replicas).toBe(6);
    // A new release starts from the HPA's minimum instead.
    await scaler.scaleToZero(canary, signal());
    expect(await scaler.scaleUp(canary, 'canary', signal())).toBe(1);
  });
});

describe('events', () => {
  it('records step outcomes on the target Deployment, counting repeats', async () => {
    await seed(k);
    const events = new KubernetesEventRecorder(k);
    const canary = aCanary();
    const halt = {
      type: 'Warning' as const,
      reason: 'WaitingForCanary',
      message: 'Halt advancement podinfo.test waiting for rollout to finish',
    };
    await events.record(canary, halt, new Date('2025-01-01T00:00:00Z'), signal());
    await events.record(canary, halt, new Date('2025-01-01T00:01:00Z'), signal());
    await events.record(
      canary,
      { type: 'Normal', reason: 'CanaryWeightIncreased', message: 'Advance podinfo.test canary weight 10' },
      new Date('2025-01-01T00:02:00Z'),
      signal(),
    );

    const list = (await k.core.listNamespacedEvent({ namespace: NS })).items;
    expect(list).toHaveLength(2);
    const uid = (await get('podinfo')).metadata!.uid;
    const warning = list.find((e) => e.type === 'Warning')!;
    expect(warning).toMatchObject({
      reason: 'WaitingForCanary',
      count: 2,
      involvedObject: { kind: 'Deployment', name: 'podinfo', namespace: NS, uid },
      source: { component: 'flagger-serverless' },
    });
    expect(warning.firstTimestamp!.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(warning.lastTimestamp!.toISOString()).toBe('2025-01-01T00:01:00.000Z');
    expect(list.find((e) => e.type === 'Normal')!.count).toBe(1);
  });
});
