/**
 * `replay` in-process (main() with injected I/O and a fetch standing in for Prometheus): usage
 * errors exit 64 before any request, an unreachable Prometheus exits 4, and the token never shows.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../../cli/io.js';
import { main } from '../../../cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
const canary = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: podinfo, namespace: test }
spec:
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }
  service: { port: 9898 }
  analysis:
    interval: 1m
    threshold: 2
    stepWeight: 50
    metrics:
      - { name: request-success-rate, threshold: 99, interval: 1m }
`;
const one = join(dir, 'canary.yaml');
writeFileSync(one, canary);
const two = join(dir, 'two.yaml');
writeFileSync(two, `${canary}---\n${canary.replace('name: podinfo,', 'name: other,')}`);

async function run(args: string[], fetch: typeof globalThis.fetch) {
  let stdout = '';
  let stderr = '';
  const requests: string[] = [];
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { PROMETHEUS_TOKEN: 'tok-s3cret' },
    readStdin: () => Promise.resolve(''),
    now: () => Date.UTC(2026, 0, 1, 12),
    fetch: (url, init) => (
      requests.push(url instanceof Request ? url.url : url.toString()),
      fetch(url, init)
    ),
  };
  const code = await main(['replay', ...args], io);
  return { code, stdout, stderr, requests };
}

const refused = () => Promise.reject(new TypeError('fetch failed'));
const window = ['--from', '2026-01-01T10:00:00Z', '--to', '2026-01-01T10:05:00Z'];

describe('replay', () => {
  it.each([
    {
      name: 'no --from',
      args: ['-f', one, '--to', 'now', '--prometheus', 'http://p'],
      want: /needs --from and --to/,
    },
    {
      name: 'a bad time',
      args: ['-f', one, '--from', 'yesterday', '--to', 'now', '--prometheus', 'http://p'],
      want: /--from: expected/,
    },
    { name: 'no --prometheus', args: ['-f', one, ...window], want: /needs --prometheus URL/ },
    {
      name: 'two Canaries',
      args: ['-f', two, ...window, '--prometheus', 'http://p'],
      want: /exactly one Canary in the input, found 2/,
    },
    {
      name: 'an unknown provider',
      args: ['-f', one, ...window, '--prometheus', 'http://p', '--provider', 'mesh'],
      want: /--provider: expected one of istio/,
    },
    {
      name: 'a bad cluster label',
      args: ['-f', one, ...window, '--prometheus', 'http://p', '--cluster-label', 'x'],
      want: /--cluster-label: expected NAME=VALUE/,
    },
    {
      name: '-o wide',
      args: ['-f', one, ...window, '--prometheus', 'http://p', '-o', 'wide'],
      want: /-o: expected json or yaml/,
    },
  ])('$name: exit 64, nothing sent', async ({ args, want }) => {
    const r = await run(args, refused);
    expect(r.stderr).toMatch(want);
    expect(r).toMatchObject({ code: 64, requests: [] });
  });

  it('an unreachable Prometheus: exit 4, and neither its token nor a stack is printed', async () => {
    const r = await run(['-f', one, ...window, '--prometheus', 'http://127.0.0.1:1'], refused);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('error: Prometheus at http://127.0.0.1:1 did not answer vector(1)\n');
    expect(r.requests).toEqual(['http://127.0.0.1:1/api/v1/query?query=vector%281%29']);
  });

  it('a window that ends before it starts: exit 64', async () => {
    const online = () =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: {}, value: [0, '1'] }] },
          }),
        ),
      );
    const r = await run(['-f', one, '--from', 'now', '--to', 'now-1h', '--prometheus', 'http://p'], online);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^error: the window ends before it starts/);
    expect(r.stdout + r.stderr).not.toContain('tok-s3cret');
  });
});
