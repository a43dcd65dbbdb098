/**
 * The CLI's newer commands against a real local stack: `apply -f` over a Flux/kustomize folder,
 * `diff`, `delete`, `templates` and `alert-providers` (with their secrets hidden by the API),
 * `-o wide|name`, and the exit codes a script relies on.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { quickCanary, sandboxCluster, startEnv, type Env } from './harness.js';

const flux = fileURLToPath(new URL('./fixtures/flux', import.meta.url));
const skippedNote =
  'note: skipped 8 documents that are not Canary: Service, Deployment, HorizontalPodAutoscaler, Kustomization ×3, AlertProvider, MetricTemplate';
let env: Env;

beforeAll(async () => {
  env = await startEnv();
  const r = await env.cli(['register-cluster', '-f', '-'], { stdin: stringify(sandboxCluster(env.sandbox)) });
  expect(r.code).toBe(0);
});
afterAll(() => env?.close());

/** A copy of the Flux folder to edit. */
function fluxCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-flux-'));
  cpSync(flux, dir, { recursive: true });
  return dir;
}

function edit(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

describe('apply -f DIR', () => {
  it('applies every Canary of a Flux folder in one call, notes the other kinds, sums up', async () => {
    const r = await env.cli(['apply', '-f', flux, '--cluster', 'sandbox', '-n', 'apps']);
    expect(r).toEqual({
      code: 0,
      stdout: [
        'canary sandbox/apps/backend created',
        'canary sandbox/apps/podinfo created',
        '2 created, 0 updated, 0 unchanged, 0 failed',
        '',
      ].join('\n'),
      stderr: `${skippedNote} (MetricTemplate: "templates apply -f", AlertProvider: "alert-providers apply -f")\n`,
    });
    const again = await env.cli(['apply', '-f', flux, '--cluster', 'sandbox', '-n', 'apps']);
    expect(again.stdout).toMatch(/\n0 created, 0 updated, 2 unchanged, 0 failed\n$/);
  });

  it('reports each failure with its canary and exits 4, applying the others', async () => {
    const dir = fluxCopy();
    edit(join(dir, 'apps/podinfo/canary.yaml'), 'stepWeight: 10', 'stepWeight: 20');
    edit(join(dir, 'apps/backend/canary.yaml'), 'port: 8080\n  analysis', 'port: 0\n  analysis');
    const r = await env.cli(['apply', '-f', dir, '--cluster', 'sandbox', '-n', 'apps']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe(
      'canary sandbox/apps/podinfo updated\n0 created, 1 updated, 0 unchanged, 1 failed\n',
    );
    expect(r.stderr).toMatch(/^error: canary sandbox\/apps\/backend: spec\.service\.port: /m);
  });

  it('refuses unparsable input before sending anything (64)', async () => {
    const dir = fluxCopy();
    writeFileSync(join(dir, 'apps/broken.yaml'), 'kind: Canary\nspec: [1, 2\n');
    edit(join(dir, 'apps/podinfo/canary.yaml'), 'maxWeight: 50', 'maxWeight: 40');
    const r = await env.cli(['apply', '-f', dir, '--cluster', 'sandbox', '-n', 'apps']);
    expect(r).toMatchObject({ code: 64, stdout: '' });
    expect(r.stderr).toMatch(/^error: cannot parse .*apps\/broken\.yaml: YAML syntax error at line \d+/);
    const d = await env.cli(['diff', '-f', join(flux, 'apps/podinfo/canary.yaml'), '--cluster', 'sandbox']);
    expect(d.stdout).not.toContain('maxWeight: 40');
    expect((await env.cli(['apply', '-f', flux, '--cluster', 'sandbox', '-n', 'prod'])).stderr).toMatch(
      /^error: .*podinfo\/canary\.yaml: namespace "apps" does not match -n prod$/m,
    );
  });

  it('applies a multi-document file and the canaries of a kind: List', async () => {
    const items = [quickCanary('prod', 'one'), quickCanary('prod', 'two')].map((y) => parse(y) as unknown);
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
    const r = await env.cli(['apply', '-f', await env.file('list.json', text), '--cluster', 'sandbox']);
    expect(r.stdout).toBe(
      'canary sandbox/prod/one created\ncanary sandbox/prod/two created\n2 created, 0 updated, 0 unchanged, 0 failed\n',
    );
  });
});

describe('diff', () => {
  it('exits 0 without output when apply would change nothing', async () => {
    expect((await env.cli(['apply', '-f', flux, '--cluster', 'sandbox', '-n', 'apps'])).code).toBe(0);
    expect(await env.cli(['diff', '-f', flux, '--cluster', 'sandbox', '-n', 'apps'])).toEqual({
      code: 0,
      stdout: '',
      stderr: expect.stringContaining('note: skipped 8 documents'),
    });
  });

  it('exits 1 with a unified diff against the stored manifest, a new canary all added', async () => {
    const dir = fluxCopy();
    edit(join(dir, 'apps/podinfo/canary.yaml'), 'stepWeight: 10', 'stepWeight: 25');
    edit(join(dir, 'apps/backend/canary.yaml'), 'name: backend\nspec', 'name: backend-v2\nspec');
    const r = await env.cli(['diff', '-f', dir, '--cluster', 'sandbox', '-n', 'apps']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `--- sandbox/apps/podinfo (stored)\n+++ sandbox/apps/podinfo (${dir}/apps/podinfo/canary.yaml)\n`,
    );
    expect(r.stdout).toMatch(/^- {4}stepWeight: 10\n\+ {4}stepWeight: 25$/m);
    expect(r.stdout).toContain('--- sandbox/apps/backend-v2 (not registered)\n');
    expect(r.stdout).toMatch(/^@@ -0,0 \+1,\d+ @@\n\+apiVersion: flagger\.app\/v1beta1$/m);
    // What diff showed is what apply then changes.
    const applied = await env.cli(['apply', '-f', dir, '--cluster', 'sandbox', '-n', 'apps']);
    expect(applied.stdout).toMatch(/1 created, 1 updated, 0 unchanged, 0 failed\n$/);
    expect((await env.cli(['diff', '-f', dir, '--cluster', 'sandbox', '-n', 'apps'])).code).toBe(0);
  });

  it('compares webhook URLs masked as the API shows them, and never prints their secrets', async () => {
    const url = 'http://bot:Diff-Passw0rd@hooks.example/x?token=Diff-T0ken-1&env=prod';
    const manifest = quickCanary('secrets', 'hooked').replace(
      'iterations: 1 }',
      `iterations: 1, webhooks: [{ name: t, url: "${url}" }] }`,
    );
    const cli = (stdin: string, command: string) =>
      env.cli([command, '-f', '-', '--cluster', 'sandbox'], { stdin });
    expect((await cli(manifest, 'apply')).code).toBe(0);
    expect(await cli(manifest, 'diff')).toEqual({ code: 0, stdout: '', stderr: '' });
    const changed = await cli(manifest.replace('env=prod', 'env=stage'), 'diff');
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(
      /^- +url: http:\/\/\*\*\*@hooks\.example\/x\?token=\*\*\*&env=prod\n\+ +url: .*env=stage$/m,
    );
    for (const secret of ['Diff-Passw0rd', 'Diff-T0ken-1']) expect(changed.stdout).not.toContain(secret);
  });

  it('refuses an invalid Canary with its field errors (64)', async () => {
    const bad = quickCanary('prod', 'bad').replace('port: 9898', 'port: "x"');
    const r = await env.cli(['diff', '-f', '-', '--cluster', 'sandbox'], { stdin: bad });
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^error: -: spec\.service\.port: expected a number/m);
  });
});

describe('delete', () => {
  it('deletes a canary (204), then it is not found (4)', async () => {
    expect(
      (await env.cli(['apply', '-f', '-', '--cluster', 'sandbox'], { stdin: quickCanary('stage', 'gone') }))
        .code,
    ).toBe(0);
    expect(await env.cli(['delete', 'sandbox/stage/gone'])).toEqual({
      code: 0,
      stdout: 'canary sandbox/stage/gone deleted\n',
      stderr: '',
    });
    expect(await env.cli(['delete', 'stage/gone', '--cluster', 'sandbox'])).toMatchObject({
      code: 4,
      stderr: 'error: canary sandbox/stage/gone not found (HTTP 404)\n',
    });
  });

  it('says a revertOnDeletion canary is reverted first (202)', async () => {
    const manifest = quickCanary('stage', 'reverting').replace(
      '  skipAnalysis: true\n',
      '  skipAnalysis: true\n  revertOnDeletion: true\n',
    );
    expect((await env.cli(['apply', '-f', '-', '--cluster', 'sandbox'], { stdin: manifest })).code).toBe(0);
    expect(await env.cli(['delete', 'sandbox/stage/reverting'])).toEqual({
      code: 0,
      stdout:
        'canary sandbox/stage/reverting is being deleted: revertOnDeletion: the target is reverted first (Terminating → Terminated), then the record goes\n',
      stderr: '',
    });
  });
});

describe('templates', () => {
  it('applies the MetricTemplates of a folder, lists them (wide, name), gets and deletes one', async () => {
    const applied = await env.cli(['templates', 'apply', '-f', flux]);
    expect(applied).toMatchObject({ code: 0, stdout: 'metric template apps/error-rate created\n' });
    expect(applied.stderr).toMatch(/^note: skipped 9 documents that are not MetricTemplate: /);
    const list = await env.cli(['templates']);
    expect(list.stdout).toMatch(
      /^NAMESPACE\s+NAME\s+SOURCE\s+PROVIDER\s+ADDRESS\napps\s+error-rate\s+api\s+prometheus\s+http:\/\/prometheus\.istio-system:9090\n$/,
    );
    expect((await env.cli(['templates', 'list', '-o', 'wide'])).stdout).toMatch(
      /SECRET\s+QUERY\n.*100 - sum\(rate/,
    );
    expect((await env.cli(['templates', 'list', '-n', 'apps', '-o', 'name'])).stdout).toBe(
      'apps/error-rate\n',
    );
    expect((await env.cli(['templates', 'list', '-n', 'other'])).stderr).toBe('no metric templates found\n');
    const one = JSON.parse((await env.cli(['templates', 'get', 'apps/error-rate', '-o', 'json'])).stdout);
    expect(one).toMatchObject({ namespace: 'apps', name: 'error-rate', provider: { type: 'prometheus' } });
    expect(await env.cli(['templates', 'delete', 'error-rate', '-n', 'apps'])).toEqual({
      code: 0,
      stdout: 'metric template apps/error-rate deleted\n',
      stderr: '',
    });
    expect((await env.cli(['templates', 'get', 'apps/error-rate'])).code).toBe(4);
  });

  it('never shows header values or credentials in the address', async () => {
    const secretive = {
      apiVersion: 'flagger.app/v1beta1',
      kind: 'MetricTemplate',
      metadata: { name: 'amp', namespace: 'apps' },
      spec: {
        provider: {
          type: 'prometheus',
          address: 'https://reader:hunter2@prom.example.com',
          headers: { Authorization: ['Bearer s3cr3t'] },
        },
        query: 'up',
      },
    };
    const r = await env.cli(['templates', 'apply', '-f', '-'], { stdin: stringify(secretive) });
    expect(r.code).toBe(0);
    const outputs = await Promise.all(
      [
        ['templates', '-o', 'json'],
        ['templates', '-o', 'wide'],
        ['templates', 'get', 'apps/amp', '-o', 'yaml'],
      ].map((a) => env.cli(a)),
    );
    for (const o of outputs) {
      expect(o.code).toBe(0);
      expect(o.stdout).not.toMatch(/hunter2|s3cr3t|reader/);
    }
    expect(JSON.parse(outputs[0].stdout)[0].provider).toMatchObject({
      headers: { Authorization: ['(hidden)'] },
    });
  });
});

describe('alert-providers', () => {
  it('applies, lists, gets and deletes, never showing the address', async () => {
    expect((await env.cli(['alert-providers', 'apply', '-f', join(flux, 'infra')])).stdout).toBe(
      'alert provider apps/on-call created\n',
    );
    expect((await env.cli(['alert-providers', 'apply', '-f', join(flux, 'infra')])).stdout).toBe(
      'alert provider apps/on-call updated\n',
    );
    const wide = await env.cli(['alert-providers', '-o', 'wide']);
    expect(wide.stdout).toMatch(
      /^NAMESPACE\s+NAME\s+SOURCE\s+TYPE\s+CHANNEL\s+USERNAME\s+VERBOSE\napps\s+on-call\s+api\s+slack\s+on-call\s+flagger\s+no\n$/,
    );
    const all = await Promise.all(
      [
        ['alert-providers', '-o', 'json'],
        ['alert-providers', 'get', 'apps/on-call', '-o', 'yaml'],
      ].map((a) => env.cli(a)),
    );
    for (const o of all) expect(o.stdout).not.toContain('hooks.slack.com');
    expect(await env.cli(['alert-providers', 'delete', 'apps/on-call'])).toMatchObject({ code: 0 });
    expect(await env.cli(['alert-providers', 'delete', 'apps/on-call'])).toMatchObject({
      code: 4,
      stderr: 'error: alert provider apps/on-call not found (HTTP 404)\n',
    });
  });

  it('refuses a bad id or subcommand (64)', async () => {
    expect((await env.cli(['alert-providers', 'get', 'on-call'])).code).toBe(64);
    expect((await env.cli(['templates', 'remove', 'a/b'])).stderr).toBe(
      'error: templates: unknown subcommand "remove"; expected list, get, apply, delete\n',
    );
  });
});

describe('reading commands: -o wide and -o name', () => {
  it('get and clusters', async () => {
    const wide = await env.cli(['get', '--cluster', 'sandbox', '-n', 'apps', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(
      /^CLUSTER\s+NAMESPACE\s+NAME\s+PHASE\s+WEIGHT\s+FAILED\s+NEXT\s+TARGET\s+ITERATIONS\s+PENDING\s+UPDATED$/,
    );
    expect((await env.cli(['get', '-A', '-n', 'apps', '-o', 'name'])).stdout).toBe(
      'sandbox/apps/backend\nsandbox/apps/backend-v2\nsandbox/apps/podinfo\n',
    );
    expect((await env.cli(['clusters', '-o', 'name'])).stdout).toBe('sandbox\n');
    expect((await env.cli(['clusters', '-o', 'wide'])).stdout).toMatch(
      /CONTEXT\s+AUTH\nsandbox\s+.*\s+token$/m,
    );
    expect((await env.cli(['status', 'sandbox/apps/podinfo', '-o', 'wide'])).stdout).toMatch(
      /^updated {3}\S+ \(version \d+\)$/m,
    );
    expect((await env.cli(['history', 'sandbox/apps/podinfo', '-o', 'wide'])).stdout).toMatch(
      /FAILED\s+CHECKS\s+MESSAGE/,
    );
  });
});

describe('exit 3: the API refuses an action (409)', () => {
  it('reports the reason', async () => {
    // A canary whose cluster cannot be reached keeps a pending command: no step can apply it.
    const gone = { name: 'gone', kind: 'endpoint', server: 'https://127.0.0.1:9', token: 't' };
    expect((await env.cli(['register-cluster', '-f', '-'], { stdin: JSON.stringify(gone) })).code).toBe(0);
    expect(
      (await env.cli(['apply', '-f', '-', '--cluster', 'gone'], { stdin: quickCanary('test') })).code,
    ).toBe(0);
    const abort = await env.cli(['abort', 'gone/test/podinfo']);
    expect([0, 3]).toContain(abort.code);
    const promote = await env.cli(['promote', 'gone/test/podinfo']);
    expect(promote).toMatchObject({
      code: 3,
      stdout: '',
      stderr: expect.stringMatching(/^error: .*\(HTTP 409\)\n$/),
    });
  });
});

describe('grants', () => {
  it('adds, lists (the local token as the bootstrap admin) and removes a grant', async () => {
    const add = [
      'grants',
      'add',
      'team-a',
      '--principal',
      'jwt:group:team-a',
      '--actions',
      'read,approve',
      '--cluster',
      'sandbox',
      '-n',
      'team-a',
    ];
    expect(await env.cli(add)).toEqual({ code: 0, stdout: 'grant team-a added\n', stderr: '' });
    expect((await env.cli(add)).stdout).toBe('grant team-a replaced\n');
    const list = await env.cli(['grants']);
    expect(list.stdout.split('\n').map((l) => l.split(/\s+/).filter(Boolean))).toEqual([
      ['NAME', 'PRINCIPAL', 'ACTIONS', 'CLUSTER', 'NAMESPACE'],
      ['(bootstrap)', 'local:token', 'admin', '*', '*'],
      ['team-a', 'jwt:group:team-a', 'read,approve', 'sandbox', 'team-a'],
      [],
    ]);
    expect((await env.cli(['grants', 'list', '-o', 'name'])).stdout).toBe('team-a\n');
    expect(await env.cli(['grants', 'remove', 'team-a'])).toEqual({
      code: 0,
      stdout: 'grant team-a removed\n',
      stderr: '',
    });
    expect((await env.cli(['grants', '-o', 'json'])).stdout).toContain('"items": []');
  });

  it('refuses an add without its scope (usage, 64) and an unknown action (API 400, 4)', async () => {
    const noScope = await env.cli(['grants', 'add', 'x', '--principal', 'local:token', '--actions', 'read']);
    expect(noScope.code).toBe(64);
    expect(noScope.stderr).toContain('missing --cluster, --namespace (write * for every)');
    const bad = await env.cli([
      'grants',
      'add',
      'x',
      '--principal',
      'local:token',
      '--actions',
      'deploy',
      '--cluster',
      '*',
      '-n',
      '*',
    ]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('actions.0');
  });
});
