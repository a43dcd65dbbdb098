/**
 * A tiny pure harness that drives decide() like the app layer would: observe a fake world, answer
 * every `need` from scripted hooks and metrics, apply `setRoutes`/`promote`, advance the clock to
 * `nextRunAt`. No I/O, no timers.
 */
import { expect } from 'vitest';
import type { CheckResult } from '../../../lib/domain/check.js';
import { decide, MAX_NEED_ROUNDS, type StepDecision } from '../../../lib/domain/decide/index.js';
import type {
  GatingHookType,
  HookOutcome,
  JudgeReading,
  Observations,
  Readiness,
  RouteWeights,
} from '../../../lib/domain/observations.js';
import type { Phase } from '../../../lib/domain/phase.js';
import type { Reason } from '../../../lib/domain/reasons.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import type { CanaryStatus, OperatorCommand } from '../../../lib/domain/status.js';
import { passing, T0 } from '../../support/builders.js';

/** The fake cluster and its scripted answers. */
export interface World {
  now: number;
  revision: string;
  primaryRevision: string;
  routes: RouteWeights;
  primary: Readiness;
  canary: Readiness;
  /** Answers for a hook type (default: every hook of that type answers OK). */
  hooks: (type: GatingHookType, canary: Canary) => HookOutcome[];
  metrics: () => CheckResult[];
  /** Readings of the metrics compared against the primary (asked only when the judge is on). */
  judge?: (w: World) => Record<string, JudgeReading>;
  operator?: OperatorCommand;
}

/** One step as seen from outside. */
export interface Trace {
  reason: Reason;
  phase: Phase;
  /** Canary weight written by this step, if any. */
  weight?: number;
  mirrored: boolean;
  promoted: boolean;
  rounds: number;
}

export function aWorld(o: Partial<World> = {}): World {
  return {
    now: T0,
    revision: 'rev-2',
    primaryRevision: 'rev-1',
    routes: { primary: 100, canary: 0, mirrored: false },
    primary: { ready: true },
    canary: { ready: true },
    hooks: (type, canary) =>
      (canary.spec.analysis?.webhooks ?? [])
        .filter((h) => (h.type ?? 'rollout') === type)
        .map((h) => ({ name: h.name, ok: true, explanation: 'ok' })),
    metrics: () => passing,
    ...o,
  };
}

function observe(w: World): Observations {
  const obs: Observations = {
    now: w.now,
    cluster: 'sim',
    clusterDefaultProvider: 'istio',
    target: { revision: w.revision, trackedConfigs: {} },
    primary: w.primary,
    canary: w.canary,
    routes: { ...w.routes },
    hooks: {},
  };
  if (w.operator) obs.operator = w.operator;
  return obs;
}

/** One step: decide (answering needs), apply effects to the world, advance time. */
function stepOnce(canary: Canary, status: CanaryStatus, w: World): { decision: StepDecision; trace: Trace } {
  const obs = observe(w);
  let rounds = 0;
  let d = decide(canary, status, obs);
  while (d.kind === 'need') {
    rounds += 1;
    expect(rounds, 'need rounds').toBeLessThanOrEqual(MAX_NEED_ROUNDS);
    for (const input of d.inputs) {
      if (input.kind === 'metrics') obs.metrics = w.metrics();
      else if (input.kind === 'judge') obs.judge = w.judge?.(w) ?? {};
      else obs.hooks[input.type] = w.hooks(input.type, canary);
    }
    d = decide(canary, status, obs);
  }
  const trace: Trace = {
    reason: d.reason,
    phase: d.status.phase,
    mirrored: d.status.mirrored,
    promoted: false,
    rounds,
  };
  for (const a of d.actions) {
    if (a.kind === 'setRoutes') {
      w.routes = { primary: a.primary, canary: a.canary, mirrored: a.mirror };
      trace.weight = a.canary;
    }
    if (a.kind === 'promote') {
      w.primaryRevision = w.revision;
      trace.promoted = true;
    }
  }
  w.operator = undefined;
  if (d.nextRunAt !== undefined) w.now = d.nextRunAt;
  return { decision: d, trace };
}

/**
 * Runs steps until a terminal phase (Succeeded, Failed) is reached after the release started, or
 * `max` steps; `script(i, world)` may change the world before step i (0-based).
 */
export function simulate(
  canary: Canary,
  status: CanaryStatus,
  w: World,
  o: { max?: number; script?: (i: number, w: World) => void } = {},
): { traces: Trace[]; status: CanaryStatus; decisions: StepDecision[] } {
  const traces: Trace[] = [];
  const decisions: StepDecision[] = [];
  let s = status;
  for (let i = 0; i < (o.max ?? 50); i++) {
    o.script?.(i, w);
    const { decision, trace } = stepOnce(canary, s, w);
    traces.push(trace);
    decisions.push(decision);
    s = decision.status;
    if (i > 0 && (s.phase === 'Succeeded' || s.phase === 'Failed')) break;
  }
  return { traces, status: s, decisions };
}

/** The canary weights written, in order. */
export function weightsOf(traces: Trace[]): number[] {
  return traces.flatMap((t) => (t.weight === undefined ? [] : [t.weight]));
}

/** The phases after each step. */
export function phasesOf(traces: Trace[]): Phase[] {
  return traces.map((t) => t.phase);
}
