/**
 * decide() table: strategies and promotion phases — stepWeights, mirroring, A/B, blue/green,
 * kubernetes provider, Promoting/Finalising, stepWeightPromotion (docs/flagger-compatibility.md#strategies,
 * #weights-and-iterations, #promotion).
 */
import { describe, it } from 'vitest';
import {
  aCanary,
  anObservation,
  aStatus,
  hook,
  MINUTE,
  passing,
  refused,
  T0,
} from '../../support/builders.js';
import { check, type Row } from './rows.js';

const match = [{ headers: { 'x-canary': { exact: 'insider' } } }];
const ab = aCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 10, match });
const bg = aCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 3 });
const k8s = aCanary({ provider: 'kubernetes', stepWeight: undefined, iterations: 3 });
const at = (canaryWeight: number, o: Parameters<typeof aStatus>[0] = {}) =>
  aStatus({ canaryWeight, primaryWeight: 100 - canaryWeight, ...o });
const checked = anObservation({ metrics: passing });

const weights: Row[] = [
  {
    name: 'stepWeights: 0 → first listed weight',
    canary: aCanary({ stepWeights: [5, 10, 25, 50] }),
    status: at(0),
    obs: anObservation(),
    want: { routes: ['95/5'] },
  },
  {
    name: 'stepWeights: 10 → 25',
    canary: aCanary({ stepWeights: [5, 10, 25, 50] }),
    status: at(10),
    obs: checked,
    want: { routes: ['75/25'] },
  },
  {
    name: 'stepWeights: last weight is the maximum ⇒ promote',
    canary: aCanary({ stepWeights: [5, 10, 25, 50] }),
    status: at(50),
    obs: checked,
    want: { reason: 'PromotionStarted' },
  },
  {
    name: 'stepWeight 20 / maxWeight 50: 40 → 50 (clamped)',
    canary: aCanary({ stepWeight: 20 }),
    status: at(40),
    obs: checked,
    want: { routes: ['50/50'], status: { canaryWeight: 50 } },
  },
  {
    name: 'maxWeight absent ⇒ 100',
    canary: aCanary({ maxWeight: undefined, stepWeight: 30 }),
    status: at(90),
    obs: checked,
    want: { routes: ['0/100'] },
  },
];

const mirroring: Row[] = [
  {
    name: 'mirror: first step turns mirroring on, weights stay 100/0',
    canary: aCanary({ mirror: true }),
    status: at(0),
    obs: anObservation(),
    want: { reason: 'MirroringStarted', routes: ['100/0m'], status: { mirrored: true, canaryWeight: 0 } },
  },
  {
    name: 'mirror: while mirrored the checks run (shadow traffic reaches the canary)',
    canary: aCanary({ mirror: true }),
    status: at(0, { mirrored: true }),
    obs: anObservation(),
    want: { need: { kind: 'metrics' } },
  },
  {
    name: 'mirror: next step turns mirroring off and shifts the first step',
    canary: aCanary({ mirror: true }),
    status: at(0, { mirrored: true }),
    obs: checked,
    want: {
      reason: 'CanaryWeightIncreased',
      routes: ['90/10'],
      status: { mirrored: false, canaryWeight: 10 },
    },
  },
  {
    name: 'mirror: mirrorWeight is passed to the router',
    canary: aCanary({ mirror: true, mirrorWeight: 30 }),
    status: at(0),
    obs: anObservation(),
    want: { reason: 'MirroringStarted', routes: ['100/0m'] },
  },
];

const abTesting: Row[] = [
  {
    name: 'A/B: first step routes matched traffic to the canary, iteration 1/10',
    canary: ab,
    status: at(0),
    obs: anObservation(),
    want: {
      reason: 'IterationAdvanced',
      routes: ['0/100'],
      status: { iterations: 1 },
      kubeEvent: 'Advance podinfo.test canary iteration 1/10',
    },
  },
  {
    name: 'A/B: later iterations need the checks',
    canary: ab,
    status: at(0, { iterations: 4 }),
    obs: anObservation(),
    want: { need: { kind: 'metrics' } },
  },
  {
    name: 'A/B: iteration 5 → 6',
    canary: ab,
    status: at(0, { iterations: 5 }),
    obs: checked,
    want: { reason: 'IterationAdvanced', status: { iterations: 6 } },
  },
  {
    name: 'A/B: after 10 iterations ⇒ promote',
    canary: ab,
    status: at(0, { iterations: 10 }),
    obs: checked,
    want: { reason: 'PromotionStarted', phase: 'Promoting', effects: ['promote'] },
  },
  {
    name: 'A/B: confirm-promotion closed ⇒ WaitingPromotion with the iteration count kept',
    canary: aCanary({
      stepWeight: undefined,
      iterations: 10,
      match,
      webhooks: [hook('confirm-promotion', 'cp')],
    }),
    status: at(0, { iterations: 10 }),
    obs: anObservation({ metrics: passing, hooks: { 'confirm-promotion': [refused('cp')] } }),
    want: { reason: 'WaitingPromotion', phase: 'WaitingPromotion', status: { iterations: 10 } },
  },
  {
    name: 'A/B: a failed check holds the iteration',
    canary: ab,
    status: at(0, { iterations: 3 }),
    obs: anObservation({ metrics: [] }),
    want: { reason: 'MetricsNoData', status: { iterations: 3, failedChecks: 1 } },
  },
];

const blueGreen: Row[] = [
  {
    name: 'blue/green: iterations without match keep all traffic on primary',
    canary: bg,
    status: at(0),
    obs: anObservation(),
    want: { reason: 'IterationAdvanced', routes: [], status: { iterations: 1 } },
  },
  {
    name: 'blue/green: iteration 2 → 3 after checks',
    canary: bg,
    status: at(0, { iterations: 2 }),
    obs: checked,
    want: { reason: 'IterationAdvanced', routes: [], status: { iterations: 3 } },
  },
  {
    name: 'blue/green: after the last iteration all traffic to the canary',
    canary: bg,
    status: at(0, { iterations: 3 }),
    obs: checked,
    want: {
      reason: 'TrafficRoutedToCanary',
      routes: ['0/100'],
      status: { iterations: 4, canaryWeight: 100 },
      kubeEvent: 'Routing all traffic to canary',
    },
  },
  {
    name: 'blue/green: checks pass with all traffic on the canary ⇒ promote',
    canary: bg,
    status: at(100, { iterations: 4 }),
    obs: checked,
    want: { reason: 'PromotionStarted', phase: 'Promoting', effects: ['promote'] },
  },
  {
    name: 'blue/green with mirror: iterations mirror traffic to the canary',
    canary: aCanary({ stepWeight: undefined, iterations: 3, mirror: true }),
    status: at(0),
    obs: anObservation(),
    want: { reason: 'IterationAdvanced', routes: ['100/0m'], status: { mirrored: true, iterations: 1 } },
  },
  {
    name: 'blue/green: confirm-promotion gates the switch to the canary',
    canary: aCanary({ stepWeight: undefined, iterations: 3, webhooks: [hook('confirm-promotion', 'cp')] }),
    status: at(0, { iterations: 3 }),
    obs: anObservation({ metrics: passing, hooks: { 'confirm-promotion': [refused('cp')] } }),
    want: { reason: 'WaitingPromotion', phase: 'WaitingPromotion', routes: [] },
  },
  {
    name: 'kubernetes provider ⇒ blue/green without routing',
    canary: k8s,
    status: at(0),
    obs: anObservation(),
    want: { reason: 'IterationAdvanced', routes: [], excludes: ['reconcileRoutes', 'setRoutes'] },
  },
  {
    name: 'kubernetes provider: after the iterations promote directly',
    canary: k8s,
    status: at(0, { iterations: 3 }),
    obs: checked,
    want: { reason: 'PromotionStarted', phase: 'Promoting', routes: [] },
  },
  {
    name: 'kubernetes provider: Promoting goes straight to Finalising',
    canary: k8s,
    status: at(0, { phase: 'Promoting', iterations: 3 }),
    obs: anObservation(),
    want: { reason: 'Finalising', phase: 'Finalising', routes: [] },
  },
  {
    name: 'kubernetes provider: the apex selector is the route; while it sends traffic to the canary only setRoutes moves it',
    canary: k8s,
    status: at(0, { phase: 'Progressing', iterations: 1 }),
    obs: { ...checked, routes: { primary: 0, canary: 100, mirrored: false } },
    want: { excludes: ['pointApexAtPrimary'] },
  },
  {
    name: 'kubernetes provider: with the apex on the primary, each step re-asserts it',
    canary: k8s,
    status: at(0, { iterations: 1 }),
    obs: { ...checked, routes: { primary: 100, canary: 0, mirrored: false } },
    want: { includes: ['pointApexAtPrimary'] },
  },
  {
    name: 'cluster default provider kubernetes applies when the canary names none',
    canary: aCanary({ stepWeight: undefined, iterations: 2 }),
    status: at(0),
    obs: anObservation({ clusterDefaultProvider: 'kubernetes' }),
    want: { reason: 'IterationAdvanced', routes: [] },
  },
];

const promotion: Row[] = [
  {
    name: 'Promoting, primary still rolling out ⇒ wait, traffic unchanged',
    canary: aCanary(),
    status: at(50, { phase: 'Promoting' }),
    obs: anObservation({
      primary: { ready: false, retriable: true, message: '1 of 2 updated replicas are available' },
    }),
    want: { reason: 'WaitingForPrimary', phase: 'Promoting', routes: [], nextRunIn: 10_000 },
  },
  {
    name: 'Promoting, primary ready ⇒ all traffic to primary, Finalising',
    canary: aCanary(),
    status: at(50, { phase: 'Promoting' }),
    obs: anObservation(),
    want: {
      reason: 'Finalising',
      phase: 'Finalising',
      routes: ['100/0'],
      excludes: ['scaleTargetToZero'],
      kubeEvent: 'Routing all traffic to primary',
    },
  },
  {
    name: 'Promoting does not wait for the canary',
    canary: aCanary(),
    status: at(50, { phase: 'Promoting' }),
    obs: anObservation({ canary: { ready: false, retriable: true, message: 'evicted' } }),
    want: { reason: 'Finalising' },
  },
  {
    name: 'stepWeightPromotion: primary weight 50 → 70',
    canary: aCanary({ stepWeightPromotion: 20 }),
    status: at(50, { phase: 'Promoting' }),
    obs: anObservation(),
    want: {
      reason: 'PrimaryWeightIncreased',
      phase: 'Promoting',
      routes: ['70/30'],
      status: { primaryWeight: 70, canaryWeight: 30 },
    },
  },
  {
    name: 'stepWeightPromotion: last step reaches 100 (clamped) ⇒ Finalising',
    canary: aCanary({ stepWeightPromotion: 20 }),
    status: at(10, { phase: 'Promoting' }),
    obs: anObservation({ routes: { primary: 90, canary: 10, mirrored: false } }),
    want: { reason: 'Finalising', phase: 'Finalising', routes: ['100/0'] },
  },
  {
    name: 'Finalising ⇒ routes stay on primary, target scaled down, post-rollout hooks, Succeeded',
    canary: aCanary(),
    status: at(0, { phase: 'Finalising' }),
    obs: anObservation(),
    want: {
      reason: 'Promoted',
      phase: 'Succeeded',
      effects: ['setRoutes', 'scaleTargetToZero', 'runHooks'],
      status: { lastPromotedSpec: 'rev-2', canaryWeight: 0, iterations: 0 },
      events: ['Promoted', 'PhaseChanged'],
      kubeEvent: 'Promotion completed! Scaling down podinfo.test',
    },
  },
  {
    name: 'Promoting, primary non-retriable ⇒ keep the canary: 0/100, Failed (#1931)',
    canary: aCanary(),
    status: at(50, { phase: 'Promoting' }),
    obs: anObservation({ primary: { ready: false, retriable: false, message: 'ProgressDeadlineExceeded' } }),
    want: {
      reason: 'PrimaryNotReadyDuringPromotion',
      phase: 'Failed',
      routes: ['0/100'],
      excludes: ['scaleTargetToZero'],
      status: { canaryWeight: 100 },
      events: ['PromotionFailed', 'PhaseChanged'],
    },
  },
  {
    name: 'Finalising, primary past the deadline since waitingSince ⇒ keep the canary',
    canary: aCanary({ progressDeadlineSeconds: 60 }),
    status: at(0, { phase: 'Finalising', waitingSince: T0 - 2 * MINUTE, waitingFor: 'primary' }),
    obs: anObservation({ primary: { ready: false, retriable: true, message: 'pending' } }),
    want: { reason: 'PrimaryNotReadyDuringPromotion', phase: 'Failed' },
  },
  {
    name: 'Finalising with an HPA pauses the target scaler before scaling down',
    canary: aCanary({ autoscalerRef: { kind: 'HorizontalPodAutoscaler', name: 'podinfo' } }),
    status: at(0, { phase: 'Finalising' }),
    obs: anObservation(),
    want: { effects: ['setRoutes', 'scaleTargetToZero', 'runHooks'] },
  },
];

describe('decide: strategies', () => {
  it.each(weights)('weights: $name', check);
  it.each(mirroring)('mirroring: $name', check);
  it.each(abTesting)('A/B: $name', check);
  it.each(blueGreen)('blue/green: $name', check);
  it.each(promotion)('promotion: $name', check);
});
