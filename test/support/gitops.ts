/**
 * The GitOps e2e tests' cluster (docs/gitops.md): a sandbox with Flagger's CRDs applied by kubectl
 * and podinfo's Deployment, registered with the control plane as `sandbox` with `gitops.enabled`.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
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

/** Installs the CRDs in `sandbox` over HTTP (no kubectl needed), as `kubectl apply -f` would. */
export async function installCrds(sandbox: Sandbox): Promise<void> {
  for (const doc of parseAllDocuments(readFileSync(CRDS, 'utf8')))
    await send(sandbox, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', doc.toJS());
}

/** One request to the sandbox as a client would make it; throws unless it succeeded. */
export async function send(sandbox: Sandbox, method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${sandbox.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${sandbox.token}`,
      'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
    },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
}
