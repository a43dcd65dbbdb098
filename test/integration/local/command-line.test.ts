/**
 * `npm start`'s command line as processes: `--help` prints every option and exits 0, an unknown
 * option one line and the usage (64), a busy port which port (1) — none with a stack trace. And
 * `npm run set-image`'s usage errors and its answer when no sandbox runs.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer } from '../../../local/server.js';
import { baseEnv, runMain, runShell } from './process.js';

/** Every option `npm start` takes. */
const OPTIONS = [
  '--sandbox',
  '--port',
  '--data-dir',
  '--prometheus-url',
  '--sandbox-metrics',
  '--step-every',
  '--slack-url',
  '--help',
];
/** A line of a Node stack trace. */
const STACK = /^\s+at /m;

let busy: Server;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'local-cli-'));
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => busy.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('--help prints the usage with every option and exits 0', async () => {
    const r = await runShell('npm start --silent -- --help', baseEnv(), 60_000);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Usage: npm start -- \[options\]\n/);
    for (const option of OPTIONS) expect(r.stdout).toContain(option);
  }, 90_000);

  it('a usage error: one line, the usage, exit 64', async () => {
    const cases = [
      { args: ['--bogus'], line: 'npm start: unknown option --bogus' },
      { args: ['--port'], line: "npm start: Option '--port <value>' argument missing" },
      { args: ['sandbox'], line: 'npm start: unexpected argument sandbox' },
      { args: ['--port', 'x'], line: 'npm start: --port must be a port number (0-65535), got "x"' },
      { args: ['--step-every', '1s'], line: 'npm start: --step-every needs --sandbox' },
    ];
    const results = await Promise.all(cases.map((c) => runMain(c.args)));
    for (const [i, r] of results.entries()) {
      expect({ code: r.code, stdout: r.stdout, line: r.stderr.split('\n')[0] }).toEqual({
        code: 64,
        stdout: '',
        line: cases[i].line,
      });
      expect(r.stderr).toContain('\nUsage: npm start -- [options]\n');
      expect(r.stderr).not.toMatch(STACK);
    }
  }, 180_000);

  it('a busy port: says which, exits 1, no stack trace', async () => {
    const { port } = busy.address() as AddressInfo;
    const r = await runMain(['--port', String(port), '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `npm start: port ${port} on 127.0.0.1 is busy (another local mode?): stop what uses it, or choose another with PORT=<n> or --port <n>\n`,
    );
  }, 90_000);
});

describe('the local server', () => {
  // The same port taken between local mode's check and its listen: a rejection, not a crash.
  it('rejects with EADDRINUSE on a busy port', async () => {
    const { port } = busy.address() as AddressInfo;
    const api = () => Promise.resolve({ statusCode: 200 });
    await expect(startLocalServer({ api, token: 't', port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('npm run set-image', () => {
  it('usage errors exit 64; without a sandbox it says to start one, exit 1', async () => {
    const usage = await runShell('npm run --silent set-image -- podinfo', baseEnv(), 60_000);
    expect(usage.code).toBe(64);
    expect(usage.stderr.split('\n')[0]).toBe('set-image: expected at least one CONTAINER=IMAGE');
    const none = await runShell(
      `KUBECONFIG=${dataDir}/none.yaml npm run --silent set-image -- deployment/podinfo podinfod=podinfo:6.0.1`,
      baseEnv(),
      60_000,
    );
    expect(none).toMatchObject({
      code: 1,
      stderr: `set-image: no kubeconfig at ${dataDir}/none.yaml: start \`npm start -- --sandbox\` first\n`,
    });
  }, 120_000);
});
