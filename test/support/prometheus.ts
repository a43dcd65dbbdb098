/**
 * Runs Debian's `prometheus` binary for tests through sandbox/prometheus.ts (as the demo does):
 * 127.0.0.1 on a free port, a temp config (scrape and evaluation every 1s, static targets) and a
 * temp TSDB dir, removed on stop; adds a client and polling for a value.
 *
 * Availability: the binary comes from `PROMETHEUS_BIN` or PATH. When it is missing the suite is
 * skipped with a console message, unless `REQUIRE_PROMETHEUS=1` (CI), where starting fails with
 * a message saying how to install it.
 */
import {
  findPrometheus,
  isExecutable,
  startPrometheusProcess,
  type PrometheusProcess,
  type ScrapeTarget,
} from '../../sandbox/prometheus.js';
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
function findPrometheusBinary(): string | undefined {
  const explicit = process.env.PROMETHEUS_BIN;
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  return findPrometheus();
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

/** A running Prometheus, with a client. */
export interface PrometheusServer extends PrometheusProcess {
  /** A client for this server (5 s timeout, no auth). */
  client: PrometheusClient;
  /** Polls `query` until it yields a value accepted by `until` (default: any value); returns it. */
  waitForValue(query: string, options?: WaitOptions): Promise<number>;
}

/** Polling options of {@link PrometheusServer.waitForValue}. */
interface WaitOptions {
  /** Deadline in ms; default 20 000 (first samples arrive ≈ 5–7 s after start). */
  timeoutMs?: number;
  /** Poll period in ms; default 250. */
  pollMs?: number;
  until?: (value: number) => boolean;
}

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** Static scrape targets as `host:port` (e.g. `exporter.target`), optionally with labels. */
  targets: readonly ScrapeTarget[];
  /** Default {@link findPrometheusBinary}. */
  bin?: string;
  /** Default `1s` (also the evaluation interval). */
  scrapeInterval?: string;
  /** Deadline for `/-/ready`; default 15 000 ms. */
  readyTimeoutMs?: number;
  /** Serve an existing TSDB dir (backfilled blocks) instead of a fresh one; see sandbox/prometheus.ts. */
  storage?: { path: string; retention?: string };
}

/** Starts Prometheus and resolves once `/-/ready` answers 200. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const bin = options.bin ?? findPrometheusBinary();
  if (!bin) {
    throw new Error(
      'prometheus binary not found: set PROMETHEUS_BIN or install it (apt-get install -y --no-install-recommends prometheus); REQUIRE_PROMETHEUS=1 is set, so this fails instead of skipping',
    );
  }
  const server = await startPrometheusProcess(bin, {
    targets: options.targets,
    job: 'test',
    scrapeInterval: options.scrapeInterval,
    readyTimeoutMs: options.readyTimeoutMs,
    storage: options.storage,
    // The port may be taken between choosing it and Prometheus binding it: retry.
    attempts: 3,
  });
  const client = new PrometheusClient({ address: server.url });
  return { ...server, client, waitForValue: (query, opts) => waitForValue(client, query, opts ?? {}) };
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
