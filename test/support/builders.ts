/**
 * Fixture builders for domain tests (STYLE.md habit 14): small defaults, overrides by name.
 * `aCanary({ stepWeight: 10 })`, `aStatus({ phase: 'Progressing', canaryWeight: 10 })`,
 * `anObservation({ metrics: [pass('request-success-rate')] })`.
 */
import type { Action } from '../../lib/domain/actions.js';
import type { CheckResult } from '../../lib/domain/check.js';
import type { Decision, StepDecision } from '../../lib/domain/decide/index.js';
import type { HookOutcome, Observations } from '../../lib/domain/observations.js';
import type {
  AnalysisSpec,
  Canary,
  CanarySpec,
  MetricSpec,
  WebhookSpec,
  WebhookType,
} from '../../lib/domain/spec/schema.js';
import type { CanaryStatus } from '../../lib/domain/status.js';

/** 2025-01-01T00:00:00Z: the fixed "now" of every test. */
export const T0 = Date.UTC(2025, 0, 1);
export const MINUTE = 60_000;

/** The default metrics: success rate ≥ 99 %, p99 latency ≤ 500 ms. */
const defaultMetrics: MetricSpec[] = [
  { name: 'request-success-rate', threshold: 99, interval: '1m' },
  { name: 'request-duration', threshold: 500, interval: '1m' },
];

/** Analysis fields plus a few spec-level switches. `analysis: null` drops the analysis block. */
export type CanaryOverrides = AnalysisSpec &
  Pick<
    CanarySpec,
    'skipAnalysis' | 'suspend' | 'provider' | 'progressDeadlineSeconds' | 'revertOnDeletion' | 'autoscalerRef'
  > &
  Partial<Pick<CanarySpec, 'targetRef'>> & { analysis?: null };

const specKeys = [
  'skipAnalysis',
  'suspend',
  'provider',
  'progressDeadlineSeconds',
  'revertOnDeletion',
  'autoscalerRef',
  'targetRef',
] as const;

/** podinfo in namespace test: interval 1m, threshold 5, stepWeight 10, maxWeight 50, two metrics. */
export function aCanary(o: CanaryOverrides = {}): Canary {
  const analysisOverrides: Record<string, unknown> = { ...o };
  const specOverrides: Record<string, unknown> = {};
  for (const k of [...specKeys, 'analysis'] as const) {
    if (k in o) specOverrides[k] = o[k];
    delete analysisOverrides[k];
  }
  const analysis: AnalysisSpec = {
    interval: '1m',
    threshold: 5,
    maxWeight: 50,
    stepWeight: 10,
    metrics: defaultMetrics,
    ...analysisOverrides,
  };
  const spec: CanarySpec = {
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
    service: { port: 9898 },
    analysis,
    ...specOverrides,
  };
  if (o.analysis === null) delete spec.analysis;
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec,
  };
}

/** A webhook of `type` named after it (`hook('confirm-promotion')` → name `confirm-promotion`). */
export function hook(type: WebhookType, name: string = type): WebhookSpec {
  return { name, type, url: `http://loadtester.test/${name}` };
}

/** A Progressing status of revision `rev-2` over promoted `rev-1`. */
export function aStatus(o: Partial<CanaryStatus> = {}): CanaryStatus {
  return {
    phase: 'Progressing',
    canaryWeight: 0,
    failedChecks: 0,
    iterations: 0,
    lastAppliedSpec: 'rev-2',
    lastPromotedSpec: 'rev-1',
    trackedConfigs: {},
    conditions: [],
    mirrored: false,
    notified: {},
    ...o,
  };
}

/** At T0 on cluster `test-cluster` (istio): target `rev-2`, both workloads ready, no inputs yet. */
export function anObservation(o: Partial<Observations> = {}): Observations {
  return {
    now: T0,
    cluster: 'test-cluster',
    clusterDefaultProvider: 'istio',
    target: { revision: 'rev-2', trackedConfigs: {} },
    primary: { ready: true },
    canary: { ready: true },
    hooks: {},
    ...o,
  };
}

/** A passing metric result. */
export function pass(name: string, value = 1): CheckResult {
  return { name, kind: 'metric', verdict: 'pass', value, explanation: `${name} ${value} ok` };
}

/** A failing metric result. */
export function fail(name: string, value = 0): CheckResult {
  return { name, kind: 'metric', verdict: 'fail', value, explanation: `${name} ${value} out of bounds` };
}

/** A no-data metric result. */
export function noData(name: string): CheckResult {
  return { name, kind: 'metric', verdict: 'noData', explanation: `${name}: no values found` };
}

/** Both default metrics passing. */
export const passing: CheckResult[] = [pass('request-success-rate', 100), pass('request-duration', 100)];

/** A hook outcome. */
export function ok(name: string): HookOutcome {
  return { name, ok: true, status: 200, explanation: `${name}: 200 OK` };
}
export function refused(name: string): HookOutcome {
  return { name, ok: false, status: 403, explanation: `${name}: 403 Forbidden` };
}

/** The decision as a step (fails the test on a need). */
export function asStep(d: Decision): StepDecision {
  if (d.kind !== 'step') throw new Error(`expected a step, got need ${JSON.stringify(d.inputs)}`);
  return d;
}

/** The `setRoutes` actions of a decision as `primary/canary[m]` strings. */
export function routesOf(d: Decision): string[] {
  if (d.kind !== 'step') return [];
  return d.actions.flatMap((a) =>
    a.kind === 'setRoutes' ? [`${a.primary}/${a.canary}${a.mirror ? 'm' : ''}`] : [],
  );
}

/** The action kinds of a decision, without the per-step reconciliation and notifications. */
export function effects(d: Decision): Action['kind'][] {
  if (d.kind !== 'step') return [];
  const noise = new Set<Action['kind']>([
    'bootstrap',
    'pointApexAtPrimary',
    'reconcileRoutes',
    'recordEvent',
  ]);
  return d.actions.map((a) => a.kind).filter((k) => !noise.has(k));
}
