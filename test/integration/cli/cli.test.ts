import { readFileSync } from 'node:fs';
/**
 * The CLI against a real local stack and a sandbox cluster: register a cluster, apply canaries,
 * list and inspect them, steer them, and fail the way CI scripts expect (exit codes, one-line errors).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppsV1Api } from '@kubernetes/client-node';
import { parse as parseYaml, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, kubeConfigFor } from '../../support/sandbox.js';
import { cliFor, podinfoDeployment, quickCanary, sandboxCluster, startEnv, type Env } from './harness.js';

let env: Env;
const fixture = new URL('../../fixtures/podinfo-canary.yaml', import.meta.url);

beforeAll(async () => {
  env = await startEnv();
  // prod/podinfo exists, so the quick canary's steps succeed; test/podinfo never exists.
  await kubeConfigFor(env.sandbox)
    .makeApiClient(AppsV1Api)
    .createNamespacedDeployment({ namespace: 'prod', body: podinfoDeployment('prod') });
});
afterAll(() => env?.close());

/** The URL of a loopback port nobody listens on. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

async function detail(id: string): Promise<Record<string, unknown>> {
  const r = await env.cli(['get', 'canary', id, '-o', 'json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('clusters', () => {
  it('registers the sandbox from a YAML file, then updates it', async () => {
    const path = await env.file('cluster.yaml', stringify(sandboxCluster(env.sandbox)));
    expect(await env.cli(['register-cluster', '-f', path])).toEqual({
      code: 0,
      stdout: 'cluster sandbox registered\n',
      stderr: '',
    });
    expect((await env.cli(['register-cluster', '-f', path])).stdout).toBe('cluster sandbox updated\n');
  });

  it('lists clusters without their secrets', async () => {
    const r = await env.cli(['clusters']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+KIND\s+TARGET\s+PROVIDER$/);
    expect(r.stdout).toMatch(new RegExp(`sandbox\\s+endpoint\\s+${env.sandbox.url}`));
    expect(r.stdout + (await env.cli(['clusters', '-o', 'json'])).stdout).not.toContain(env.sandbox.token);
  });

  it('prints the field errors of a bad registration, exit 4', async () => {
    const r = await env.cli(['register-cluster', '-f', '-'], {
      stdin: '{"name":"Bad_Name","kind":"endpoint","server":"x"}',
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: name: .*DNS-1123/m);
    expect(r.stderr).toMatch(/^error: server: /m);
  });
});

describe('apply', () => {
  it('creates the canary of a manifest file, reports an unchanged re-apply, then updates it', async () => {
    const path = new URL(fixture).pathname;
    expect(await env.cli(['apply', '-f', path, '--cluster', 'sandbox'])).toMatchObject({
      code: 0,
      stdout: 'canary sandbox/test/podinfo created\n',
    });
    expect(await env.cli(['apply', '-f', path, '--cluster', 'sandbox'])).toMatchObject({
      code: 0,
      stdout: 'canary sandbox/test/podinfo unchanged\n',
    });
    const changed = readFileSync(path, 'utf8').replace(
      'progressDeadlineSeconds: 60',
      'progressDeadlineSeconds: 90',
    );
    expect(await env.cli(['apply', '-f', '-', '--cluster', 'sandbox'], { stdin: changed })).toMatchObject({
      code: 0,
      stdout: 'canary sandbox/test/podinfo updated\n',
    });
  });

  it('reads standard input with -f - and the cluster from FLAGGER_CLUSTER', async () => {
    const r = await env.cli(['apply', '-f', '-'], {
      stdin: quickCanary('prod'),
      env: { FLAGGER_CLUSTER: 'sandbox' },
    });
    expect(r).toMatchObject({ code: 0, stdout: 'canary sandbox/prod/podinfo created\n' });
  });

  it('prints each field error of a bad manifest on its own line, exit 4', async () => {
    const bad = (await readFile(fixture, 'utf8'))
      .replace('stepWeight: 10', 'stepWeight: "10"')
      .replace('port: 9898\n', 'port: 0\n');
    const r = await env.cli(['apply', '-f', await env.file('bad.yaml', bad), '--cluster', 'sandbox']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.every((l) => l.startsWith('error: spec.'))).toBe(true);
    expect(lines).toContain('error: spec.analysis.stepWeight: expected a number, got string "10"');
    expect(r.stderr).toMatch(/^error: spec\.service\.port: /m);
  });

  it('refuses an unregistered cluster (4) and a missing cluster or file (64)', async () => {
    const r = await env.cli(['apply', '-f', new URL(fixture).pathname, '--cluster', 'nope']);
    expect(r).toMatchObject({
      code: 4,
      stderr: 'error: query.cluster: expected a registered cluster (GET /clusters), got "nope"\n',
    });
    expect((await env.cli(['apply', '-f', new URL(fixture).pathname])).code).toBe(64);
    expect((await env.cli(['apply', '--cluster', 'sandbox'])).code).toBe(64);
    expect(await env.cli(['apply', '-f', '/no/such.yaml', '--cluster', 'sandbox'])).toMatchObject({
      code: 64,
      stderr: 'error: cannot read /no/such.yaml: no such file or directory\n',
    });
  });
});

describe('get, status and history', () => {
  it('lists canaries as a table, across clusters or filtered', async () => {
    const all = await env.cli(['get', '-A']);
    expect(all.code).toBe(0);
    const [header, ...rows] = all.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^CLUSTER\s+NAMESPACE\s+NAME\s+PHASE\s+WEIGHT\s+FAILED\s+NEXT$/);
    expect(rows).toHaveLength(2);
    expect(rows.join('\n')).toMatch(/^sandbox\s+test\s+podinfo\s+Initializing\s+0%\s+0\s+\S+/m);
    const prod = await env.cli(['get', 'canaries', '--cluster', 'sandbox', '-n', 'prod']);
    expect(prod.stdout.trimEnd().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^sandbox\s+prod\s+podinfo\s/),
    ]);
    expect(await env.cli(['get', '-n', 'empty'])).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'no canaries found\n',
    });
  });

  it('shows one canary as JSON or YAML, with its spec and last step', async () => {
    const json = await detail('sandbox/test/podinfo');
    expect(json).toMatchObject({
      cluster: 'sandbox',
      namespace: 'test',
      name: 'podinfo',
      spec: { analysis: { stepWeight: 10 } },
    });
    expect(json).toHaveProperty('lastStep');
    const yaml = await env.cli(['get', 'canary', 'test/podinfo', '--cluster', 'sandbox', '-o', 'yaml']);
    expect(parseYaml(yaml.stdout)).toMatchObject({ name: 'podinfo', target: 'podinfo' });
  });

  it('says a missing canary is not found, exit 4', async () => {
    expect(await env.cli(['get', 'canary', 'sandbox/test/nope'])).toMatchObject({
      code: 4,
      stdout: '',
      stderr: 'error: canary sandbox/test/nope not found (HTTP 404)\n',
    });
  });

  it('prints the status block', async () => {
    const r = await env.cli(['status', 'sandbox/test/podinfo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^canary {4}sandbox\/test\/podinfo \(target Deployment\/podinfo\)$/m);
    expect(r.stdout).toMatch(/^weight {4}\[----------\] 0%$/m);
    expect(r.stdout).toMatch(/^failures {2}0 \(rollback at 5\)$/m);
    expect(r.stdout).toMatch(/^last {6}.* by /m);
  });

  it('shows the registration in the history', async () => {
    const r = await env.cli(['history', 'sandbox/test/podinfo', '--limit', '50']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^TIME\s+KIND\s+PHASE\s+WEIGHT\s+REASON\s+ACTOR\s+MESSAGE$/);
    expect(r.stdout).toMatch(
      /registration\s+Initializing\s+-\s+CanaryRegistered\s+local-token\s+registered by local-token/,
    );
    expect(r.stdout).toMatch(/registration\s+\S+\s+-\s+CanaryUpdated\s/);
  });

  it('status --wait exits 2 when the canary does not finish within --timeout', async () => {
    const r = await env.cli([
      'status',
      'sandbox/test/podinfo',
      '--wait',
      '--timeout',
      '2s',
      '--interval',
      '300ms',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d Initializing \[----------\] 0% failures 0 \(rollback at 5\)$/m);
    expect(r.stderr).toBe('error: timed out waiting for sandbox/test/podinfo: still Initializing at 0%\n');
  });

  it('status --watch redraws until Ctrl-C (exit 130)', async () => {
    const r = await env.cli(['status', 'sandbox/test/podinfo', '--watch', '--interval', '100ms'], {
      interruptWhen: (out) => /^phase {5}Initializing$/m.test(out),
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^phase {5}Initializing$/m);
  });
});

describe('operator actions', () => {
  const id = 'sandbox/prod/podinfo';
  const settled = (want: Record<string, unknown>) =>
    eventually(
      async () => {
        const d = await detail(id);
        return d.pendingCommand === null && Object.entries(want).every(([k, v]) => d[k] === v);
      },
      { timeoutMs: 20_000, intervalMs: 200, message: `${id} to settle with ${JSON.stringify(want)}` },
    );

  it('pause and resume return 0 and are recorded in the history; a refused abort exits 3', async () => {
    await settled({});
    expect(await env.cli(['pause', id])).toMatchObject({
      code: 0,
      stdout: `pause requested for ${id}; the next step applies it\n`,
    });
    await settled({ paused: true });
    expect((await env.cli(['status', id])).stdout).toMatch(/^phase {5}\S+ \(paused\)$/m);
    expect((await env.cli(['resume', 'prod/podinfo', '--cluster', 'sandbox'])).code).toBe(0);
    await settled({ paused: false });
    // Nothing is releasing: an abort is refused (exit 3) with the reason, and not recorded.
    const abort = await env.cli(['abort', id]);
    expect(abort.code).toBe(3);
    expect(abort.stderr).toMatch(/nothing to abort in phase \w+: no release is in progress/);
    const history = (await env.cli(['history', id])).stdout;
    expect(history).not.toMatch(/OperatorAbort/);
    for (const reason of ['OperatorPause', 'OperatorResume']) {
      expect(history).toMatch(new RegExp(`operator\\s+\\S+\\s+-\\s+${reason}\\s+local-token\\s`));
    }
  });

  it('approve checks the gate name', async () => {
    const r = await env.cli(['approve', id, '--gate', 'confirm-everything']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      'error: query.gate: expected one of confirm-rollout, confirm-traffic-increase, confirm-promotion, got "confirm-everything"\n',
    );
  });
});

describe('ui', () => {
  it('prints a sign-in link to the status page that works once, for the token holder', async () => {
    const r = await env.cli(['ui']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${env.stack.url}/ui/login\\?t=[\\w-]{43}\\n$`));
    expect(r.stderr).toMatch(/^signs in once as local-token, until \d{4}-\d\d-\d\dT/);
    const first = await fetch(r.stdout.trim(), { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('set-cookie')).toMatch(
      /^fs_session=[\w-]{43}; Path=\/ui; HttpOnly; Secure; SameSite=Strict/,
    );
    expect((await fetch(r.stdout.trim(), { redirect: 'manual' })).status).toBe(401);
  });
});

describe('failures for CI scripts', () => {
  it('a wrong token is one line on stderr, exit 4', async () => {
    const r = await cliFor({ FLAGGER_API_URL: env.stack.url, FLAGGER_API_TOKEN: 'wrong' })(['get', '-A']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: missing or wrong bearer token .*\(HTTP 401\)\n$/);
  });

  it('an unreachable API is one line on stderr, exit 4', async () => {
    const url = await closedPortUrl();
    const r = await cliFor({ FLAGGER_API_URL: url })(['clusters']);
    expect(r).toEqual({ code: 4, stdout: '', stderr: `error: cannot reach ${url}: ECONNREFUSED\n` });
  });

  it.each([
    {
      args: ['frobnicate'],
      want: 'error: unknown command "frobnicate"; run "flagger-serverless --help" for the list\n',
    },
    { args: [], want: 'error: missing command; run "flagger-serverless --help"\n' },
    { args: ['get', '--bogus'], want: "error: Unknown option '--bogus'\n" },
    { args: ['status', 'podinfo'], want: expect.stringMatching(/^error: bad canary id "podinfo"/) },
    {
      args: ['status', 'test/podinfo'],
      want: expect.stringMatching(/^error: canary id "test\/podinfo" has no cluster/),
    },
    {
      args: ['status', 'a/b/c', '--wait', '--timeout', 'soon'],
      want: expect.stringMatching(/^error: --timeout: expected a duration/),
    },
    { args: ['get', '-o', 'xml'], want: 'error: -o: expected json, yaml, wide or name, got "xml"\n' },
    {
      args: ['history', 'a/b/c', 'extra'],
      want: expect.stringMatching(/^error: unexpected argument "extra"/),
    },
  ])('usage error $args → 64', async ({ args, want }) => {
    const r = await env.cli(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toEqual(want);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--help prints usage, exit 0', async () => {
    const r = await env.cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('flagger-serverless status CLUSTER/NAMESPACE/NAME [--watch] [--wait]');
    expect(await env.cli(['apply', '--help'])).toEqual({
      code: 0,
      stdout: 'Usage: flagger-serverless apply -f FILE|DIR|- [-f …] [--cluster NAME] [-n NAMESPACE]\n',
      stderr: '',
    });
  });
});
