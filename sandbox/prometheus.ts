/**
 * Runs Debian's `prometheus` binary next to the sandbox (the demo and the tests): 127.0.0.1 on a
 * free port, a temp config (static scrape targets; scrape and evaluation every `scrapeInterval`)
 * and a temp TSDB dir, removed on stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A running Prometheus process. */
export interface PrometheusProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The last lines Prometheus logged (for failure messages). */
  logs(): string;
  /** SIGTERM (SIGKILL after 5 s), then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** A target `host:port`, optionally with target labels (e.g. `{ cluster: 'prod-eu' }`). */
export type ScrapeTarget = string | { address: string; labels: Readonly<Record<string, string>> };

/** Options of {@link startPrometheusProcess}. */
export interface PrometheusProcessOptions {
  /** Static scrape targets as `host:port`, or with labels added to every series scraped from it. */
  targets: readonly ScrapeTarget[];
  /** `job_name` of the scrape config. */
  job: string;
  /** Default `1s` (also the evaluation interval). */
  scrapeInterval?: string;
  /** Deadline for `/-/ready`; default 15 000 ms. */
  readyTimeoutMs?: number;
  /**
   * An existing TSDB directory (e.g. blocks backfilled by `promtool tsdb create-blocks-from`)
   * instead of an empty temp one; the caller owns it (it is not removed on stop). Blocks older than
   * `retention` (Prometheus' default 15d) are deleted at start: give one that covers them.
   */
  storage?: { path: string; retention?: string };
  /**
   * Launches to try, each on a fresh free port; default 1. More than one covers the port being
   * taken between choosing it and Prometheus binding it.
   */
  attempts?: number;
}

/** The first executable `prometheus` in the directories of `path` (default: the PATH variable). */
export function findPrometheus(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, 'prometheus');
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Whether `path` exists and may be executed. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `bin` and resolves once `/-/ready` answers 200. Throws (with Prometheus' last log lines)
 * when no attempt gets ready, after stopping the process and removing the temp dir.
 */
export async function startPrometheusProcess(
  bin: string,
  options: PrometheusProcessOptions,
): Promise<PrometheusProcess> {
  const dir = await writeConfig(options);
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.attempts ?? 1); attempt++) {
    const port = await freePort();
    try {
      return await launch(bin, dir, port, options.readyTimeoutMs ?? 15_000, options.storage);
    } catch (err) {
      lastError = err;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** A temp dir with `prometheus.yml`: static `targets`, scraped and evaluated every interval. */
async function writeConfig(options: PrometheusProcessOptions): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flagger-prometheus-'));
  const interval = options.scrapeInterval ?? '1s';
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(options.targets.length === 0
      ? ['scrape_configs: []']
      : [
          'scrape_configs:',
          `  - job_name: ${options.job}`,
          '    static_configs:',
          ...options.targets.map(staticConfig),
        ]),
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  return dir;
}

/** One `static_configs` entry (YAML flow style; JSON strings are valid YAML). */
function staticConfig(t: ScrapeTarget): string {
  if (typeof t === 'string') return `      - targets: [${JSON.stringify(t)}]`;
  const labels = Object.entries(t.labels).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `      - { targets: [${JSON.stringify(t.address)}], labels: { ${labels.join(', ')} } }`;
}

async function launch(
  bin: string,
  dir: string,
  port: number,
  readyTimeoutMs: number,
  storage?: PrometheusProcessOptions['storage'],
): Promise<PrometheusProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${storage?.path ?? join(dir, 'data')}`,
      ...(storage?.retention ? [`--storage.tsdb.retention.time=${storage.retention}`] : []),
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      lines.push(`spawn ${bin}: ${err.message}`);
      resolve(-1);
    });
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const logs = (): string => lines.join('\n');
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    await terminate(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, exited, readyTimeoutMs, logs);
  } catch (err) {
    stopped = true;
    process.removeListener('exit', killOnExit);
    await terminate(child, exited);
    throw err;
  }
  return { url, port, logs, stop };
}

async function waitReady(
  url: string,
  exited: Promise<number | null>,
  timeoutMs: number,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`prometheus exited with code ${String(exitCode)} before ready:\n${logs()}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`prometheus at ${url} not ready after ${timeoutMs}ms:\n${logs()}`);
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A port that was free a moment ago (Prometheus needs a concrete port). */
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
