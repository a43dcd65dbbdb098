/**
 * Replay: what a Canary's analysis would have decided over a past window, step by step, from
 * measurements taken at each step's instant. Pure: the caller supplies every measurement
 * (lib/app/replay.ts reads them from Prometheus with range queries).
 *
 * The rules are Flagger's as far as metrics are concerned, as decide() applies them:
 * - the first step starts the analysis without checks (weight 0 → the first weight, or iteration 1;
 *   with `mirror` a mirrored step first) and takes the judge's baseline readings;
 * - afterwards every static check is evaluated (`evaluateMetric`); the first one that does not pass
 *   counts **one** failed check, which holds the weight; `failedChecks ≥ threshold` rolls back in
 *   that step;
 * - with metrics compared against the primary, `judgeStep` (docs/analysis.md) decides on the
 *   cumulative evidence (judge/evidence.ts, as a live step reads it): a judged failure (failFast)
 *   rolls back even when a static check failed too; `inconclusive.outcome: fail` rolls back when
 *   the static checks passed; `failedCheck` counts like a static failure; `wait`/`hold` keep the
 *   weight; a metric without a reading never lets the step advance;
 * - otherwise the step advances: the next weight (stepWeight/stepWeights, clamped to maxWeight) or
 *   promotion at maxWeight; A/B and blue/green count iterations (blue/green routes all traffic to
 *   the canary for one more step before promoting, unless the provider does not route).
 *
 * Not replayed: webhooks (gates and rollout hooks count as passing and open), readiness, the
 * progress deadline, operator actions. The measurements are those of the traffic the recorded
 * release really had; the weights shown are the ones this spec would have set.
 */
import type { CheckResult } from './check.js';
import { evaluateMetric, type EvaluateOptions, type QueryOutcome } from './evaluate.js';
import { judgeConfig, judgeStep, type JudgeConfig, type Judgement } from './judge/index.js';
import type { JudgeReading } from './observations.js';
import { judgeReadings, type Evidence } from './judge/evidence.js';
import { recordedShare, type TrafficReading } from './replay-share.js';
import * as spec from './spec/accessors.js';
import type { Canary, MetricSpec } from './spec/schema.js';
import { nextCanaryWeight } from './weights.js';

/** What was measured at one step's instant. */
export interface ReplayObservation {
  /** Epoch ms. */
  at: number;
  /** The static checks' query outcomes at `at`, by metric name; absent ⇒ no data. */
  metrics: Readonly<Record<string, QueryOutcome>>;
  /** Cumulative readings of the metrics compared against the primary, by metric name. */
  judge?: Readonly<Record<string, JudgeReading>>;
  /** Cumulative requests of both workloads, for the recorded canary share. */
  traffic?: TrafficReading;
}

/** What one replayed step did. */
type ReplayAction = 'start' | 'advance' | 'promote' | 'failedCheck' | 'rollback' | 'wait' | 'hold';

/** One replayed step. */
interface ReplayStep {
  at: number;
  action: ReplayAction;
  /** The canary weight the spec would have set in this step (after its decision). */
  weight: number;
  /** A/B and blue/green: iterations done after this step. */
  iterations?: number;
  failedChecks: number;
  /** The canary's share of the recorded requests since the previous step, percent. */
  recordedCanaryPercent?: number;
  /** Every static check (spec order); on the first step shown but not counted. */
  checks: CheckResult[];
  /** The judge's verdicts (compared metrics only). */
  judgements: Judgement[];
  explanation: string;
}

/** How the replayed window ended. */
interface ReplayOutcome {
  kind: 'promoted' | 'rolledBack' | 'analysing';
  /** The deciding step's instant (analysing: the last step's). */
  at: number;
  explanation: string;
}

export interface ReplayResult {
  steps: ReplayStep[];
  outcome: ReplayOutcome;
}

/** Inputs that do not change from step to step. */
export interface ReplayInput {
  canary: Canary;
  /** The routing provider (selects the strategy, and whether blue/green routes). */
  provider: spec.Provider;
  /** Resolved query and builtin of each static check, by metric name (for the check records). */
  resolved?: Readonly<Record<string, EvaluateOptions>>;
  /** Measurements, oldest first, one per analysis interval. */
  observations: readonly ReplayObservation[];
}

interface State {
  weight: number;
  iterations: number;
  mirrored: boolean;
  failedChecks: number;
  inconclusiveSteps: number;
  evidence: Readonly<Record<string, Evidence>>;
  traffic?: TrafficReading;
}

type Transition = Pick<ReplayStep, 'action' | 'explanation'> & { state: State };

/** The metrics that run a static check: all but compared ones without threshold or range. */
export function staticMetrics(canary: Canary): MetricSpec[] {
  return spec.metrics(canary).filter(spec.hasStaticCheck(canary));
}

/** The judge configuration of a canary's analysis (empty comparisons: the judge is off). */
function replayJudgeConfig(canary: Canary): JudgeConfig {
  return judgeConfig(canary.spec.analysis ?? {});
}

/** Replays the analysis over the observations; stops at the first promotion or rollback. */
export function replayAnalysis(input: ReplayInput): ReplayResult {
  const config = replayJudgeConfig(input.canary);
  const checked = staticMetrics(input.canary);
  let state: State = {
    weight: 0,
    iterations: 0,
    mirrored: false,
    failedChecks: 0,
    inconclusiveSteps: 0,
    evidence: {},
  };
  const steps: ReplayStep[] = [];
  for (const obs of input.observations) {
    const share = recordedShare(state.traffic, obs.traffic);
    const read = judgeReadings(config.comparisons, state.evidence, obs.judge);
    const evidence = read.evidence;
    const checks = checked.map((m) => evaluateMetric(m, outcomeAt(obs, m), input.resolved?.[m.name]));
    const first = steps.length === 0;
    const judgements = first ? [] : read.judgements;
    const t = first
      ? start(input, { ...state, evidence })
      : decideStep(input, config, { ...state, evidence }, checks, judgements, read.unread);
    state = { ...t.state, ...(obs.traffic && { traffic: obs.traffic }) };
    steps.push({
      at: obs.at,
      action: t.action,
      weight: state.weight,
      ...(spec.strategy(input.canary, input.provider) !== 'canary' && { iterations: state.iterations }),
      failedChecks: state.failedChecks,
      ...(share !== undefined && { recordedCanaryPercent: share }),
      checks,
      judgements,
      explanation: t.explanation,
    });
    if (t.action === 'promote' || t.action === 'rollback') break;
  }
  return { steps, outcome: outcome(steps) };
}

function outcomeAt(obs: ReplayObservation, m: MetricSpec): QueryOutcome {
  return obs.metrics[m.name] ?? { kind: 'noData', message: 'no values found (no sample at this step)' };
}

/** The first analysis step: no checks; the judge's readings are its baseline. */
function start(input: ReplayInput, state: State): Transition {
  const t = advance(input, state);
  const judged = replayJudgeConfig(input.canary).comparisons.length > 0;
  const baseline = judged ? '; the judge takes its baseline readings' : '';
  return {
    ...t,
    action: 'start',
    explanation: `analysis starts without checks: ${t.explanation}${baseline}`,
  };
}

/** A later step: static checks, then the judge, then advance (see the module comment). */
function decideStep(
  input: ReplayInput,
  config: JudgeConfig,
  state: State,
  checks: readonly CheckResult[],
  judgements: Judgement[],
  unread: boolean,
): Transition {
  const failed = checks.find((c) => c.verdict !== 'pass');
  const atMax = spec.strategy(input.canary, input.provider) === 'canary' && state.weight >= maxOf(input);
  // As decide/judged.ts: a metric without a reading can hold the step but never let it advance.
  const policy = unread ? { ...config, advance: 'onPass' as const } : config;
  const judged =
    config.comparisons.length > 0
      ? judgeStep({
          judgements,
          atMaxWeight: atMax,
          inconclusiveSteps: state.inconclusiveSteps,
          config: policy,
        })
      : undefined;
  // With a failed static check only a judged failure rolls back at once (decide/checks.ts).
  const judgedRollback = judged?.action === 'rollback' && (!failed || judged.reason === 'JudgeFailed');
  if (judgedRollback) return { action: 'rollback', state, explanation: judged.explanation };
  if (failed || judged?.action === 'failedCheck') {
    const failedChecks = state.failedChecks + 1;
    const threshold = spec.threshold(input.canary);
    const why = failed?.explanation ?? judged?.explanation ?? '';
    const next = { ...state, failedChecks };
    if (failedChecks >= threshold)
      return {
        action: 'rollback',
        state: next,
        explanation: `failed checks ${failedChecks}/${threshold} reached the threshold: ${why}`,
      };
    return {
      action: 'failedCheck',
      state: next,
      explanation: `${why} (failed checks ${failedChecks}/${threshold})`,
    };
  }
  if (judged && (judged.action === 'wait' || judged.action === 'hold')) {
    const next = { ...state, inconclusiveSteps: judged.inconclusiveSteps };
    return { action: judged.action, state: next, explanation: judged.explanation };
  }
  const t = advance(input, { ...state, inconclusiveSteps: judged?.inconclusiveSteps ?? 0 });
  const why = judged ? `; judge: ${judged.explanation}` : '';
  return { ...t, explanation: `${t.explanation}${why}` };
}

function maxOf(input: ReplayInput): number {
  return spec.maxWeight(input.canary);
}

/** The advance of one step per strategy (decide/strategies.ts, without gates). */
function advance(input: ReplayInput, state: State): Transition {
  const c = input.canary;
  const total = spec.iterations(c);
  const done = state.iterations;
  switch (spec.strategy(c, input.provider)) {
    case 'canary':
      return canaryAdvance(input, state);
    case 'ab-testing':
      if (done < total)
        return {
          action: 'advance',
          state: { ...state, iterations: done + 1 },
          explanation: `iteration ${done + 1}/${total}`,
        };
      return promote(state, `${total} iterations passed: promoting`);
    case 'blue-green': {
      const routed = input.provider !== 'kubernetes';
      if (done < total)
        return {
          action: 'advance',
          state: { ...state, iterations: done + 1 },
          explanation: `iteration ${done + 1}/${total}`,
        };
      if (done > total || !routed) return promote(state, `${total} iterations passed: promoting`);
      return {
        action: 'advance',
        state: { ...state, iterations: done + 1, weight: 100 },
        explanation: `${total} iterations passed: all traffic to the canary before promotion`,
      };
    }
  }
}

function canaryAdvance(input: ReplayInput, state: State): Transition {
  const c = input.canary;
  const max = maxOf(input);
  if (state.weight >= max) return promote(state, `canary weight ${state.weight} reached ${max}: promoting`);
  if (spec.mirror(c) && state.weight === 0 && !state.mirrored)
    return {
      action: 'advance',
      state: { ...state, mirrored: true },
      explanation: 'traffic mirrored to the canary before the first weight step',
    };
  const next = nextCanaryWeight(state.weight, {
    stepWeight: spec.stepWeight(c),
    stepWeights: spec.stepWeights(c),
    maxWeight: max,
  });
  return {
    action: 'advance',
    state: { ...state, weight: next, mirrored: false },
    explanation: `canary weight ${state.weight} → ${next} (max ${max})`,
  };
}

function promote(state: State, explanation: string): Transition {
  return { action: 'promote', state, explanation };
}

/** The end of the replay: the deciding step's explanation, or where the analysis stood. */
function outcome(steps: readonly ReplayStep[]): ReplayOutcome {
  const last = steps.at(-1);
  if (!last) return { kind: 'analysing', at: 0, explanation: 'no step in the window' };
  if (last.action === 'promote') return { kind: 'promoted', at: last.at, explanation: last.explanation };
  if (last.action === 'rollback') return { kind: 'rolledBack', at: last.at, explanation: last.explanation };
  const held = last.action === 'hold' ? 'held for an operator; ' : '';
  return {
    kind: 'analysing',
    at: last.at,
    explanation: `${held}canary weight ${last.weight}, failed checks ${last.failedChecks}`,
  };
}
