/**
 * Test helpers around the sandbox Kubernetes API server: start one, get a ready client-node
 * KubeConfig for it (https with caData, or plain http with skipTLSVerify), poll with a deadline,
 * read the Status of a failed call, follow a watch stream, and drive kubectl against it.
 */
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/apiserver/index.js';

export { startSandbox, type Sandbox };

/** How a KubeConfig reaches the sandbox. */
export interface KubeConfigOptions {
  /** Use the plain-http listener (client-node then needs skipTLSVerify). Default false (https + caData). */
  http?: boolean;
  /** Override the bearer token (e.g. a wrong one, to test 401). */
  token?: string;
}

/** A client-node KubeConfig whose current context talks to `sandbox`. */
export function kubeConfigFor(sandbox: Sandbox, options: KubeConfigOptions = {}): KubeConfig {
  const server = options.http ? sandbox.httpUrl : sandbox.url;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: sandbox.name,
        server,
        caData: server.startsWith('https:') ? sandbox.caData : undefined,
        skipTLSVerify: server.startsWith('http:'),
      },
    ],
    users: [{ name: sandbox.name, token: options.token ?? sandbox.token }],
    contexts: [{ name: sandbox.name, cluster: sandbox.name, user: sandbox.name }],
    currentContext: sandbox.name,
  });
  return kc;
}

/**
 * Calls `check` until it returns something other than undefined/false, then returns it; throws
 * with `message` (and the last error) when `timeoutMs` passes first. For asynchronous effects such
 * as the Deployment rollout simulation — never sleep a fixed time instead.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  {
    timeoutMs = 30_000,
    intervalMs = 20,
    message = 'condition not met',
  }: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`${message} within ${timeoutMs} ms`, { cause: lastError });
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The HTTP code and parsed Status body of a call that must fail with an ApiException. client-node
 * drops the body for some codes (401 on typed APIs); `status` is then `{}` and `reason` ''.
 */
export async function apiFailure(
  call: Promise<unknown>,
): Promise<{ code: number; reason: string; message: string; status: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body: unknown = error.body;
    const status = (typeof body === 'string' ? JSON.parse(body) : (body ?? {})) as Record<string, unknown>;
    return {
      code: error.code,
      reason: typeof status.reason === 'string' ? status.reason : '',
      message: typeof status.message === 'string' ? status.message : '',
      status,
    };
  }
  throw new Error('expected the call to fail with an ApiException, but it succeeded');
}

/** One event of a watch stream. */
interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: {
    kind?: string;
    apiVersion?: string;
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
    [key: string]: unknown;
  };
}

/** A watch being followed: every event received so far, and a way to wait for the next ones. */
export interface WatchStream {
  readonly events: readonly WatchEvent[];
  /**
   * The first event after the previously returned one that satisfies `predicate` (any event when
   * omitted); rejects after `timeoutMs`.
   */
  next(predicate?: (event: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  /** Disconnects. */
  close(): void;
}

/** Opens `path` (with its query, e.g. `...?watch=true&resourceVersion=5`) on the plain-http listener. */
export async function openWatch(
  sandbox: Sandbox,
  path: string,
  headers: Record<string, string> = {},
): Promise<WatchStream> {
  const controller = new AbortController();
  const response = await fetch(`${sandbox.httpUrl}${path}`, {
    headers: { Authorization: `Bearer ${sandbox.token}`, ...headers },
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`watch ${path} answered ${response.status}`);
  const events: WatchEvent[] = [];
  const waiters = new Set<() => void>();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines.filter((l) => l.trim())) events.push(JSON.parse(line) as WatchEvent);
        for (const wake of [...waiters]) wake();
      }
    } catch {
      // aborted by close()
    } finally {
      for (const wake of [...waiters]) wake();
    }
  })();
  let cursor = 0;
  return {
    events,
    ended,
    close: () => controller.abort(),
    next: (predicate = () => true, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const index = events.findIndex((e, i) => i >= cursor && predicate(e));
          if (index < 0) return false;
          cursor = index + 1;
          resolve(events[index]);
          return true;
        };
        if (check()) return;
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(
            new Error(
              `no matching watch event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`,
            ),
          );
        }, timeoutMs);
        const wake = () => {
          if (!check()) return;
          clearTimeout(timer);
          waiters.delete(wake);
        };
        waiters.add(wake);
      }),
  };
}

/** True when a `kubectl` binary is on PATH; kubectl tests skip otherwise (CI may not have one). */
export const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

/** A kubectl process started with {@link Kubectl.start}. */
interface KubectlProcess {
  /** Standard output so far. */
  output(): string;
  /** Resolves when it exits. */
  readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Kills it (SIGTERM). */
  stop(): void;
}

/** kubectl bound to one sandbox (https, its CA) through a kubeconfig in a temporary directory. */
export interface Kubectl {
  /** Runs kubectl to completion; resolves with stdout, rejects with stderr in the message. */
  run(args: string[], input?: string): Promise<string>;
  /** Starts a long-running kubectl (`get -w`, `wait`) without waiting for it. */
  start(args: string[]): KubectlProcess;
  /** Removes the temporary directory. */
  dispose(): Promise<void>;
}

/** Writes a kubeconfig for `sandbox` and returns a kubectl using it (with its own cache directory). */
export async function kubectlFor(sandbox: Sandbox): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-kubectl-'));
  await sandbox.writeKubeconfig(join(dir, 'kubeconfig'));
  const withConfig = (args: string[]) => [
    '--kubeconfig',
    join(dir, 'kubeconfig'),
    '--cache-dir',
    join(dir, 'cache'),
    ...args,
  ];
  return {
    run: (args, input) =>
      new Promise((resolve, reject) => {
        const child = execFile('kubectl', withConfig(args), { timeout: 30_000 }, (error, stdout, stderr) => {
          if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr}`, { cause: error }));
          else resolve(stdout);
        });
        child.stdin?.end(input ?? '');
      }),
    start: (args) => {
      const child = spawn('kubectl', withConfig(args), { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stdout, stderr })),
      );
      return { output: () => stdout, exited, stop: () => void child.kill('SIGTERM') };
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
