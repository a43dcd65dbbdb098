/**
 * Makes sure `.serverless/` holds what `osls package` builds from the current sources: CI packages
 * before the tests; a local run packages when the output is missing or older than any source.
 * Packaging with parameters goes to its own directory. A lock keeps parallel test files from
 * packaging at the same time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = [
  'serverless.yml',
  'package-lock.json',
  'infra/aws',
  'infra/esbuild',
  'functions',
  'lib',
  // The status page the api zip holds (ui/dist is its output, rebuilt by packaging).
  'ui/src',
  'ui/index.html',
  'ui/build.mjs',
];

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** The output directory for these parameters, packaged if stale. */
export function ensurePackaged(parameters: Record<string, string> = {}): string {
  const params = Object.entries(parameters).sort();
  const dir =
    params.length === 0
      ? '.serverless'
      : `.serverless-${params
          .map(([k, v]) => `${k}-${v}`)
          .join('-')
          .replace(/[^A-Za-z0-9-]/g, '_')}`;
  const template = join(dir, 'cloudformation-template-update-stack.json');
  const fresh = () => existsSync(template) && statSync(template).mtimeMs >= Math.max(...SOURCES.map(newest));
  if (fresh()) return dir;
  withLock(() => {
    if (fresh()) return;
    const args = ['osls', 'package', '--package', dir, ...params.map(([k, v]) => `--param=${k}=${v}`)];
    execFileSync('npx', args, { stdio: 'ignore', timeout: 240_000 });
  });
  return dir;
}

function withLock(fn: () => void): void {
  const lock = '.serverless.lock';
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
