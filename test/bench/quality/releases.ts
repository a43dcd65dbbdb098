/**
 * One simulated release, judged two ways on the same seeded traffic model:
 * - **static**: the real pure decide() with Flagger's builtin checks (success ≥ 99 %, P99 ≤ 500 ms
 *   over a 1 m window) computed from scraped counters as Prometheus would (prometheus.ts);
 * - **judge**: the sequential canary-vs-primary judge on exact cumulative counts and buckets
 *   since the canary got traffic, stepping through the proposed policy (judgeStep).
 * Time 0 is the step that first routes traffic to the canary (weight 10); both analyses then run
 * a step every interval. Virtual time only; no clock, no I/O.
 */
import { decide } from '../../../lib/domain/decide/index.js';
import { evaluateMetric } from '../../../lib/domain/evaluate.js';
import {
  addErrorSnapshot,
  addLatencySnapshot,
  emptyErrorEvidence,
  emptyLatencyEvidence,
  judgeErrorEvidence,
  judgeLatencyEvidence,
  judgeStep,
  type JudgeConfig,
  type Judgement,
} from '../../../lib/domain/judge/index.js';
import type { Observations } from '../../../lib/domain/observations.js';
import type { CanaryStatus } from '../../../lib/domain/status.js';
import { aCanary, anObservation, aStatus, T0 } from '../../support/builders.js';
import { seededRng } from '../../../sandbox/traffic/random.js';
import { CanarySeries } from './prometheus.js';
import { buckets, ReleaseTraffic, totals, type Behaviour } from './traffic.js';

/** How a release ended. */
type Outcome = 'promoted' | 'rolledBack' | 'held';

/** One release's result. */
export interface Result {
  outcome: Outcome;
  /** Seconds from the first canary traffic to the decision. */
  seconds: number;
  /** Canary requests served until the decision. */
  canaryRequests: number;
  /** Judge only: the metric whose verdict decided (failed or still inconclusive). */
  decidedBy?: string;
}

/** The release to simulate. */
export interface ReleaseCase {
  seed: number;
  rps: number;
  canary: Behaviour;
  primary: Behaviour;
}

const INTERVAL = 10;
const SCRAPE_EVERY = 15;
/** A static analysis that has not decided after this long is reported held (it never happens). */
const STATIC_HORIZON = 1800;

const staticCanary = aCanary({ interval: '10s', threshold: 5, stepWeight: 10, maxWeight: 50 });

/** Flagger's analysis through decide(): returns when it promotes or rolls back. */
export function staticRelease(c: ReleaseCase): Result {
  const rng = seededRng(c.seed);
  const traffic = new ReleaseTraffic(rng, c.rps, c.canary, c.primary);
  const series = new CanarySeries();
  const scrapes = {
    every: SCRAPE_EVERY,
    phase: rng.next() * SCRAPE_EVERY,
    hook: (at: number) => series.scrape(at, traffic.canary),
  };
  // The step that routes weight 10: the first analysis step of a Progressing release.
  let status: CanaryStatus = aStatus({ phase: 'Progressing', canaryWeight: 0 });
  let weight = 0;
  for (let t = 0; t <= STATIC_HORIZON; t += INTERVAL) {
    traffic.runUntil(t, scrapes);
    const obs: Observations = anObservation({
      now: T0 + t * 1000,
      routes: { primary: 100 - weight, canary: weight, mirrored: false },
    });
    let d = decide(staticCanary, status, obs);
    if (d.kind === 'need') {
      obs.metrics = staticChecks(series, t);
      d = decide(staticCanary, status, obs);
    }
    if (d.kind === 'need') throw new Error(`decide() still needs ${JSON.stringify(d.inputs)}`);
    for (const a of d.actions) if (a.kind === 'setRoutes') weight = a.canary;
    traffic.weight = weight;
    status = d.status;
    const canaryRequests = totals(traffic.canary).requests;
    if (d.actions.some((a) => a.kind === 'promote'))
      return { outcome: 'promoted', seconds: t, canaryRequests };
    if (status.phase === 'Failed') return { outcome: 'rolledBack', seconds: t, canaryRequests };
  }
  return { outcome: 'held', seconds: STATIC_HORIZON, canaryRequests: totals(traffic.canary).requests };
}

/** The two builtin checks as Flagger evaluates them (no data counts as a failed check). */
function staticChecks(series: CanarySeries, t: number) {
  const outcome = (v: number | undefined) =>
    v === undefined
      ? ({ kind: 'noData', message: 'no values found' } as const)
      : ({ kind: 'value', value: v } as const);
  const [success, duration] = staticCanary.spec.analysis!.metrics!;
  return [
    evaluateMetric(success, outcome(series.successRate(t, 60))),
    evaluateMetric(duration, outcome(series.p99(t, 60))),
  ];
}

/** The judge's analysis: stepWeight 10, maxWeight 50, a step every 10 s, the given policy. */
export function judgedRelease(c: ReleaseCase, config: JudgeConfig): Result {
  const traffic = new ReleaseTraffic(seededRng(c.seed), c.rps, c.canary, c.primary);
  let errors = emptyErrorEvidence();
  let latency = emptyLatencyEvidence();
  let weight = 10;
  let inconclusiveSteps = 0;
  traffic.weight = weight;
  for (let t = INTERVAL; ; t += INTERVAL) {
    traffic.runUntil(t);
    const at = t * 1000;
    errors = addErrorSnapshot(errors, {
      at,
      canary: totals(traffic.canary),
      primary: totals(traffic.primary),
    });
    latency = addLatencySnapshot(latency, {
      at,
      canary: buckets(traffic.canary),
      primary: buckets(traffic.primary),
    });
    const judgements: Judgement[] = config.comparisons.map((cmp) =>
      cmp.kind === 'errors'
        ? judgeErrorEvidence(cmp.name, errors, cmp.options)
        : judgeLatencyEvidence(cmp.name, latency, cmp.options),
    );
    const step = judgeStep({ judgements, atMaxWeight: weight >= 50, inconclusiveSteps, config });
    inconclusiveSteps = step.inconclusiveSteps;
    const result = (outcome: Outcome): Result => ({
      outcome,
      seconds: t,
      canaryRequests: totals(traffic.canary).requests,
      decidedBy: step.deciding.map((j) => j.metric).join('+'),
    });
    if (step.action === 'rollback' || step.action === 'failedCheck') return result('rolledBack');
    if (step.action === 'hold') return result('held');
    if (step.action === 'advance') {
      if (weight >= 50) return result('promoted');
      weight += 10;
      traffic.weight = weight;
    }
  }
}
