/**
 * Judged releases through the real handlers with a real Prometheus scraping the traffic simulator,
 * each judged step also recomputed on the simulator's exact counters (virtual-judge.ts). Shared by
 * test/e2e/judge-prometheus.test.ts and the bench (test/bench/quality/e2e.ts).
 *
 * Ordering of one interval: the simulator (not auto-started, on the control plane's clock) serves
 * 10 simulated seconds; then, in real time, we wait until Prometheus has scraped the new counters
 * (the judge's own raw request queries equal the simulator's totals: the simulator does not move
 * until the next interval, so every later query of the step reads the same values); then the
 * step runs. The exact counters are captured between the wait and the step.
 */
import { PrometheusClient } from '../../lib/adapters/prometheus/client.js';
import { judgeCountQueries } from '../../lib/adapters/prometheus/judge-queries.js';
import { judgeConfig } from '../../lib/domain/judge/index.js';
import type { Canary } from '../../lib/domain/spec/schema.js';
import * as spec from '../../lib/domain/spec/accessors.js';
import type { HistoryRecord } from '../../lib/ports/store.js';
import { startTrafficSimulator, type TrafficSimulator } from '../../sandbox/traffic/index.js';
import { startControlPlane, type ControlPlane } from './controlplane.js';
import { startPrometheus, type PrometheusServer } from './prometheus.js';
import * as fixtures from './release.js';
import { startSandbox, type Sandbox } from './sandbox.js';
import {
  exactReadings,
  VirtualJudge,
  virtualOutcome,
  type ComparedStep,
  type Outcome,
} from './virtual-judge.js';

/** Pod-template annotations of a simulated version: error probability and P99 (median a third of it). */
export function behaviour(errorRate: number, p99Ms: number): Record<string, string> {
  return {
    'sandbox.flagger.app/error-rate': String(errorRate),
    'sandbox.flagger.app/latency-ms': String(p99Ms),
  };
}

/**
 * podinfo's analysis as the quality bench's (interval 10 s, stepWeight 10, maxWeight 50,
 * threshold 5), both builtins compared with the judge's defaults and no static check (as the
 * bench's judge, which sees exact counts only). `durationBoundMs` adds
 * Flagger's static P99 bound; the static windows are 1 m of Prometheus' (real) time.
 */
export function judgedAnalysis(opts: { durationBoundMs?: number } = {}): string {
  const bound =
    opts.durationBoundMs === undefined ? '' : `, thresholdRange: { max: ${opts.durationBoundMs} }`;
  return `threshold: 5
maxWeight: 50
stepWeight: 10
judge:
  enabled: true
metrics:
  - { name: request-success-rate, interval: 1m, compare: {} }
  - { name: request-duration, interval: 1m, compare: {}${bound} }`;
}

/** Options of {@link startJudgedWorld}. */
export interface JudgedWorldOptions {
  /** The Canary's analysis (see {@link judgedAnalysis}). */
  analysis: string;
  /** Annotations of the first primary (podinfo:6.0.0). */
  primary: Record<string, string>;
  /** Requests per second the simulator sends podinfo. */
  rps: number;
  seed?: number;
}

/** One release on both paths. */
export interface ComparedRelease {
  real: Outcome;
  /** The last recorded reason of the release (JudgeFailed, Succeeded's reason…). */
  reason: string;
  virtual: Outcome;
  /** Judged steps until each path decided (all judged steps when undecided). */
  realSteps: number;
  virtualSteps: number;
  steps: ComparedStep[];
}

/** A control plane judging podinfo with Prometheus, and the simulator it reads. */
export interface JudgedWorld {
  cp: ControlPlane;
  sandbox: Sandbox;
  sim: TrafficSimulator;
  prom: PrometheusServer;
  /** Applies podinfo `image` with `annotations` and runs intervals until the release ends (≤ `maxSteps`). */
  release(image: string, annotations: Record<string, string>, maxSteps?: number): Promise<ComparedRelease>;
  close(): Promise<void>;
}

/** Starts the sandbox, the simulator, Prometheus (scrape every 1 s) and the control plane; initializes podinfo. */
export async function startJudgedWorld(o: JudgedWorldOptions): Promise<JudgedWorld> {
  const sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  const start = Date.now();
  let cp: ControlPlane | undefined;
  const sim = await startTrafficSimulator({
    store: sandbox.store,
    namespaces: ['test'],
    autoStart: false,
    rps: o.rps,
    seed: o.seed,
    now: () => cp?.clock.now ?? start,
  });
  const parts: { close(): Promise<void> }[] = [sim, sandbox];
  try {
    const prom = await startPrometheus({ targets: [sim.target], scrapeInterval: '1s' });
    parts.unshift({ close: () => prom.stop() });
    cp = await startControlPlane({ metrics: new PrometheusClient({ address: prom.url }), start });
    parts.unshift(cp);
    await fixtures.initializeCanary(
      cp,
      sandbox,
      fixtures.podinfoCanary(o.analysis),
      fixtures.podinfoDeployment('podinfo:6.0.0', o.primary),
    );
    const world = { cp, sandbox, sim, prom, options: o };
    return {
      cp,
      sandbox,
      sim,
      prom,
      release: (image, annotations, maxSteps = 40) => release(world, image, annotations, maxSteps),
      close: async () => {
        for (const p of parts) await p.close();
      },
    };
  } catch (e) {
    for (const p of parts) await p.close();
    throw e;
  }
}

const key = fixtures.podinfoKey;

type World = Pick<JudgedWorld, 'cp' | 'sandbox' | 'sim' | 'prom'> & { options: JudgedWorldOptions };

const NS = key.namespace;
const APP = key.name;

/**
 * Waits (real time) until Prometheus answers the simulator's current request totals of both
 * workloads. (A static check's rate() never counts a fresh series' first sample: here a new
 * canary series arrives with a whole interval's requests at once, so the first interval with
 * canary traffic is "no data" to a static check — a failed check, on which the judge does not look.)
 */
async function scraped(w: World): Promise<void> {
  const input = { provider: 'istio', namespace: NS, target: APP } as const;
  for (const side of ['primary', 'canary'] as const) {
    const expected = w.sim.totals(NS, side === 'canary' ? APP : `${APP}-primary`).requests;
    if (expected === 0) continue; // no series yet: the judge reads zero
    const q = judgeCountQueries(input, side).requests;
    await w.prom.waitForValue(q, { timeoutMs: 15_000, pollMs: 100, until: (v) => v === expected });
  }
}

async function newRecords(cp: ControlPlane, seen: Set<string>): Promise<HistoryRecord[]> {
  const all = await cp.core.history.list(key, { limit: 20 }, new AbortController().signal);
  const fresh = all.filter((h) => !seen.has(h.id)).reverse();
  for (const h of fresh) seen.add(h.id);
  return fresh;
}

async function release(
  w: World,
  image: string,
  annotations: Record<string, string>,
  maxSteps: number,
): Promise<ComparedRelease> {
  const { cp, sim } = w;
  const seen = new Set((await newRecords(cp, new Set())).map((h) => h.id));
  await fixtures.apply(w.sandbox, fixtures.podinfoDeployment(image, annotations));
  const canary = (await cp.core.store.get(key, new AbortController().signal))!.manifest as Canary;
  const maxWeight = spec.maxWeight(canary);
  const judge = new VirtualJudge(judgeConfig(spec.analysis(canary)), maxWeight);
  const steps: ComparedStep[] = [];
  let virtual: Outcome = 'undecided';
  let virtualSteps = 0;
  let real: Outcome = 'undecided';
  let reason = '';
  for (let i = 0; i < maxSteps && real === 'undecided'; i++) {
    for (let s = 0; s < 10; s++) {
      cp.clock.now += 1000;
      sim.tick();
    }
    await scraped(w);
    const readings = exactReadings(sim, NS, APP, cp.clock.now);
    const weight = fixtures.virtualServiceWeights(w.sandbox)[1];
    const row = await cp.tick(key, 0);
    for (const h of await newRecords(cp, seen)) {
      reason = h.reason;
      if (h.reason === 'JudgeHeldForDecision') real = 'held';
      if (h.judgements === undefined) continue;
      const compared = judge.step(readings, { reason: h.reason, judgements: h.judgements }, weight);
      if (compared === undefined) continue;
      steps.push(compared);
      const decided: Outcome | undefined = virtualOutcome(compared, maxWeight);
      if (virtual === 'undecided' && decided !== undefined) {
        virtual = decided;
        virtualSteps = steps.length;
      }
    }
    if (row?.status.phase === 'Succeeded') real = 'promoted';
    if (row?.status.phase === 'Failed') real = 'rolledBack';
  }
  return {
    real,
    reason,
    virtual,
    realSteps: steps.length,
    virtualSteps: virtual === 'undecided' ? steps.length : virtualSteps,
    steps,
  };
}
