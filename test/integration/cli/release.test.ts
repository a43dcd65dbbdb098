/**
 * `status --wait` over whole releases in the real pipeline: the quick canary (skipAnalysis) reaches
 * Succeeded (exit 0); one whose pre-rollout webhook cannot be reached rolls back to Failed (exit 1).
 *
 * Steps run once per analysis interval (10 s at least); the test drives the controller with the
 * local stack's `stepNow` (the normal step, run at once) instead of waiting out the intervals.
 */
import { AppsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { eventually, kubeConfigFor } from '../../support/sandbox.js';
import {
  podinfoDeployment,
  quickCanary,
  sandboxCluster,
  startEnv,
  type CliRun,
  type Env,
} from './harness.js';

let env: Env;
let apps: AppsV1Api;

beforeAll(async () => {
  env = await startEnv();
  apps = kubeConfigFor(env.sandbox).makeApiClient(AppsV1Api);
  expect(
    (await env.cli(['register-cluster', '-f', '-'], { stdin: stringify(sandboxCluster(env.sandbox)) })).code,
  ).toBe(0);
});
afterAll(() => env?.close());

/** The quick canary of `namespace` plus a pre-rollout webhook to `hookUrl`, without skipAnalysis. */
function gatedCanary(namespace: string, hookUrl: string): string {
  return quickCanary(namespace)
    .replace('  skipAnalysis: true\n', '')
    .replace(
      '  analysis: { interval: 10s, threshold: 2, iterations: 1 }',
      `  analysis:\n    interval: 10s\n    threshold: 1\n    iterations: 1\n    webhooks:\n      - { name: gate, type: pre-rollout, url: "${hookUrl}", timeout: 2s }`,
    );
}

function keyOf(id: string) {
  const [cluster, namespace, name] = id.split('/');
  return { cluster: cluster!, namespace: namespace!, name: name! };
}

/** Applies `manifest` until the canary reaches `phase`. */
async function applyUntil(manifest: string, id: string, phase: string): Promise<void> {
  await eventually(
    async () => {
      expect((await env.cli(['apply', '-f', '-', '--cluster', 'sandbox'], { stdin: manifest })).code).toBe(0);
      await env.stack.stepNow(keyOf(id));
      const r = await env.cli(['get', 'canary', id, '-o', 'json']);
      return (JSON.parse(r.stdout) as { phase: string }).phase === phase;
    },
    { timeoutMs: 20_000, intervalMs: 300, message: `${id} to reach ${phase}` },
  );
}

/** Runs `status --wait` while re-applying `manifest` every 300 ms until it exits. */
async function waitDriving(manifest: string, id: string): Promise<CliRun> {
  let done = false;
  const waiting = env
    .cli(['status', id, '--wait', '--timeout', '30s', '--interval', '200ms'])
    .finally(() => (done = true));
  while (!done) {
    await env.stack.stepNow(keyOf(id));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return waiting;
}

/** Creates Deployment `namespace/podinfo`, waits for Initialized, then rolls out a new image. */
async function newRevision(namespace: string, manifest: string): Promise<void> {
  await apps.createNamespacedDeployment({ namespace, body: podinfoDeployment(namespace) });
  await applyUntil(manifest, `sandbox/${namespace}/podinfo`, 'Initialized');
  const image = {
    op: 'replace',
    path: '/spec/template/spec/containers/0/image',
    value: 'ghcr.io/stefanprodan/podinfo:6.0.1',
  };
  await apps.patchNamespacedDeployment({ namespace, name: 'podinfo', body: [image] });
}

it('status --wait exits 0 when the release is promoted (Succeeded)', async () => {
  const manifest = quickCanary('prod');
  await newRevision('prod', manifest);
  const r = await waitDriving(manifest, 'sandbox/prod/podinfo');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/ Succeeded \[----------\] 0% failures 0 \(rollback at 2\)\n$/);
  expect((await env.cli(['history', 'sandbox/prod/podinfo', '--limit', '100'])).stdout).toMatch(
    /step\s+Succeeded\s/,
  );
});

it('status --wait exits 1 when the release is rolled back (Failed)', async () => {
  const manifest = gatedCanary('stage', 'http://127.0.0.1:1/unreachable');
  await newRevision('stage', manifest);
  const r = await waitDriving(manifest, 'sandbox/stage/podinfo');
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/ Failed \[----------\] 0% failures \d+ \(rollback at 1\)\n$/);
  const status = await env.cli(['status', 'sandbox/stage/podinfo']);
  expect(status.stdout).toMatch(/^phase {5}Failed$/m);
  // The last step may be a later no-op one (the driving applies), so read the rollback from history.
  expect((await env.cli(['history', 'sandbox/stage/podinfo', '--limit', '100'])).stdout).toMatch(
    /step\s+Failed\s+0%\s+RollbackThresholdReached\s.*pre-rollout hook "gate" failed/,
  );
});
