/**
 * Idle canaries are swept per cluster, not stepped per canary (docs/architecture.md, "Idle
 * canaries: the sweep"). Counted at the sandbox (Kubernetes requests) and at a counting proxy in
 * front of dynalite (DynamoDB calls), never timed: an idle interval is the same few LISTs and
 * Queries for 1 canary or 50, writes nothing and queues nothing; a change to what one canary saw
 * queues a step for exactly that canary, and a release or a repair follows within the next sweep.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepCluster } from '../../../lib/app/sweep.js';
import { stampOf } from '../../../lib/domain/sweep/seen.js';
import type { CanaryKey } from '../../../lib/ports/store.js';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { countDynamoCalls, type DynamoCalls } from '../../support/dynamo-calls.js';
import { startDynamo, type LocalDynamo } from '../../support/dynamo.js';
import { apply, podinfoCanary, podinfoDeployment } from '../../support/release.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { stepReasons, type Row } from '../../support/scenario.js';

const signal = new AbortController().signal;
const MINUTE = 60_000;

let sandbox: Sandbox;
let dyn: LocalDynamo;
let calls: DynamoCalls;
let cp: ControlPlane;

beforeEach(async () => {
  sandbox = await startSandbox({ name: 'sandbox', rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  dyn = await startDynamo();
  calls = await countDynamoCalls(dyn.endpoint);
  cp = await startControlPlane({ env: { TABLE_NAME: dyn.table, DYNAMODB_ENDPOINT: calls.endpoint } });
  const r = await cp.api('POST', '/clusters', {
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.httpUrl,
    token: sandbox.token,
  });
  expect(r.status).toBe(201);
});

afterEach(async () => {
  await cp.close();
  await calls.close();
  await dyn.close();
  await sandbox.close();
});

const keyOf = (name: string): CanaryKey => ({ cluster: 'sandbox', namespace: 'test', name });

/** podinfo `name` taking its environment from the ConfigMap `<name>-env`. */
function target(name: string, image = 'podinfo:6.0.0') {
  const d = podinfoDeployment(image, {}, name);
  const [container] = d.spec.template.spec.containers;
  const spec = { containers: [{ ...container, envFrom: [{ configMapRef: { name: `${name}-env` } }] }] };
  return { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec } } };
}

function configMap(name: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'test' }, data };
}

/** Applies targets and configs, registers their canaries and steps until all are Initialized. */
async function idleCanaries(names: string[]): Promise<void> {
  for (const name of names) {
    await apply(sandbox, configMap(`${name}-env`, { LEVEL: 'info' }));
    await apply(sandbox, target(name));
    const r = await cp.api('POST', '/canaries', podinfoCanary('threshold: 2\nstepWeight: 50', { name }), {
      cluster: 'sandbox',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  await cp.deliver();
  for (let i = 0; i < 10; i++) {
    const rows = await Promise.all(names.map((n) => row(n)));
    if (rows.every((x) => x.status.phase === 'Initialized')) return;
    cp.clock.now += 10_000;
    await cp.dispatch();
    await cp.deliver();
  }
  throw new Error('canaries did not initialize');
}

/** Each read under a signal of its own: fifty reads at once on one signal would pile up listeners. */
async function row(name: string): Promise<Row> {
  const r = await cp.core.store.get(keyOf(name), new AbortController().signal);
  if (!r) throw new Error(`no canary ${name}`);
  return r;
}

/** One minute passes: dispatch runs, and the sweeps and steps it queued are delivered. */
async function minute(): Promise<void> {
  cp.clock.now += MINUTE;
  await cp.dispatch();
  await cp.deliver();
}

/** The Kubernetes requests since `mark` as `METHOD path?query`. */
function requestsSince(mark: ReturnType<Sandbox['mark']>): string[] {
  return sandbox
    .selectRequests({ since: mark, proxied: false })
    .map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`);
}

/** A minute with nothing new: what it cost, as requests and calls. */
async function quietMinute() {
  const mark = sandbox.mark();
  calls.reset();
  const delivered = cp.delivered.length;
  cp.clock.now += MINUTE;
  await cp.dispatch();
  await cp.deliver();
  const steps = cp.delivered.slice(delivered);
  return {
    kubernetes: requestsSince(mark).sort(),
    accepts: [...new Set(sandbox.selectRequests({ since: mark }).map((r) => r.accept))],
    dynamodb: calls.counts(),
    steps,
  };
}

async function kubectlDelete(path: string): Promise<void> {
  const res = await fetch(`${sandbox.httpUrl}${path}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${sandbox.token}` },
  });
  expect(res.status, path).toBeLessThan(300);
}

describe('an idle interval', () => {
  it('lists each collection once and reads the same index pages for 1 canary or 50; writes and queues nothing', async () => {
    await idleCanaries(['app-0']);
    const one = await quietMinute();
    await idleCanaries(Array.from({ length: 49 }, (_, i) => `app-${i + 1}`));
    const fifty = await quietMinute();

    expect(fifty).toEqual(one);
    expect(one.kubernetes).toEqual([
      'GET /api/v1/namespaces/test/configmaps?resourceVersion=0',
      'GET /api/v1/namespaces/test/services?resourceVersion=0',
      'GET /apis/apps/v1/namespaces/test/deployments?resourceVersion=0',
      'GET /apis/networking.istio.io/v1beta1/namespaces/test/destinationrules?resourceVersion=0',
      'GET /apis/networking.istio.io/v1beta1/namespaces/test/virtualservices?resourceVersion=0',
    ]);
    expect(one.accepts).toEqual(['application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1']);
    // Dispatch: 4 due-index shards, the cluster names, "any idle canary?" for the cluster. The
    // sweep: the cluster's idle canaries (one Query) and its cluster record (one GetItem).
    expect(one.dynamodb).toEqual({ Query: 7, GetItem: 1 });
    expect(one.steps).toEqual([]);
    expect((await row('app-0')).status.phase).toBe('Initialized');
  }, 180_000);

  it('is not woken by what the steps wrote, or by the primary being scaled', async () => {
    await idleCanaries(['app-0', 'app-1']);
    // As an HPA would: the primary's replicas (its generation moves; a step would not undo it).
    const res = await fetch(`${sandbox.httpUrl}/apis/apps/v1/namespaces/test/deployments/app-0-primary`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: 5 } }),
    });
    expect(res.status).toBe(200);
    const r = await sweepCluster(cp.sweepDeps, 'sandbox', signal);
    expect(r).toMatchObject({ canaries: 2, stepped: [], failed: [] });
  });
});

describe('a change to what one idle canary saw', () => {
  const cases: { name: string; change: () => Promise<unknown> }[] = [
    { name: 'a new image of the target', change: () => apply(sandbox, target('app-1', 'podinfo:6.0.1')) },
    {
      name: 'new data in a ConfigMap the target uses',
      change: () => apply(sandbox, configMap('app-1-env', { LEVEL: 'debug' })),
    },
    {
      name: 'the target deleted',
      change: () => kubectlDelete('/apis/apps/v1/namespaces/test/deployments/app-1'),
    },
    {
      name: 'its VirtualService deleted',
      change: () => kubectlDelete('/apis/networking.istio.io/v1beta1/namespaces/test/virtualservices/app-1'),
    },
    {
      name: 'its primary Service deleted',
      change: () => kubectlDelete('/api/v1/namespaces/test/services/app-1-primary'),
    },
    {
      name: 'its primary Deployment deleted',
      change: () => kubectlDelete('/apis/apps/v1/namespaces/test/deployments/app-1-primary'),
    },
  ];

  it.each(cases)(
    'queues a step for that canary only: $name',
    async ({ change }) => {
      await idleCanaries(['app-0', 'app-1', 'app-2']);
      const idle = await row('app-1');
      await change();
      const r = await sweepCluster(cp.sweepDeps, 'sandbox', signal);
      expect(r.stepped).toEqual([keyOf('app-1')]);
      expect(cp.queued).toEqual([{ key: keyOf('app-1'), dueAt: cp.clock.now, seenAt: idle.seen!.at }]);
    },
    60_000,
  );
});

describe('latency', () => {
  it('starts a release of a new image within the next sweep and its step', async () => {
    await idleCanaries(['app-0']);
    const idle = await row('app-0');
    expect(idle.nextRunAt! - cp.clock.now).toBeGreaterThanOrEqual(10 * MINUTE);
    // What it saw: 9 objects (target, primary, 3 Services, the ConfigMap, VirtualService,
    // 2 DestinationRules; the ConfigMap's `-primary` copy is read by promotion only) in about
    // 500 bytes, stored in the row beside a status of that size.
    expect(Object.keys(idle.seen!.objects)).toHaveLength(9);
    expect(JSON.stringify(idle.seen).length).toBeLessThan(1024);
    await apply(sandbox, target('app-0', 'podinfo:6.0.1'));
    await minute();
    expect((await row('app-0')).status.phase).toBe('Progressing');
    expect((await stepReasons(cp, keyOf('app-0'))).at(-1)).toBe('NewRevisionDetected');
  });

  it('repairs a deleted VirtualService and primary Service within the next sweep and its step', async () => {
    await idleCanaries(['app-0']);
    await kubectlDelete('/apis/networking.istio.io/v1beta1/namespaces/test/virtualservices/app-0');
    await kubectlDelete('/api/v1/namespaces/test/services/app-0-primary');
    await minute();
    expect(sandbox.store.get('networking.istio.io/v1beta1', 'VirtualService', 'test', 'app-0')).toBeDefined();
    expect(sandbox.store.get('v1', 'Service', 'test', 'app-0-primary')).toBeDefined();
    // The repairing step recorded its own writes: the next minute is quiet again.
    expect((await quietMinute()).dynamodb).toEqual({ Query: 7, GetItem: 1 });
  });

  it('repairs drift at the reconcile period when no sweep runs', async () => {
    await idleCanaries(['app-0']);
    const due = (await row('app-0')).nextRunAt!;
    await kubectlDelete('/apis/networking.istio.io/v1beta1/namespaces/test/virtualservices/app-0');
    const vs = () => sandbox.store.get('networking.istio.io/v1beta1', 'VirtualService', 'test', 'app-0');
    while (cp.clock.now + MINUTE < due) {
      cp.clock.now += MINUTE;
      await cp.dispatch();
      cp.sweeps.splice(0); // the sweep function is down
      await cp.deliver();
      expect(vs()).toBeUndefined();
    }
    cp.clock.now = due;
    await cp.dispatch();
    cp.sweeps.splice(0);
    await cp.deliver();
    expect(vs()).toBeDefined();
    expect((await row('app-0')).nextRunAt).toBe(due + 10 * MINUTE);
  });
});

/** Steps `name` ten seconds at a time (dispatch, deliver) until it is in `phase`. */
async function stepTo(name: string, phase: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if ((await row(name)).status.phase === phase) return;
    cp.clock.now += 10_000;
    await cp.dispatch();
    await cp.deliver();
  }
  throw new Error(`${name} did not reach ${phase}: ${(await row(name)).status.phase}`);
}

describe('after a promotion', () => {
  // Promoting and Finalising do not read the configs (lib/domain/reads.ts): the step that promoted
  // kept their stamps, and the step that ends the promotion records them as seen.
  it('the idle canary sees the same 9 objects, the ConfigMap as read; a quiet minute follows', async () => {
    await idleCanaries(['app-0']);
    await apply(sandbox, target('app-0', 'podinfo:6.0.1'));
    await stepTo('app-0', 'Succeeded');
    const idle = await row('app-0');
    expect(Object.keys(idle.seen!.objects)).toHaveLength(9);
    const cm = sandbox.store.get('v1', 'ConfigMap', 'test', 'app-0-env') as { metadata: object };
    expect(idle.seen!.objects['v1/configmaps/test/app-0-env']).toBe(stampOf(cm.metadata));
    const quiet = await quietMinute();
    expect(quiet.steps).toEqual([]);
    expect(quiet.dynamodb).toEqual({ Query: 7, GetItem: 1 });
  });

  it('a ConfigMap changed while promoting wakes it at the next sweep: a new release', async () => {
    await idleCanaries(['app-0']);
    await apply(sandbox, target('app-0', 'podinfo:6.0.1'));
    await stepTo('app-0', 'Promoting');
    await apply(sandbox, configMap('app-0-env', { LEVEL: 'debug' }));
    await stepTo('app-0', 'Succeeded');
    await minute();
    expect((await row('app-0')).status.phase).toBe('Progressing');
    expect((await stepReasons(cp, keyOf('app-0'))).at(-1)).toBe('NewRevisionDetected');
  });
});
