/**
 * The request loop of the simulator, without timers or I/O: given the namespace's objects and a
 * duration, it sends each app a Poisson number of requests (mean `rate × seconds`), routes each
 * one and counts it at the Deployment that serves it.
 *
 * What the versions do is random, as in production: each request is an error with its version's
 * probability (a Bernoulli draw) and takes a lognormal time (behaviour.ts). Draws come from seeded
 * streams, one per app (arrivals) and one per Deployment (outcomes), so a seed reproduces a run
 * and one version's outcomes do not depend on another's traffic. Routing stays deterministic — it
 * is what the routers under test decide, not what the judge measures: weights use smooth weighted
 * round-robin (nginx's), mirror percentages and the A/B share use accumulators
 * (`acc += p; fire when acc ≥ 1`), so shares of the requests sent are exact.
 */
import { behaviourOf, requestRateOf, type Behaviour } from './behaviour.js';
import type { TrafficCounters } from './counters.js';
import type { SimRequest } from './matching.js';
import { streamOf, type Rng } from './random.js';
import { resolveBackend, type Endpoint, type Resolution } from './resolve.js';
import { apexServices, routingFor, type Backend, type SimRoute, type World } from './routing.js';

/** What one run reads once: the namespace, resolved backends and behaviours per Deployment. */
interface RunContext {
  world: World;
  resolved: Map<string, Resolution | undefined>;
  behaviours: Map<string, Behaviour>;
}

/** How the engine generates requests. */
export interface EngineOptions {
  /** Mean requests per second of an app whose Deployment sets no request rate. */
  rps: number;
  /** Seed of every random stream. */
  seed: number;
  /** Share of requests that carry {@link abHeaders} (0..1). */
  abFraction: number;
  /** Headers of the targeted (A/B) requests, lower-case names. */
  abHeaders: Readonly<Record<string, string>>;
  /** Apps (apex Service names) per namespace; all apex Services when absent. */
  apps?: readonly string[];
}

/** Requests per app and tick are capped, so a stalled timer cannot produce an unbounded burst. */
const MAX_REQUESTS_PER_RUN = 10_000;

/** Outcomes of the requests an app sent, for progress displays and tests. */
export interface AppStats {
  sent: number;
  /** No route matched, or the backend named no existing Service/VirtualNode. */
  unrouted: number;
  /** A backend's Deployments had no ready replica (503, counted at the Deployment). */
  unavailable: number;
  mirrored: number;
}

/** The stateful request generator; one per simulator. */
export class TrafficEngine {
  private readonly acc = new Map<string, number>();
  private readonly wrr = new Map<string, number[]>();
  private readonly streams = new Map<string, Rng>();
  /** Per `<namespace>/<app>`. */
  readonly stats = new Map<string, AppStats>();

  constructor(
    private readonly options: EngineOptions,
    private readonly counters: TrafficCounters,
  ) {}

  /** Sends `seconds` worth of traffic to every app of the namespace. */
  run(world: World, seconds: number): void {
    const apps = this.options.apps ?? apexServices(world);
    const ctx: RunContext = { world, resolved: new Map(), behaviours: new Map() };
    for (const app of apps) {
      const key = `${world.namespace}/${app}`;
      const rate = requestRateOf(world.deployments, app) ?? this.options.rps;
      const arrivals = this.stream(`arrivals:${key}`).poisson(rate * Math.max(0, seconds));
      const n = Math.min(arrivals, MAX_REQUESTS_PER_RUN);
      const routes = routingFor(world, app)?.routes ?? [];
      for (let i = 0; i < n; i++) this.send(ctx, routes, key);
    }
  }

  private send(ctx: RunContext, routes: readonly SimRoute[], key: string): void {
    const stats = this.statsOf(key);
    stats.sent++;
    const targeted = this.fire(`${key}#ab`, this.options.abFraction);
    const req: SimRequest = {
      path: '/',
      method: 'GET',
      headers: targeted
        ? { 'user-agent': 'sandbox-traffic/1.0', ...this.options.abHeaders }
        : { 'user-agent': 'sandbox-traffic/1.0' },
    };
    const index = routes.findIndex((r) => r.test(req));
    const route = routes[index];
    const pick = route && this.pick(`${key}#${index}`, route.backends);
    if (!route || !pick) {
      stats.unrouted++;
      return;
    }
    this.serve(ctx, pick, key, stats);
    if (route.mirror && this.fire(`${key}#${index}#mirror`, route.mirror.percent / 100)) {
      stats.mirrored++;
      this.serve(ctx, route.mirror.backend, key, stats);
    }
  }

  /** Delivers one request to the Deployment behind `backend` and counts it there. */
  private serve(ctx: RunContext, backend: Backend, key: string, stats: AppStats): void {
    const { world } = ctx;
    const rk = `${backend.kind}/${backend.name}/${backend.subset ?? ''}`;
    if (!ctx.resolved.has(rk)) ctx.resolved.set(rk, resolveBackend(world, backend));
    const resolution = ctx.resolved.get(rk);
    if (!resolution || resolution.endpoints.length === 0) {
      stats.unrouted++;
      return;
    }
    const ready = resolution.endpoints.filter((e) => e.readyReplicas > 0);
    let endpoint: Endpoint | undefined = ready.length
      ? this.pick(
          `${key}@${backend.name}`,
          ready.map((e) => ({ ...e, weight: e.readyReplicas })),
        )
      : undefined;
    let code = 503;
    let durationMs = 0;
    if (endpoint) {
      const wk = `${world.namespace}/${endpoint.name}`;
      let b = ctx.behaviours.get(wk);
      if (!b) ctx.behaviours.set(wk, (b = behaviourOf(endpoint.deployment)));
      const rng = this.stream(`outcomes:${wk}`);
      code = rng.bernoulli(b.errorRate) ? 500 : 200;
      durationMs = rng.lognormal(b.latency);
    } else {
      stats.unavailable++;
      endpoint = resolution.endpoints[0]!;
    }
    this.counters.record({
      namespace: world.namespace,
      workload: endpoint.name,
      service: resolution.service,
      pod: endpoint.pod,
      port: endpoint.port,
      servicePort: resolution.servicePort,
      code,
      durationMs,
      edge: backend.edge,
    });
  }

  /** The random stream of `key`, created on first use from the seed. */
  private stream(key: string): Rng {
    let rng = this.streams.get(key);
    if (!rng) this.streams.set(key, (rng = streamOf(this.options.seed, key)));
    return rng;
  }

  private statsOf(key: string): AppStats {
    let s = this.stats.get(key);
    if (!s) this.stats.set(key, (s = { sent: 0, unrouted: 0, unavailable: 0, mirrored: 0 }));
    return s;
  }

  /** Deterministic share: fires a share `p` of the calls for one key, evenly spread. */
  private fire(key: string, p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    const acc = (this.acc.get(key) ?? 0) + p;
    const hit = acc >= 1 - 1e-9;
    this.acc.set(key, hit ? acc - 1 : acc);
    return hit;
  }

  /** Smooth weighted round-robin over `items`; undefined when every weight is 0. */
  private pick<T extends { weight: number; name: string }>(key: string, items: readonly T[]): T | undefined {
    const total = items.reduce((s, it) => s + Math.max(0, it.weight), 0);
    if (total <= 0) return undefined;
    const stateKey = `${key}|${items.map((it) => it.name).join(',')}`;
    const current = this.wrr.get(stateKey) ?? items.map(() => 0);
    let best = 0;
    items.forEach((it, i) => {
      current[i] += Math.max(0, it.weight);
      if (current[i] > current[best]) best = i;
    });
    current[best] -= total;
    this.wrr.set(stateKey, current);
    return items[best];
  }
}
