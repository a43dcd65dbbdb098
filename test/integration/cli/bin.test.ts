/** Smoke test of the launcher: `node bin/flagger-serverless.js` as a real process against a local stack. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStack, type Stack } from '../../../local/stack.js';

const bin = fileURLToPath(new URL('../../../bin/flagger-serverless.js', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    token: 'bin-test-token',
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  await stack.registerCluster({ name: 'smoke', kind: 'endpoint', server: 'https://127.0.0.1:6443' });
});
afterAll(() => stack?.close());

function run(args: string[], token: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', FLAGGER_API_URL: stack.url, FLAGGER_API_TOKEN: token };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env, timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

it('runs as a process: output on stdout, exit 0; a failure is one line on stderr, exit 1', async () => {
  const [ok, denied] = await Promise.all([run(['clusters'], stack.token), run(['get', '-A'], 'wrong-token')]);
  expect(ok).toEqual({
    code: 0,
    stdout: expect.stringMatching(
      /^NAME\s+KIND\s+TARGET\s+PROVIDER\nsmoke\s+endpoint\s+https:\/\/127\.0\.0\.1:6443\s+-\n$/,
    ),
    stderr: '',
  });
  expect(denied.code).toBe(1);
  expect(denied.stdout).toBe('');
  expect(denied.stderr).toMatch(/^error: missing or wrong bearer token [^\n]*\(HTTP 401\)\n$/);
});
