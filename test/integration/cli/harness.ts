/**
 * A real local stack (startStack on port 0) plus a sandbox cluster, and `cli(...args)` running
 * the CLI's main() in-process against it with captured stdout/stderr and an injected env.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../cli/main.js';
import type { Io } from '../../../cli/io.js';
import { startStack, type Stack } from '../../../local/stack.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export type Cli = (
  args: string[],
  options?: {
    stdin?: string;
    env?: Record<string, string>;
    /** Ctrl-C as soon as the output so far satisfies this (e.g. a `--watch` drew its frame). */
    interruptWhen?: (stdout: string) => boolean;
  },
) => Promise<CliRun>;

export interface Env {
  sandbox: Sandbox;
  stack: Stack;
  /** A scratch directory for manifests (removed by close). */
  dir: string;
  /** The CLI with FLAGGER_API_URL and FLAGGER_API_TOKEN of `stack`. */
  cli: Cli;
  /** Writes `text` to `dir/name` and returns the path. */
  file(name: string, text: string): Promise<string>;
  close(): Promise<void>;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

export async function startEnv(opts: { token?: string } = {}): Promise<Env> {
  const sandbox = await startSandbox({
    namespaces: ['default', 'test', 'prod', 'stage'],
    rolloutDelayMs: 20,
  });
  const stack = await startStack({
    token: opts.token ?? 'cli-test-token',
    dispatchEveryMs: 200,
    sweepEveryMs: 500,
    logger: quiet,
  });
  const dir = await mkdtemp(join(tmpdir(), 'flagger-cli-'));
  const cli = cliFor({ FLAGGER_API_URL: stack.url, FLAGGER_API_TOKEN: stack.token });
  return {
    sandbox,
    stack,
    dir,
    cli,
    file: async (name, text) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    close: async () => {
      await stack.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** main() with captured output; `env` is the whole environment (nothing leaks from the test process). */
export function cliFor(baseEnv: Record<string, string>): Cli {
  return async (args, options = {}) => {
    let stdout = '';
    let stderr = '';
    const ctrlC = new AbortController();
    const io: Io = {
      stdout: {
        write: (s: string) => {
          stdout += s;
          if (options.interruptWhen?.(stdout)) ctrlC.abort();
          return stdout;
        },
      },
      stderr: { write: (s: string) => (stderr += s) },
      env: { ...baseEnv, ...options.env },
      readStdin: () => Promise.resolve(options.stdin ?? ''),
      signal: options.interruptWhen ? ctrlC.signal : undefined,
    };
    const code = await main(args, io);
    return { code, stdout, stderr };
  };
}

/** The endpoint registration of `sandbox` (https, CA-verified, bearer token). */
export function sandboxCluster(sandbox: Sandbox, name = 'sandbox'): Record<string, unknown> {
  return { name, kind: 'endpoint', server: sandbox.url, caData: sandbox.caData, token: sandbox.token };
}

/** A Canary for Deployment `namespace/podinfo` that promotes without analysis (kubernetes provider). */
export function quickCanary(namespace: string, name = 'podinfo'): string {
  return [
    'apiVersion: flagger.app/v1beta1',
    'kind: Canary',
    `metadata: { name: ${name}, namespace: ${namespace} }`,
    'spec:',
    '  provider: kubernetes',
    '  skipAnalysis: true',
    '  targetRef: { apiVersion: apps/v1, kind: Deployment, name: podinfo }',
    '  service: { port: 9898 }',
    '  analysis: { interval: 10s, threshold: 2, iterations: 1 }',
    '',
  ].join('\n');
}

/** A minimal podinfo Deployment (one container) for `namespace`. */
export function podinfoDeployment(namespace: string, image = 'ghcr.io/stefanprodan/podinfo:6.0.0') {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'podinfo', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'podinfo' } },
      template: {
        metadata: { labels: { app: 'podinfo' } },
        spec: { containers: [{ name: 'podinfo', image }] },
      },
    },
  };
}
