/**
 * What ships: the bundle built by cli/build.mjs (as `prepare` builds it on `npm ci`) run through
 * the launcher as a real process, against a local stack. The bundle must not need tsx or
 * TypeScript; without it, a development checkout falls back to tsx and says so.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../../local/stack.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin/flagger-serverless.js');
const bundleDir = join(root, 'dist/cli');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
let stack: Stack;

type Run = { code: number; stdout: string; stderr: string };

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  // `npm run build:cli`, which `prepare` runs on `npm ci`: the launcher then runs this bundle.
  const build = await run(join(root, 'cli/build.mjs'), []);
  expect(build).toMatchObject({ code: 0, stdout: 'build:cli: wrote dist/cli/flagger-serverless.mjs\n' });
  stack = await startStack({
    token: 'bin-test-token',
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  await stack.registerCluster({ name: 'smoke', kind: 'endpoint', server: 'https://127.0.0.1:6443' });
}, 120_000);
afterAll(() => stack?.close());

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('the bundled CLI', () => {
  it('prints --help and --version without tsx', async () => {
    const [help, ver] = await Promise.all([run(bin, ['--help']), run(bin, ['--version'])]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: flagger-serverless <command> \[options\]\n/);
    expect(ver).toEqual({ code: 0, stdout: `flagger-serverless ${version}\n`, stderr: '' });
  });

  it('imports nothing but Node builtins and its own chunks (no tsx, no typescript, no node_modules)', () => {
    const files = [
      join(bundleDir, 'flagger-serverless.mjs'),
      ...readdirSync(join(bundleDir, 'chunks')).map((f) => join(bundleDir, 'chunks', f)),
    ];
    // A specifier has no spaces, commas, parentheses or `=`: minified code such as
    // `Pe(n.from,"from",i)` must not read as an import of `,i),c=…`.
    const specifiers = files.flatMap((f) =>
      [
        ...readFileSync(f, 'utf8').matchAll(/(?:\bfrom|\bimport\(|\brequire\()\s*["']([^"'\s(),=]+)["']/g),
      ].map((m) => m[1]),
    );
    expect(specifiers.length).toBeGreaterThan(0);
    // The AWS SDK's optional signers (SigV4a, CRT) are require()d in a try/catch; nothing else is external.
    const optional = ['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a'];
    const external = specifiers.filter((s) => !s.startsWith('./') && !isBuiltin(s));
    expect([...new Set(external)].filter((s) => !optional.includes(s))).toEqual([]);
    expect(specifiers.some((s) => /^(tsx|typescript)\b/.test(s))).toBe(false);
  });

  it('runs commands as a process: output on stdout, exit 0; a failure is one line on stderr, exit 4', async () => {
    const env = (token: string) => ({ FLAGGER_API_URL: stack.url, FLAGGER_API_TOKEN: token });
    const [ok, denied] = await Promise.all([
      run(bin, ['clusters'], env(stack.token)),
      run(bin, ['get', '-A'], env('wrong-token')),
    ]);
    expect(ok).toEqual({
      code: 0,
      stdout: expect.stringMatching(
        /^NAME\s+KIND\s+TARGET\s+PROVIDER\nsmoke\s+endpoint\s+https:\/\/127\.0\.0\.1:6443\s+-\n$/,
      ),
      stderr: '',
    });
    expect(denied.code).toBe(4);
    expect(denied.stdout).toBe('');
    expect(denied.stderr).toMatch(/^error: missing or wrong bearer token [^\n]*\(HTTP 401\)\n$/);
  });
});

describe('the bundle loads what commands load on use', () => {
  const env = () => ({ FLAGGER_API_URL: stack.url, FLAGGER_API_TOKEN: stack.token });
  const fixture = join(root, 'test/fixtures/podinfo-canary.yaml');

  it('YAML in and out, the Canary parser for diff', async () => {
    const applied = await run(bin, ['apply', '-f', fixture, '--cluster', 'smoke'], env());
    expect(applied).toMatchObject({ code: 0, stdout: 'canary smoke/test/podinfo created\n' });
    const yaml = await run(bin, ['get', 'smoke/test/podinfo', '-o', 'yaml'], env());
    expect(yaml).toMatchObject({ code: 0, stdout: expect.stringMatching(/^cluster: smoke\n/) });
    expect(await run(bin, ['diff', '-f', fixture, '--cluster', 'smoke'], env())).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it.skipIf(!hasScript)('log-update for status --watch on a terminal', async () => {
    // Ctrl-C after 2 s (timeout -s INT): the CLI stops watching and exits 130.
    const command = `stty cols 60 rows 30; timeout -s INT 2 ${process.execPath} ${bin} status smoke/test/podinfo --watch --interval 200ms`;
    const r = await new Promise<Run>((resolve) =>
      execFile(
        'script',
        ['-qec', command, '/dev/null'],
        {
          env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env() },
          timeout: 1500,
          killSignal: 'SIGINT',
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(r.stdout).toMatch(/^canary {4}smoke\/test\/podinfo/m);
    expect(r.stdout).toContain('\x1b[2K'); // log-update erasing rows to redraw
    expect(r.stdout).not.toMatch(/error/);
  });
});

it('falls back to tsx in a checkout without the bundle, and says so', async () => {
  const checkout = mkdtempSync(join(tmpdir(), 'cli-checkout-'));
  mkdirSync(join(checkout, 'bin'));
  cpSync(bin, join(checkout, 'bin/flagger-serverless.js'));
  for (const entry of ['cli', 'lib', 'node_modules', 'package.json', 'tsconfig.json'])
    symlinkSync(join(root, entry), join(checkout, entry));
  const r = await run(join(checkout, 'bin/flagger-serverless.js'), ['--version']);
  expect(r).toEqual({
    code: 0,
    stdout: `flagger-serverless ${version}\n`,
    stderr: expect.stringMatching(/^note: no CLI bundle \(dist\/cli\/\); running cli\/main\.ts with tsx/),
  });
});
