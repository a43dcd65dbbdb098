/**
 * The GitOps e2e tests' cluster (docs/gitops.md): a sandbox with Flagger's CRDs applied by kubectl
 * and podinfo's Deployment, registered with the control plane as `sandbox` with `gitops.enabled`.
 */
import { expect } from 'vitest';
import type { ControlPlane } from './controlplane.js';
import { apply, podinfoDeployment } from './release.js';
import type { Kubectl, Sandbox } from './sandbox.js';

/** Flagger's CRDs as we ship them. */
export const CRDS = 'infra/kubernetes/flagger-crds.yaml';

/** Installs the CRDs and podinfo in `sandbox` and registers it (gitops on) with `cp`. */
export async function gitopsCluster(cp: ControlPlane, sandbox: Sandbox, kubectl: Kubectl): Promise<void> {
  await kubectl.run(['apply', '-f', CRDS]);
  const r = await cp.api('POST', '/clusters', {
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.httpUrl,
    token: sandbox.token,
    gitops: { enabled: true },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  await apply(sandbox, podinfoDeployment('podinfo:6.0.0'));
}

/** Stops what {@link gitopsCluster}'s test started. */
export async function closeAll(kubectl: Kubectl, cp: ControlPlane, sandbox: Sandbox): Promise<void> {
  await kubectl.dispose();
  await cp.close();
  await sandbox.close();
}
