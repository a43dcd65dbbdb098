/**
 * The commands of docs/cli.md ("Install and run", "A tour against local mode") and README's "CLI"
 * section, run as written against a local stack. The stack stands in for the documented
 * `npm start -- --sandbox` (same token, the sandbox registered as `sandbox`; only its URL differs).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { hasKubectl, kubectlFor } from '../../support/sandbox.js';
import { quickCanary, sandboxCluster, startEnv, type Env } from './harness.js';

const root = new URL('../../../', import.meta.url);
let env: Env;

/** The lines of the ```sh blocks of the section under `heading`, `npm start` excepted. */
function commands(file: string, heading: string): string[] {
  const text = readFileSync(new URL(file, root), 'utf8');
  const from = text.indexOf(`\n${heading}\n`);
  expect(from, `${file} has no "${heading}"`).toBeGreaterThan(-1);
  const section = text.slice(from + heading.length + 2).split(/\n## /)[0];
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '' && !l.includes('npm start') && !l.startsWith('npm link'));
}

beforeAll(async () => {
  env = await startEnv({ token: 't' });
  const r = await env.cli(['register-cluster', '-f', '-'], { stdin: stringify(sandboxCluster(env.sandbox)) });
  expect(r.code).toBe(0);
});
afterAll(() => env?.close());

/** Runs `lines` as a shell would (exports, `VAR=value` prefixes, `|| true`), failing on the first error. */
async function runAll(lines: string[]): Promise<void> {
  const exported: Record<string, string> = {};
  for (const line of lines) {
    const exportMatch = /^export (\w+)=(\S+)$/.exec(line);
    if (exportMatch) {
      exported[exportMatch[1]] = exportMatch[2];
      continue;
    }
    const m = /^((?:\w+=\S+ )*)npx flagger-serverless (.*?)( \|\| true)?$/.exec(line);
    expect(m, `not a CLI command: ${line}`).not.toBeNull();
    const prefix = Object.fromEntries(
      m![1]
        .trim()
        .split(' ')
        .filter(Boolean)
        .map((a) => a.split('=')),
    );
    const args = m![2].split(/\s+/);
    const watching = args.includes('--watch');
    const r = await env.cli(args, {
      env: { FLAGGER_API_TOKEN: '', ...exported, ...prefix },
      // A watch runs until Ctrl-C: press it once the first frame is drawn.
      interruptWhen: watching ? (out) => out.length > 0 : undefined,
    });
    const allowed = m![3] ? [0, 1] : watching ? [0, 130] : [0];
    expect(allowed, `${line}\n${r.stderr}`).toContain(r.code);
  }
}

it('docs/cli.md: install and run, and the tour', async () => {
  const lines = [
    ...commands('docs/cli.md', '## Install and run'),
    ...commands('docs/cli.md', '## A tour against local mode'),
  ];
  expect(lines.length).toBeGreaterThan(12);
  await runAll(lines);
});

it("README's CLI section", async () => {
  const lines = commands('README.md', '## CLI');
  expect(lines).toHaveLength(3);
  await runAll(lines);
});

it('docs/migrating-from-flagger.md: all canaries of a namespace in one command, from the cluster', async () => {
  const doc = readFileSync(new URL('docs/migrating-from-flagger.md', root), 'utf8');
  const line =
    /^kubectl get canaries\.flagger\.app -n (\S+) -o yaml \| npx flagger-serverless (apply -f - --cluster) \S+$/m.exec(
      doc,
    );
  expect(line, 'the one-command migration line').not.toBeNull();
  const { sandbox } = env;
  const auth = { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' };
  for (const crd of parseAllDocuments(
    readFileSync(new URL('infra/kubernetes/flagger-crds.yaml', root), 'utf8'),
  ))
    await fetch(`${sandbox.httpUrl}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(crd.toJS()),
    });
  const ns = line![1]!;
  for (const name of ['migrated-a', 'migrated-b']) {
    const canary = parse(quickCanary(ns, name)) as Record<string, unknown>;
    const res = await fetch(`${sandbox.httpUrl}/apis/flagger.app/v1beta1/namespaces/${ns}/canaries`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(canary),
    });
    expect(res.status).toBe(201);
  }
  // What `kubectl get … -o yaml` prints (kubectl itself when installed): a List with server fields.
  const listed = hasKubectl
    ? await (await kubectlFor(sandbox)).run(['get', 'canaries.flagger.app', '-n', ns, '-o', 'yaml'])
    : stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: (
          (await (
            await fetch(`${sandbox.httpUrl}/apis/flagger.app/v1beta1/namespaces/${ns}/canaries`, {
              headers: auth,
            })
          ).json()) as { items: unknown[] }
        ).items,
      });
  const r = await env.cli([...line![2]!.split(' '), 'sandbox'], { stdin: listed });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/2 created/);
});
