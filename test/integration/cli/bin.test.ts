/**
 * What ships: the bundle built by cli/build.mjs (as `prepare` builds it on `npm ci`) run through
 * the launcher as a real process, against a local stack. The bundle must not need tsx or
 * TypeScript; without it, a development checkout falls back to tsx and says so.
 */
import { execFile } from 'node:child_process';
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
    const specifiers = files.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/(?:\bfrom|\bimport\(|\brequire\()\s*["']([^"']+)["']/g)].map(
        (m) => m[1],
      ),
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
