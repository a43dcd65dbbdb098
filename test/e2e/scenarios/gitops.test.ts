/**
 * GitOps sourcing (docs/gitops.md): Canary objects in the cluster are a second, equal way in.
 * A Canary created with kubectl is registered by the sweep, released by the control plane on a
 * virtual clock, and seen by `kubectl get canaries` and `kubectl wait --for=condition=promoted`;
 * deleting the object deletes the canary. While Flagger runs in the cluster only claimed objects
 * are sourced; the API refuses to overwrite or delete a cluster-sourced canary. Requests are
 * counted, never timed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../support/controlplane.js';
import { closeAll, gitopsCluster } from '../../support/gitops.js';
import { rbacGrants, accessOf } from '../../support/rbac.js';
import { apply, podinfoCanary, podinfoDeployment, podinfoKey as key } from '../../support/release.js';
import { hasKubectl, kubectlFor, startSandbox, type Kubectl, type Sandbox } from '../../support/sandbox.js';
import type { Logger } from '../../../lib/ports/logger.js';
import { syncCanaryObjects } from '../../../lib/app/sync-canary-objects.js';

const MINUTE = 60_000;
const signal = new AbortController().signal;

let sandbox: Sandbox;
let cp: ControlPlane;
let kubectl: Kubectl;
const warnings: { message: string; fields?: Record<string, unknown> }[] = [];

const logger: Logger = {
  info: () => undefined,
  warn: (message, fields) => void warnings.push({ message, fields }),
  error: () => undefined,
};

const canaryYaml = (name = 'podinfo', annotations = '') =>
  podinfoCanary('threshold: 2\nmaxWeight: 50\nstepWeight: 25', { name }).replace(
    `metadata: { name: ${name}, namespace: test }`,
    `metadata: { name: ${name}, namespace: test${annotations ? `, annotations: { ${annotations} }` : ''} }`,
  );

beforeEach(async () => {
  warnings.length = 0;
  sandbox = await startSandbox({ name: 'sandbox', rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  cp = await startControlPlane({ logger });
  kubectl = await kubectlFor(sandbox);
  await gitopsCluster(cp, sandbox, kubectl);
}, 60_000);

afterEach(async () => {
  await closeAll(kubectl, cp, sandbox);
});

/** One minute of the control plane: dispatch (sweeps and due steps), then every message. */
async function minute(ms = MINUTE) {
  cp.clock.now += ms;
  await cp.dispatch();
  await cp.deliver();
  return cp.core.store.get(key, signal);
}

/** Steps 10 s at a time until `phase` (at most `n` times). */
async function until(phase: string, n = 30) {
  let row = await cp.core.store.get(key, signal);
  for (let i = 0; i < n && row?.status.phase !== phase; i++) row = await minute(10_000);
  expect(row?.status.phase).toBe(phase);
  return row!;
}

function liveCanary(name = 'podinfo') {
  return sandbox.store.get('flagger.app/v1beta1', 'Canary', 'test', name) as
    { metadata: { finalizers?: string[]; annotations?: Record<string, string> }; status?: any } | undefined;
}

describe.skipIf(!hasKubectl)('Canary objects from the cluster', () => {
  it('kubectl apply registers, the release shows in kubectl get/wait, kubectl delete deletes', async () => {
    await kubectl.run(['apply', '-f', '-'], canaryYaml());
    const mark = sandbox.mark();
    // The sweep alone, before any step: the object shows Initializing at once, one status PATCH.
    const swept = await syncCanaryObjects(cp.sweepDeps.gitops!, 'sandbox', signal);
    expect(swept?.registered).toEqual(['test/podinfo']);
    const object = '/apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo';
    expect(
      sandbox.selectRequests({ since: mark, path: '/apis/flagger.app/' }).map((r) => `${r.method} ${r.path}`),
    ).toEqual([
      'GET /apis/flagger.app/v1beta1/canaries', // the list, metadata only
      `GET ${object}`, // the object read in full
      `PATCH ${object}/status`, // Initializing, conditional on the version read
      `GET ${object}`, // the mark: annotation and finalizer
      `PATCH ${object}`,
    ]);
    expect(liveCanary()?.status.conditions).toMatchObject([
      { type: 'Promoted', status: 'Unknown', reason: 'Initializing' },
    ]);
    expect(await kubectl.run(['get', 'canaries', '-n', 'test'])).toMatch(/podinfo\s+Initializing\s+0/);
    expect((await minute())?.source).toBe('cluster');
    expect(liveCanary()?.metadata.finalizers).toContain('flagger-serverless.app/finalizer');
    await until('Initialized');
    expect(liveCanary()?.status).toMatchObject({
      phase: 'Initialized',
      canaryWeight: 0,
      conditions: [{ type: 'Promoted', status: 'True', reason: 'Initialized' }],
    });
    expect(await kubectl.run(['get', 'canaries', '-n', 'test'])).toMatch(/podinfo\s+Initialized\s+0/);

    // A new revision: the sweep notices it, the release progresses, kubectl sees the weight.
    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    await minute();
    let progressing = await until('Progressing');
    for (let i = 0; i < 5 && progressing.status.canaryWeight === 0; i++)
      progressing = (await minute(10_000))!;
    expect(progressing.status.canaryWeight).toBe(25);
    expect(liveCanary()?.status.conditions[0]).toMatchObject({ status: 'Unknown', reason: 'Progressing' });
    expect(await kubectl.run(['get', 'canaries', '-A'])).toMatch(/test\s+podinfo\s+Progressing\s+25/);
    const wait = kubectl.start([
      'wait',
      'canary/podinfo',
      '-n',
      'test',
      '--for=condition=promoted',
      '--timeout=300s',
    ]);
    await until('Succeeded');
    const waited = await wait.exited;
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stdout).toContain('condition met');
    expect(await kubectl.run(['get', 'canaries', '-n', 'test'])).toMatch(/podinfo\s+Succeeded\s+0/);

    // Every request the sweep and the steps made to Canary objects is one rbac.yaml grants.
    const sweep = rbacGrants('flagger-serverless-sweep');
    const step = rbacGrants('flagger-serverless');
    // (kubectl's own requests left out: its watches and its table lists.)
    const ours = sandbox
      .selectRequests({ since: mark, path: '/apis/flagger.app/', watch: false })
      .filter((r) => !r.accept.includes('as=Table'));
    expect(ours.length).toBeGreaterThan(0);
    for (const r of ours) {
      const a = accessOf(r);
      // Both write the status: the sweep as it registers the object, the steps as it changes.
      expect(a.resource === 'canaries/status' ? step(a) && sweep(a) : sweep(a), JSON.stringify(a)).toBe(true);
    }

    // A quiet minute costs three more LISTs than before: MetricTemplates, AlertProviders (their
    // sync: gitops-templates.test.ts) and the Canary objects, metadata only.
    const quiet = sandbox.mark();
    await minute();
    const flagger = sandbox.selectRequests({ since: quiet, path: '/apis/flagger.app/' });
    expect(flagger.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /apis/flagger.app/v1beta1/metrictemplates',
      'GET /apis/flagger.app/v1beta1/alertproviders',
      'GET /apis/flagger.app/v1beta1/canaries',
    ]);
    for (const r of flagger) expect(r.accept).toContain('as=PartialObjectMetadataList');
    expect(sandbox.requestCount({ since: quiet, path: /labelSelector/ })).toBe(0);

    await kubectl.run(['delete', 'canary', 'podinfo', '-n', 'test', '--wait=false']);
    expect(liveCanary()).toBeDefined(); // held by our finalizer until the canary is gone
    await minute();
    expect(await cp.core.store.get(key, signal)).toBeUndefined();
    expect(liveCanary()).toBeUndefined();
    expect(await kubectl.run(['get', 'canaries', '-n', 'test'])).not.toContain('podinfo');
  }, 240_000);

  it('revertOnDeletion: the object stays until the steps reverted the target, then goes', async () => {
    const yaml = canaryYaml().replace(
      '  service: { port: 9898 }\n',
      '  service: { port: 9898 }\n  revertOnDeletion: true\n',
    );
    expect(yaml).toContain('revertOnDeletion: true');
    await kubectl.run(['apply', '-f', '-'], yaml);
    await minute();
    await until('Initialized');
    await kubectl.run(['delete', 'canary', 'podinfo', '-n', 'test', '--wait=false']);
    cp.clock.now += MINUTE;
    await cp.dispatch();
    await cp.deliver();
    // The sweep asked for deletion; the steps revert the target (Terminating → Terminated) and
    // remove the row; the object is held by our finalizer meanwhile, and released by the next sweep.
    let row = await cp.core.store.get(key, signal);
    expect(row?.status.pendingCommand?.kind ?? row?.status.phase).toMatch(/delete|Terminat/);
    for (let i = 0; i < 10 && row; i++) {
      expect(liveCanary()).toBeDefined();
      cp.clock.now += 10_000;
      await cp.dispatch();
      await cp.deliver();
      row = await cp.core.store.get(key, signal);
    }
    expect(row).toBeUndefined();
    const history = await cp.core.history.list(key, { limit: 20 }, signal);
    expect(history.map((h) => h.reason)).toContain('OperatorDelete');
    await minute();
    expect(liveCanary()).toBeUndefined();
  }, 120_000);

  it('the API refuses to overwrite or delete a cluster-sourced canary (409, and why)', async () => {
    await kubectl.run(['apply', '-f', '-'], canaryYaml());
    await minute();
    const put = await cp.api('POST', '/canaries', canaryYaml(), { cluster: 'sandbox' });
    expect(put.status).toBe(409);
    expect(JSON.stringify(put.body)).toContain('defined by its Canary object');
    const del = await cp.api('DELETE', '/canaries/sandbox/test/podinfo');
    expect(del.status).toBe(409);
    expect((await cp.core.store.get(key, signal))?.source).toBe('cluster');
  }, 120_000);

  it('an invalid Canary object is refused on the object, read once, and nothing is registered', async () => {
    await kubectl.run(['apply', '-f', '-'], canaryYaml().replace('stepWeight: 25', 'stepWeight: -5'));
    await minute();
    expect(await cp.core.store.get(key, signal)).toBeUndefined();
    const annotations = liveCanary()?.metadata.annotations ?? {};
    expect(annotations['flagger-serverless.app/error']).toContain('stepWeight');
    // …and in its status: kubectl shows Failed, the Promoted condition False says why.
    expect(await kubectl.run(['get', 'canaries', '-n', 'test'])).toMatch(/podinfo\s+Failed\s+0/);
    expect(liveCanary()?.status.conditions[0]).toMatchObject({
      status: 'False',
      message: expect.stringContaining('stepWeight'),
    });
    const mark = sandbox.mark();
    await minute();
    // Not read again until it changes: the lists only (Canaries, MetricTemplates, AlertProviders).
    expect(sandbox.requestCount({ since: mark, path: '/apis/flagger.app/' })).toBe(3);
  }, 120_000);

  it('while Flagger runs, only objects claimed with flagger-serverless.app/claim are sourced', async () => {
    await kubectl.run(['create', 'namespace', 'flagger-system']);
    await kubectl.run(
      ['apply', '-f', '-'],
      JSON.stringify({
        ...podinfoDeployment('ghcr.io/fluxcd/flagger:1.44.0', {}, 'flagger'),
        metadata: {
          name: 'flagger',
          namespace: 'flagger-system',
          labels: { 'app.kubernetes.io/name': 'flagger' },
        },
      }),
    );
    await apply(sandbox, podinfoDeployment('podinfo:6.0.0', {}, 'claimed'));
    await kubectl.run(['apply', '-f', '-'], canaryYaml());
    await kubectl.run(['apply', '-f', '-'], canaryYaml('claimed', '"flagger-serverless.app/claim": "true"'));
    await minute();
    expect(await cp.core.store.get(key, signal)).toBeUndefined();
    expect(liveCanary()?.metadata.finalizers ?? []).toEqual([]);
    const claimed = await cp.core.store.get({ ...key, name: 'claimed' }, signal);
    expect(claimed?.source).toBe('cluster');
    const refusal = warnings.find((w) => w.fields?.reason === 'ClusterSourcingRefused');
    expect(refusal?.message).toContain(
      'Flagger runs in cluster "sandbox" (Deployment flagger-system/flagger',
    );
    expect(refusal?.fields?.objects).toEqual(['test/podinfo']);

    // Flagger scaled to zero (docs/migrating-from-flagger.md) does not run: the object is sourced.
    await kubectl.run([
      'patch',
      'deployment/flagger',
      '-n',
      'flagger-system',
      '-p',
      '{"spec":{"replicas":0}}',
    ]);
    await minute();
    expect((await cp.core.store.get(key, signal))?.source).toBe('cluster');
  }, 120_000);
});
