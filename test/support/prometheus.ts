/**
 * Runs Debian's `prometheus` binary for tests: 127.0.0.1 on a free port, a temp config
 * (scrape and evaluation every 1s, static targets) and a temp TSDB dir, removed on stop.
 *
 * Availability: the binary comes from `PROMETHEUS_BIN` or PATH. When it is missing the suite is
 * skipped with a console message, unless `REQUIRE_PROMETHEUS=1` (CI), where starting fails with
 * a message saying how to install it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { PrometheusClient } from '../../lib/adapters/prometheus/client.js';
import type { QueryResult } from '../../lib/ports/metrics.js';

/** Whether Prometheus tests can run here, and whether they must. */
export interface PrometheusAvailability {
  /** Absolute path of the binary, or undefined when none was found. */
  bin: string | undefined;
  /** `REQUIRE_PROMETHEUS=1`: a missing binary is a failure, not a skip. */
  required: boolean;
  /** True when the suite should be skipped (binary missing and not required). */
  skip: boolean;
}

/** `PROMETHEUS_BIN` if set (must be executable), else the first `prometheus` on PATH. */
export function findPrometheusBinary(): string | undefined {
  const explicit = process.env.PROMETHEUS_BIN;
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'prometheus');
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides skip/run/fail for a suite and says so on the console when it skips.
 * Use as `describe.skipIf(prometheusAvailability('name').skip)(…)`.
 */
export function prometheusAvailability(suite: string): PrometheusAvailability {
  const bin = findPrometheusBinary();
  const required = process.env.REQUIRE_PROMETHEUS === '1';
  const skip = bin === undefined && !required;
  if (skip) {
    console.warn(
      `[${suite}] SKIPPED: no prometheus binary (set PROMETHEUS_BIN or install Debian's "prometheus"; REQUIRE_PROMETHEUS=1 makes this a failure)`,
    );
  }
  return { bin, required, skip };
}

/** A running Prometheus. */
export interface PrometheusServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** A client for this server (5 s timeout, no auth). */
  client: PrometheusClient;
  /** Polls `query` until it yields a value accepted by `until` (default: any value); returns it. */
  waitForValue(query: string, options?: WaitOptions): Promise<number>;
  /** The last lines Prometheus logged (for failure messages). */
  logs(): string;
  /** SIGTERM (SIGKILL after 5 s), then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Polling options of {@link PrometheusServer.waitForValue}. */
export interface WaitOptions {
  /** Deadline in ms; default 20 000 (first samples arrive ≈ 5–7 s after start). */
  timeoutMs?: number;
  /** Poll period in ms; default 250. */
  pollMs?: number;
  until?: (value: number) => boolean;
}

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** Static scrape targets as `host:port` (e.g. `exporter.target`). */
  targets: readonly string[];
  /** Default {@link findPrometheusBinary}. */
  bin?: string;
  /** Default `1s` (also the evaluation interval). */
  scrapeInterval?: string;
  /** Deadline for `/-/ready`; default 15 000 ms. */
  readyTimeoutMs?: number;
}

/** Starts Prometheus and resolves once `/-/ready` answers 200. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const bin = options.bin ?? findPrometheusBinary();
  if (!bin) {
    throw new Error(
      'prometheus binary not found: set PROMETHEUS_BIN or install it (apt-get install -y --no-install-recommends prometheus); REQUIRE_PROMETHEUS=1 is set, so this fails instead of skipping',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'prom-test-'));
  const interval = options.scrapeInterval ?? '1s';
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    '  - job_name: test',
    '    static_configs:',
    `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(bin, dir, port, options.readyTimeoutMs ?? 15_000);
    } catch (err) {
      lastError = err; // most likely the port was taken between freePort() and bind: retry
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

async function launch(
  bin: string,
  dir: string,
  port: number,
  readyTimeoutMs: number,
): Promise<PrometheusServer> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
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
  const client = new PrometheusClient({ address: url });
  return {
    url,
    port,
    client,
    logs,
    stop,
    waitForValue: (query, opts) => waitForValue(client, query, opts ?? {}),
  };
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
    await sleep(50);
  }
  throw new Error(`prometheus at ${url} not ready after ${timeoutMs}ms:\n${logs()}`);
}

async function waitForValue(client: PrometheusClient, query: string, opts: WaitOptions): Promise<number> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  let last: QueryResult | undefined;
  while (Date.now() < deadline) {
    last = await client.query(query, AbortSignal.timeout(5_000));
    if (last.kind === 'value' && (opts.until?.(last.value) ?? true)) return last.value;
    await sleep(opts.pollMs ?? 250);
  }
  throw new Error(
    `no accepted value for ${query} within ${timeoutMs}ms; last result ${JSON.stringify(last)}`,
  );
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A port that was free a moment ago (Prometheus needs a concrete port; callers retry on a clash). */
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
