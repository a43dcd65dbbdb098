/**
 * Runs Debian's `prometheus` binary for the demo when it is installed: 127.0.0.1 on a free port,
 * scraping the traffic simulator every second, with a temp config and TSDB removed on stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A running Prometheus. */
export interface DemoPrometheus {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** SIGTERM (SIGKILL after 5 s), then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** The first executable `prometheus` in the directories of `path` (default: the PATH variable). */
export function findPrometheus(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, 'prometheus');
    try {
      if (dir) {
        accessSync(candidate, constants.X_OK);
        return candidate;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Starts Prometheus scraping `targets` (`host:port`) every second; resolves once `/-/ready` answers. */
export async function startDemoPrometheus(bin: string, targets: readonly string[]): Promise<DemoPrometheus> {
  const dir = await writeConfig(targets);
  const port = await freePort();
  const child = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      await terminate(child, exited);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitReady(url, child, 15_000))) {
    await stop();
    throw new Error(`prometheus (${bin}) did not become ready at ${url} within 15 s`);
  }
  return { url, stop };
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A temp dir with `prometheus.yml`: scrape and evaluate every second, static `targets`. */
async function writeConfig(targets: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flagger-demo-prom-'));
  const config = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    'scrape_configs:',
    '  - job_name: sandbox-traffic',
    `    static_configs: [{ targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}] }]`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  return dir;
}
