/**
 * The judge's "virtual path": the verdicts of judged steps recomputed from the traffic simulator's
 * exact cumulative counters (baselineEvidence / addReading / judgeEvidence with the options
 * judgeConfig gives, then judgeStep), and their comparison with the verdicts a real step recorded
 * in its history record. test/support/judged-release.ts feeds it; both the e2e test and the bench
 * (test/bench/quality/e2e.ts) read its answers.
 */
import {
  addReading,
  baselineEvidence,
  judgeEvidence,
  type Evidence,
  type Reading,
} from '../../lib/domain/judge/evidence.js';
import { judgeStep, type JudgeConfig, type Judgement } from '../../lib/domain/judge/index.js';
import { ENVOY_BUCKETS_MS } from '../../sandbox/traffic/buckets.js';
import type { TrafficSimulator } from '../../sandbox/traffic/index.js';

/** How a release ended, on either path; `undecided` when the steps ran out first. */
export type Outcome = 'promoted' | 'rolledBack' | 'held' | 'undecided';

/** The readings of both compared builtins, exactly as the simulator counted them. */
export interface ExactReadings {
  errors: Reading;
  latency: Reading;
}

/**
 * The simulator's counters of canary `<app>` and primary `<app>-primary` in `namespace` now,
 * stamped `at`: requests and 5xx (Istio's counters), and the cumulative millisecond buckets
 * summed over the series of each workload (a workload without series has zero counts).
 */
export function exactReadings(
  sim: TrafficSimulator,
  namespace: string,
  app: string,
  at: number,
): ExactReadings {
  const counts = (workload: string) => {
    const t = sim.totals(namespace, workload);
    return { requests: t.requests, errors: t.errors };
  };
  const samples = sim.samples();
  const buckets = (workload: string) => {
    const byLe = new Map<number, number>([...ENVOY_BUCKETS_MS, Infinity].map((le) => [le, 0]));
    for (const s of samples) {
      const l = s.labels;
      if (s.name !== 'istio_request_duration_milliseconds_bucket') continue;
      if (l.destination_workload_namespace !== namespace || l.destination_workload !== workload) continue;
      const le = l.le === '+Inf' ? Infinity : Number(l.le);
      byLe.set(le, byLe.get(le)! + s.value);
    }
    return [...byLe].map(([le, count]) => ({ le, count }));
  };
  const primary = `${app}-primary`;
  return {
    errors: { kind: 'errors', snapshot: { at, canary: counts(app), primary: counts(primary) } },
    latency: { kind: 'latency', snapshot: { at, canary: buckets(app), primary: buckets(primary) } },
  };
}

/** One judged step on both paths. */
export interface ComparedStep {
  /** The canary weight live during the step. */
  weight: number;
  /** The real step's reason (CanaryWeightIncreased, JudgeFailed, PromotionStarted…). */
  reason: string;
  /** The verdicts the real step recorded (as stored: JSON, ±Infinity as null). */
  real: readonly unknown[];
  virtual: Judgement[];
  /** What judgeStep makes of the virtual verdicts. */
  virtualAction: ReturnType<typeof judgeStep>['action'];
  /** Where the two disagree; empty when they agree. */
  differences: string[];
}

/** Replays one release's judged steps on exact counters, step by step, in the real steps' order. */
export class VirtualJudge {
  private evidence: Record<string, Evidence> | undefined;
  private inconclusiveSteps = 0;

  constructor(
    private readonly config: JudgeConfig,
    private readonly maxWeight: number,
  ) {}

  /**
   * The step whose record carries `judgements` (empty: the baseline step). Returns the compared
   * step, or undefined for the baseline.
   */
  step(
    readings: ExactReadings,
    record: { reason: string; judgements: readonly unknown[] },
    weight: number,
  ): ComparedStep | undefined {
    const reading = (kind: 'errors' | 'latency') => readings[kind];
    if (record.judgements.length === 0) {
      this.evidence = Object.fromEntries(
        this.config.comparisons.map((c) => [c.name, baselineEvidence(reading(c.kind))]),
      );
      this.inconclusiveSteps = 0;
      return undefined;
    }
    const evidence = this.evidence ?? {};
    const virtual = this.config.comparisons.map((c) => {
      evidence[c.name] = addReading(evidence[c.name], reading(c.kind));
      return judgeEvidence(c.name, evidence[c.name], c.options);
    });
    this.evidence = evidence;
    const decided = judgeStep({
      judgements: virtual,
      atMaxWeight: weight >= this.maxWeight,
      inconclusiveSteps: this.inconclusiveSteps,
      config: this.config,
    });
    this.inconclusiveSteps = decided.inconclusiveSteps;
    return {
      weight,
      reason: record.reason,
      real: record.judgements,
      virtual,
      virtualAction: decided.action,
      differences: differences(record.judgements, virtual),
    };
  }
}

/** The virtual path's outcome at a step, if it decided there (failFast: a failure rolls back). */
export function virtualOutcome(s: ComparedStep, maxWeight: number): Outcome | undefined {
  if (s.virtualAction === 'rollback' || s.virtualAction === 'failedCheck') return 'rolledBack';
  if (s.virtualAction === 'hold') return 'held';
  if (s.virtualAction === 'advance' && s.weight >= maxWeight) return 'promoted';
  return undefined;
}

/** A stored bound (null stands for ±Infinity) and a computed one agree up to rounding. */
function sameNumber(stored: unknown, computed: number): boolean {
  if (stored === null || stored === undefined) return !Number.isFinite(computed);
  if (typeof stored !== 'number') return false;
  if (stored === computed) return true;
  return Math.abs(stored - computed) <= 1e-9 * Math.max(1, Math.abs(computed));
}

interface StoredJudgement {
  metric?: string;
  verdict?: string;
  canary?: { requests?: number; errors?: number };
  primary?: { requests?: number; errors?: number };
  effect?: { estimate?: unknown; lower?: unknown; upper?: unknown };
}

/** What differs between the recorded verdicts and the recomputed ones: metric, verdict, counts, effect. */
function differences(real: readonly unknown[], virtual: readonly Judgement[]): string[] {
  if (real.length !== virtual.length)
    return [`${real.length} recorded verdicts, ${virtual.length} recomputed`];
  return virtual.flatMap((v, i) => {
    const r = real[i] as StoredJudgement;
    const out: string[] = [];
    const same = (what: string, a: unknown, b: unknown) => {
      if (a !== b) out.push(`${v.metric} ${what}: recorded ${String(a)}, recomputed ${String(b)}`);
    };
    same('metric', r.metric, v.metric);
    same('verdict', r.verdict, v.verdict);
    for (const side of ['canary', 'primary'] as const) {
      same(`${side} requests`, r[side]?.requests, v[side].requests);
      same(`${side} errors`, r[side]?.errors, v[side].errors);
    }
    for (const k of ['estimate', 'lower', 'upper'] as const) {
      if (!sameNumber(r.effect?.[k], v.effect[k]))
        out.push(`${v.metric} effect ${k}: recorded ${String(r.effect?.[k])}, recomputed ${v.effect[k]}`);
    }
    return out;
  });
}
