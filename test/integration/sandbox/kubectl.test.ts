// kubectl against the https sandbox through a written kubeconfig. Runs only where a `kubectl` binary
// is on PATH (CI machines may not have one); the client-node tests cover the same behaviour.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const reason = 'needs a kubectl binary on PATH';

const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: test
spec:
  replicas: 2
  selector:
    matchLabels: {app: podinfo}
  template:
    metadata:
      labels: {app: podinfo}
    spec:
      containers:
      - name: podinfo
        image: ghcr.io/stefanprodan/podinfo:6.0.0
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: podinfo
  namespace: test
spec:
  hosts: [podinfo]
  http:
  - route:
    - destination: {host: podinfo-primary}
      weight: 100
`;

describe('kubectl against the sandbox', () => {
  let sandbox: Sandbox;
  let dir: string;

  function kubectl(args: string[], input?: string): Promise<string> {
    const all = ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args];
    return new Promise((resolve, reject) => {
      const child = execFile('kubectl', all, { timeout: 20_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr}`, { cause: error }));
        else resolve(stdout);
      });
      child.stdin?.end(input ?? '');
    });
  }

  beforeAll(async () => {
    if (!hasKubectl) return;
    sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
    dir = await mkdtemp(join(tmpdir(), 'sandbox-kubectl-'));
    await sandbox.writeKubeconfig(join(dir, 'kubeconfig'));
  });
  afterAll(async () => {
    if (!hasKubectl) return;
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasKubectl)(`applies manifests server-side (${reason})`, async () => {
    const out = await kubectl(['apply', '--server-side', '-f', '-'], manifest);
    expect(out).toContain('deployment.apps/podinfo serverside-applied');
    expect(out).toContain('virtualservice.networking.istio.io/podinfo serverside-applied');
    expect(sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo')?.metadata.generation).toBe(1);
    expect(sandbox.writes().every((r) => r.contentType === 'application/apply-patch+yaml')).toBe(true);
  });

  it.skipIf(!hasKubectl)(`gets objects as tables and with jsonpath (${reason})`, async () => {
    const table = await kubectl(['get', 'deployments', '-A']);
    expect(table).toMatch(/NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    expect(table).toMatch(/test\s+podinfo\s+2\/2\s+2\s+2\s+/);
    expect(
      await kubectl(['get', 'vs', 'podinfo', '-n', 'test', '-o', 'jsonpath={.spec.http[0].route[0].weight}']),
    ).toBe('100');
    expect(await kubectl(['get', 'pods', '-n', 'test', '-o', 'name'])).toMatch(
      /^pod\/podinfo-[0-9a-f]{10}-[0-9a-f]{5}\npod\/podinfo-/,
    );
  });

  it.skipIf(!hasKubectl)(`patches with --type merge (${reason})`, async () => {
    const out = await kubectl([
      'patch',
      'deployment',
      'podinfo',
      '-n',
      'test',
      '--type',
      'merge',
      '-p',
      '{"spec":{"replicas":3}}',
    ]);
    expect(out).toContain('deployment.apps/podinfo patched');
    const stored = sandbox.store.get('apps/v1', 'Deployment', 'test', 'podinfo');
    expect(stored?.metadata.generation).toBe(2);
    expect(stored?.status).toMatchObject({ replicas: 3, readyReplicas: 3 });
  });

  it.skipIf(!hasKubectl)(`reports NotFound like a real server (${reason})`, async () => {
    await expect(kubectl(['get', 'deployment', 'nope', '-n', 'test'])).rejects.toThrow(
      /deployments.apps "nope" not found/,
    );
  });
});
