/**
 * The mesh traffic simulator of the sandbox. Every tick (default 200 ms, unref'd timer) it reads
 * the live routing objects of the watched namespaces from the sandbox store, sends each app
 * Poisson arrivals at its request rate and counts every request, with its random outcome and
 * latency, at the Deployment that serves it (see engine.ts). The draws are seeded (`seed`, default
 * {@link DEFAULT_SEED}), so a run on a manual clock is reproducible. No real HTTP is sent; the
 * counters are served at `/metrics` on 127.0.0.1 for Prometheus to scrape, and kept as one snapshot
 * a second for the sandbox metrics provider.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxStore } from '../apiserver/index.js';
import {
  renderExposition,
  seriesKey,
  TrafficCounters,
  type Sample,
  type WorkloadTotals,
} from './counters.js';
import { TrafficEngine, type AppStats } from './engine.js';
import { SnapshotRing, type Snapshot } from './history.js';
import { readWorld } from './routing.js';

/**
 * Headers the targeted share of requests carries by default: they match the usual A/B rules
 * (`x-canary: insider`, and cookie regexes such as `^(.*?;)?(type=insider)(;.*)?$`, which do not
 * allow a space after the `;`).
 */
const DEFAULT_AB_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-canary': 'insider',
  cookie: 'canary=always;type=insider',
});

/** The seed of a simulator started without one: runs are reproducible unless a test picks another. */
const DEFAULT_SEED = 1;

/** Options of {@link startTrafficSimulator}. */
export interface TrafficOptions {
  /** The sandbox whose objects route the traffic (`sandbox.store`). */
  store: Pick<SandboxStore, 'list'>;
  /** Namespaces to send traffic in. Default: every namespace. */
  namespaces?: readonly string[];
  /** Apps (apex Service names) to send traffic to. Default: every Service not named `*-primary`/`*-canary`. */
  apps?: readonly string[];
  /**
   * Mean requests per second of each app whose Deployment sets no
   * `sandbox.flagger.app/request-rate` annotation (behaviour.ts). Default 20.
   */
  rps?: number;
  /** Seed of the random arrivals, errors and latencies. Default {@link DEFAULT_SEED}. */
  seed?: number;
  /** Share of requests carrying the A/B headers. Default 0.1. */
  abFraction?: number;
  /** Headers of A/B requests. Default {@link DEFAULT_AB_HEADERS}. */
  abHeaders?: Readonly<Record<string, string>>;
  /** Tick period in ms. Default 200. */
  tickMs?: number;
  /** Seconds of snapshots kept for the metrics provider. Default 900. */
  historySeconds?: number;
  /** Start the timer (default true); tests pass false and call `tick()` with an injected clock. */
  autoStart?: boolean;
  /** Serve `/metrics` over HTTP (default true). */
  serve?: boolean;
  /** Clock in ms. Default Date.now. */
  now?: () => number;
}

/** A running simulator. */
export interface TrafficSimulator {
  /** `http://127.0.0.1:<port>/metrics`, or '' when not serving. */
  readonly url: string;
  /** `127.0.0.1:<port>`, a Prometheus static target ('' when not serving). */
  readonly target: string;
  /** The simulator's clock. */
  now(): number;
  /** Runs traffic from the previous tick until now, and snapshots once a second has passed. */
  tick(): void;
  /** Requests one workload received so far. */
  totals(namespace: string, workload: string): WorkloadTotals;
  /** What one app's requests met so far. */
  appStats(namespace: string, app: string): AppStats;
  /** Every series with its current value. */
  samples(): Sample[];
  /** The exposition text a scrape returns now. */
  render(): string;
  /** The snapshot a window starting at `atMs` is measured from. */
  baseline(atMs: number): Snapshot | undefined;
  /** Stops the timer and the HTTP server. Idempotent. */
  close(): Promise<void>;
}

/** The simulation without timer or server: counters, engine and snapshot history. */
class Simulation {
  readonly counters = new TrafficCounters();
  readonly engine: TrafficEngine;
  readonly ring: SnapshotRing;
  private last: number;

  constructor(private readonly options: TrafficOptions & { now: () => number }) {
    this.engine = new TrafficEngine(
      {
        rps: options.rps ?? 20,
        seed: options.seed ?? DEFAULT_SEED,
        abFraction: options.abFraction ?? 0.1,
        abHeaders: options.abHeaders ?? DEFAULT_AB_HEADERS,
        apps: options.apps,
      },
      this.counters,
    );
    this.ring = new SnapshotRing(options.historySeconds ?? 900);
    this.last = options.now();
    this.snapshot(this.last);
  }

  /** Runs the traffic since the previous tick (at most 60 s of it), snapshotting once a second. */
  tick(): void {
    const at = this.options.now();
    const seconds = Math.min(Math.max(0, (at - this.last) / 1000), 60);
    this.last = at;
    for (const namespace of namespacesOf(this.options)) {
      this.engine.run(readWorld(this.options.store, namespace), seconds);
    }
    if (at - (this.ring.latestAt() ?? 0) >= 1000) this.snapshot(at);
  }

  appStats(namespace: string, app: string): AppStats {
    const none = { sent: 0, unrouted: 0, unavailable: 0, mirrored: 0 };
    return { ...none, ...this.engine.stats.get(`${namespace}/${app}`) };
  }

  private snapshot(atMs: number): void {
    const values = new Map(this.counters.samples().map((s) => [seriesKey(s), s.value]));
    this.ring.push({ atMs, values });
  }
}

/** Starts a simulator (and its `/metrics` server on 127.0.0.1, port 0). */
export async function startTrafficSimulator(options: TrafficOptions): Promise<TrafficSimulator> {
  const now = options.now ?? Date.now;
  const sim = new Simulation({ ...options, now });
  const render = (): string => renderExposition(sim.counters.samples());
  const server = options.serve === false ? undefined : await serveMetrics(render);
  const timer =
    options.autoStart === false ? undefined : setInterval(() => sim.tick(), options.tickMs ?? 200);
  timer?.unref();
  let closed: Promise<void> | undefined;
  return {
    url: server ? `http://127.0.0.1:${server.port}/metrics` : '',
    target: server ? `127.0.0.1:${server.port}` : '',
    now,
    tick: () => sim.tick(),
    totals: (ns, workload) => sim.counters.totals(ns, workload),
    appStats: (ns, app) => sim.appStats(ns, app),
    samples: () => sim.counters.samples(),
    render,
    baseline: (atMs) => sim.ring.baseline(atMs),
    close: () => {
      if (timer) clearInterval(timer);
      closed ??= server ? server.close() : Promise.resolve();
      return closed;
    },
  };
}

function namespacesOf(options: TrafficOptions): readonly string[] {
  if (options.namespaces) return options.namespaces;
  return options.store
    .list('v1', 'Namespace')
    .map((n) => n.metadata.name ?? '')
    .filter(Boolean);
}

async function serveMetrics(render: () => string): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(render());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
