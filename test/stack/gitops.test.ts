/**
 * The stack test of GitOps sourcing (docs/gitops.md): a cluster record with `gitops.enabled`, a
 * Canary object created with kubectl in its cluster; the packaged sweep sources it (registration),
 * the packaged step releases it and writes Flagger's status back to the object, and deleting the
 * object deletes the canary. Every AWS call is judged against the calling function's role (the
 * sweep's `SweepRegisterCanaryObjects` among them), every Kubernetes request against the
 * ClusterRole of the role that made it (infra/kubernetes/rbac.yaml).
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { prometheusAvailability } from '../support/prometheus.js';
import { accessOf, rbacGrants } from '../support/rbac.js';
import { apply, podinfoDeployment } from '../support/release.js';
import { hasKubectl, kubectlFor, type Kubectl } from '../support/sandbox.js';
import type { RecordedRequest } from '../../sandbox/apiserver/requests.js';
import { startWorld, until, type World } from './world.js';

const available = prometheusAvailability('stack test');
const id = '/canaries/prod/test/podinfo';
const canary = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: test }
spec:
  provider: istio
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis: { interval: 10s, threshold: 2, maxWeight: 50, stepWeight: 50 }
`;

type Status = {
  phase?: string;
  canaryWeight?: number;
  conditions?: { type: string; status: string; reason: string }[];
};
type Live = { metadata: { finalizers?: string[] }; status?: Status };

let w: World;
let kubectl: Kubectl;

function live(): Live | undefined {
  return w.sandbox.store.get('flagger.app/v1beta1', 'Canary', 'test', 'podinfo') as Live | undefined;
}

/** Runs the schedule until the object's status satisfies `want`; returns that status. */
function objectStatus(what: string, want: (s: Status) => boolean): Promise<Status> {
  return until(`Canary object ${what}`, async () => {
    if (w.stack.incidents.length > 0) throw new Error('a function failed');
    await w.stack.schedule();
    const s = live()?.status;
    return s && want(s) ? s : undefined;
  });
}

describe.skipIf(available.skip || !hasKubectl)('GitOps sourcing in the packaged stack', () => {
  beforeAll(async () => {
    w = await startWorld();
    kubectl = await kubectlFor(w.sandbox);
    await kubectl.run(['apply', '-f', 'infra/kubernetes/flagger-crds.yaml']);
  }, 300_000);
  afterAll(async () => {
    await kubectl?.dispose();
    await w?.close();
  });

  it('the sweep sources a Canary object, the step releases it into its status, kubectl delete deletes it', async () => {
    const { client, stack, sandbox } = w;
    onTestFailed(() => console.log(w.report()));
    const cluster = {
      name: 'prod',
      kind: 'eks',
      eksClusterName: 'prod',
      region: 'us-east-1',
      gitops: { enabled: true },
    };
    const body = { body: JSON.stringify(cluster), contentType: 'application/json' };
    expect((await client.request('POST', '/clusters', body)).status).toBe(201);
    await apply(sandbox, podinfoDeployment('podinfo:6.0.0'));
    await kubectl.run(['apply', '-f', '-'], canary);

    // Sourced by the sweep (no API call registers it), shown from the first moment, then released.
    const first = await objectStatus('registered', (s) => s.phase !== undefined);
    expect(['Initializing', 'Initialized']).toContain(first.phase);
    expect(live()?.metadata.finalizers).toContain('flagger-serverless.app/finalizer');
    const history = await client.call<{ items: { kind: string; actor: string }[] }>('GET', `${id}/history`);
    expect(history.items.find((h) => h.kind === 'registration')?.actor).toBe(
      'Canary object test/podinfo in cluster prod',
    );
    await objectStatus('Initialized', (s) => s.phase === 'Initialized');
    expect(await kubectl.run(['get', 'canaries', '-n', 'test'])).toMatch(/podinfo\s+Initialized\s+0/);

    await apply(sandbox, podinfoDeployment('podinfo:6.0.1'));
    const progressing = await objectStatus(
      'at 50 %',
      (s) => s.phase === 'Progressing' && s.canaryWeight === 50,
    );
    expect(progressing.conditions).toMatchObject([
      { type: 'Promoted', status: 'Unknown', reason: 'Progressing' },
    ]);
    const succeeded = await objectStatus('Succeeded', (s) => s.phase === 'Succeeded');
    expect(succeeded).toMatchObject({
      canaryWeight: 0,
      conditions: [{ type: 'Promoted', status: 'True', reason: 'Succeeded' }],
    });
    await kubectl.run(['wait', 'canary/podinfo', '-n', 'test', '--for=condition=promoted', '--timeout=10s']);

    await kubectl.run(['delete', 'canary', 'podinfo', '-n', 'test', '--wait=false']);
    await until('the object gone', async () => {
      await stack.schedule();
      return live() === undefined ? true : undefined;
    });
    await expect(client.call('GET', id)).rejects.toMatchObject({ status: 404 });
    await stack.settle();

    // The sweep registered and deleted with its own role, allowed by its GitOps statement.
    const sourced = stack.ledger.calls.filter(
      (c) => c.principal === 'sweep' && c.allowedBy.includes('SweepRegisterCanaryObjects'),
    );
    expect(sourced.length).toBeGreaterThan(0);
    expect(stack.ledger.denials()).toEqual([]);
    expect(stack.api.refused).toEqual([]);
    expect(stack.aws.rejected).toEqual([]);
    expect(stack.incidents).toEqual([]);
    expect(w.eks.refused).toEqual([]);

    // Every request to the cluster is one its role's ClusterRole grants; both wrote the status.
    const byRole = (name: string) =>
      w.eks.requests.filter(
        (r) => r.role === stack.roleFor(name, name === 'step' ? 'StepRole' : 'SweepRole').arn,
      );
    const denied = (requests: typeof w.eks.requests, role: string) =>
      requests
        .map((r) => accessOf({ ...r, watch: false } as unknown as RecordedRequest))
        .filter((a) => !rbacGrants(role)(a));
    expect(denied(byRole('sweep'), 'flagger-serverless-sweep')).toEqual([]);
    expect(denied(byRole('step'), 'flagger-serverless')).toEqual([]);
    const statusWrites = (name: string) =>
      byRole(name).filter((r) => r.method === 'PATCH' && r.path.split('?')[0]!.endsWith('/status')).length;
    expect(statusWrites('sweep')).toBe(1);
    expect(statusWrites('step')).toBeGreaterThan(0);
  }, 300_000);
});
