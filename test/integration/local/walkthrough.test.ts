/**
 * README's local-mode walkthrough, run as written: its first block starts local mode
 * (`FLAGGER_API_TOKEN=t npm start -- --sandbox`), its second releases podinfo 6.0.1 without
 * kubectl and follows the release with the CLI until it ends. What differs from a reader's run is
 * appended or substituted, and only that: a free port (`--port 0`, so FLAGGER_API_URL is set for
 * the CLI), a data directory of the test's own in place of `.data/local`, and `--step-every 2s`
 * so that the release takes a few dozen steps' worth of seconds instead of a minute. Then local
 * mode is stopped (Ctrl-C) and started again on the same data: the sandbox's objects come back,
 * the canary finds its target, and a second release, made with the command local mode printed
 * (kubectl's when installed), is promoted too; without the data file of the sandbox, local mode
 * seeds a new one and registers the canary anew.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/sandbox.js';
import { baseEnv, readmeBlocks, runShell, startLocalMode, type LocalMode } from './process.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const dataDir = mkdtempSync(join(tmpdir(), 'local-walkthrough-'));
const READY = 'Make a release';
/** Generous: a loaded 2-core machine starts tsx, dynalite, the sandbox and Prometheus slowly. */
const START_MS = 180_000;
let local: LocalMode | undefined;

afterAll(async () => {
  await local?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const [startBlock, releaseBlock] = readmeBlocks('## Local mode');
const ours = (line: string) => line.replaceAll('.data/local', dataDir);
const startLine = () => `${startBlock[0]} --port 0 --data-dir ${dataDir} --step-every 2s`;

/** The canary as the API shows it. */
async function canary(m: LocalMode): Promise<{ phase: string; lastStep: { reason?: string } | null }> {
  const res = await fetch(`${m.url}/canaries/sandbox/test/podinfo`, {
    headers: { authorization: 'Bearer t' },
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { phase: string; lastStep: { reason?: string } | null };
}

/** The history's reasons, oldest first. */
async function reasons(m: LocalMode): Promise<string[]> {
  const res = await fetch(`${m.url}/canaries/sandbox/test/podinfo/history?limit=500`, {
    headers: { authorization: 'Bearer t' },
  });
  const { items } = (await res.json()) as { items: { reason: string }[] };
  return items.map((i) => i.reason).reverse();
}

/** podinfo-primary's image, read from the sandbox with the kubeconfig local mode wrote. */
async function primaryImage(): Promise<string | undefined> {
  const kc = new KubeConfig();
  kc.loadFromFile(join(dataDir, 'sandbox-kubeconfig.yaml'));
  const d = await kc
    .makeApiClient(AppsV1Api)
    .readNamespacedDeployment({ name: 'podinfo-primary', namespace: 'test' });
  return d.spec?.template.spec?.containers[0].image;
}

describe("README's local-mode walkthrough", () => {
  it('has a start block and a release block', () => {
    expect(startBlock).toEqual(['FLAGGER_API_TOKEN=t npm start -- --sandbox']);
    expect(releaseBlock).toHaveLength(2);
    expect(releaseBlock[0]).toContain('npm run set-image');
    expect(releaseBlock[1]).toContain('status sandbox/test/podinfo --watch');
  });

  it('starts, releases podinfo 6.0.1 and ends in Succeeded', async () => {
    local = await startLocalMode(startLine(), READY, START_MS);
    const banner = local.output();
    expect(banner).toMatch(/sandbox: new; seeded Deployment test\/podinfo \(podinfo:6\.0\.0\)/);
    expect(banner).toMatch(/^metrics: (Prometheus|no prometheus binary found)/m);
    expect(banner).toContain(`open ${local.url}/ui/`);
    expect((await canary(local)).phase).toBe('Initialized');

    const env = baseEnv({ FLAGGER_API_URL: local.url });
    const release = await runShell(ours(releaseBlock[0]), env, 60_000);
    expect(release, release.stderr).toMatchObject({ code: 0 });
    expect(release.stdout).toContain('deployment.apps/podinfo image updated');
    // `status --watch` follows the release until it ends, and exits 0 when it Succeeded.
    const watch = await runShell(ours(releaseBlock[1]), env, 240_000);
    expect(watch, watch.stderr).toMatchObject({ code: 0 });
    expect(watch.stdout).toMatch(/phase\s+Progressing/);
    expect(watch.stdout).toMatch(/phase\s+Succeeded\s*\n/);
    expect((await canary(local)).phase).toBe('Succeeded');
    expect(await primaryImage()).toBe('podinfo:6.0.1');
  }, 420_000);

  it('after a restart, finds the same sandbox and releases again', async () => {
    expect(local, 'the walkthrough ran').toBeDefined();
    await local!.stop();
    local = await startLocalMode(startLine(), READY, START_MS);
    expect(local.output()).toContain(`sandbox: objects restored from ${dataDir}/sandbox.json`);
    // Applied again: its webhooks name the new port (a fixed PORT leaves it unchanged).
    expect(local.output()).toMatch(/canary sandbox\/test\/podinfo (already registered|updated)/);
    expect(await canary(local)).toMatchObject({ phase: 'Succeeded' });
    expect(await primaryImage()).toBe('podinfo:6.0.1');

    // The release command local mode printed: kubectl's when it is installed.
    const printed = local
      .output()
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.includes(hasKubectl ? 'kubectl set image' : 'npm run set-image'));
    expect(printed).toBeDefined();
    const release = await runShell(printed!.replace('podinfo:6.0.1', 'podinfo:6.0.2'), baseEnv(), 60_000);
    expect(release, release.stderr).toMatchObject({ code: 0 });
    const m = local;
    await eventually(
      async () => (await primaryImage()) === 'podinfo:6.0.2' && (await canary(m)).phase === 'Succeeded',
      {
        timeoutMs: 240_000,
        intervalMs: 500,
        message: 'the second release did not succeed',
      },
    );
    const all = await reasons(m);
    expect(all).not.toContain('TargetNotFound');
    expect(all.filter((r) => r === 'Promoted')).toHaveLength(2);
  }, 480_000);

  it("without the sandbox's objects, says so and registers the canary anew", async () => {
    expect(local, 'the walkthrough ran').toBeDefined();
    await local!.stop();
    rmSync(join(dataDir, 'sandbox.json'));
    local = await startLocalMode(startLine(), READY, START_MS);
    expect(local.output()).toContain('sandbox: new; seeded Deployment test/podinfo');
    expect(local.output()).toContain(
      "canary sandbox/test/podinfo: its sandbox's objects were gone, so the stored canary was deleted and is registered anew",
    );
    // Printed once the new canary is Initialized: it found its target in the new sandbox.
    expect((await canary(local)).phase).toBe('Initialized');
    expect(await primaryImage()).toBe('podinfo:6.0.0');
    expect(await reasons(local)).not.toContain('TargetNotFound');
  }, 300_000);
});
