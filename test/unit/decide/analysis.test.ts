/**
 * decide() table: the analysis of Progressing/WaitingPromotion — readiness, checks, rollback,
 * weights, gates, skipAnalysis, operator commands (docs/flagger-compatibility.md#analysis-and-the-state-machine,
 * #webhooks, #metrics).
 */
import { describe, it } from 'vitest';
import {
  aCanary,
  anObservation,
  aStatus,
  fail,
  hook,
  MINUTE,
  noData,
  ok,
  pass,
  passing,
  refused,
  T0,
} from '../../support/builders.js';
import { check, type Row } from './rows.js';

const canary = aCanary();
const at = (canaryWeight: number, o: Parameters<typeof aStatus>[0] = {}) =>
  aStatus({ canaryWeight, primaryWeight: 100 - canaryWeight, ...o });
const notReady = (message: string, retriable = true) => ({ ready: false as const, retriable, message });

const readiness: Row[] = [
  {
    name: 'primary not ready ⇒ halt, re-run soon, wait starts now',
    canary,
    status: at(20),
    obs: anObservation({
      primary: notReady('waiting for rollout to finish: 1 old replicas are pending termination'),
    }),
    want: {
      reason: 'WaitingForPrimary',
      phase: 'Progressing',
      routes: [],
      nextRunIn: 10_000,
      status: { waitingSince: T0, waitingFor: 'primary', canaryWeight: 20 },
    },
  },
  {
    name: 'primary not ready past the deadline measured from waitingSince ⇒ rollback',
    canary: aCanary({ progressDeadlineSeconds: 120 }),
    status: at(20, { waitingSince: T0 - 3 * MINUTE, waitingFor: 'primary' }),
    obs: anObservation({ primary: notReady('0 of 2 available') }),
    want: { reason: 'ProgressDeadlineExceeded', phase: 'Failed', routes: ['100/0'] },
  },
  {
    name: 'primary non-retriable during the analysis ⇒ rollback',
    canary,
    status: at(20),
    obs: anObservation({
      primary: notReady('deployment "podinfo-primary" exceeded its progress deadline', false),
    }),
    want: { reason: 'ProgressDeadlineExceeded', phase: 'Failed' },
  },
  {
    name: 'canary not ready (retriable) ⇒ halt without failed check',
    canary,
    status: at(10),
    obs: anObservation({ canary: notReady('0 of 1 updated replicas are available') }),
    want: {
      reason: 'WaitingForCanary',
      phase: 'Progressing',
      routes: [],
      status: { failedChecks: 0, waitingFor: 'canary' },
      kubeEvent: 'Halt advancement podinfo.test',
    },
  },
  {
    name: 'canary still not ready, deadline not reached ⇒ waitingSince kept',
    canary,
    status: at(10, { waitingSince: T0 - 5 * MINUTE, waitingFor: 'canary' }),
    obs: anObservation({ canary: notReady('crash loop') }),
    want: { reason: 'WaitingForCanary', status: { waitingSince: T0 - 5 * MINUTE } },
  },
  {
    name: 'canary not ready for longer than progressDeadlineSeconds ⇒ rollback',
    canary,
    status: at(10, { waitingSince: T0 - 10 * MINUTE, waitingFor: 'canary' }),
    obs: anObservation({ canary: notReady('crash loop') }),
    want: {
      reason: 'ProgressDeadlineExceeded',
      phase: 'Failed',
      routes: ['100/0'],
      events: ['RolledBack', 'PhaseChanged'],
    },
  },
  {
    name: 'canary non-retriable ⇒ rollback at once',
    canary,
    status: at(10),
    obs: anObservation({ canary: notReady('exceeded its progress deadline', false) }),
    want: {
      reason: 'ProgressDeadlineExceeded',
      phase: 'Failed',
      effects: ['setRoutes', 'scaleTargetToZero', 'runHooks'],
    },
  },
  {
    name: 'a wait for the primary does not carry over to the canary',
    canary,
    status: at(10, { waitingSince: T0 - 9 * MINUTE, waitingFor: 'primary' }),
    obs: anObservation({ canary: notReady('starting') }),
    want: { reason: 'WaitingForCanary', status: { waitingSince: T0, waitingFor: 'canary' } },
  },
  {
    name: 'readiness recovered ⇒ the wait is cleared',
    canary,
    status: at(10, { waitingSince: T0 - MINUTE, waitingFor: 'canary' }),
    obs: anObservation({ metrics: passing }),
    want: { reason: 'CanaryWeightIncreased', status: { waitingSince: undefined, waitingFor: undefined } },
  },
];

const checks: Row[] = [
  {
    name: 'first analysis step: no metrics, weight 0 → 10',
    canary,
    status: at(0),
    obs: anObservation(),
    want: {
      reason: 'CanaryWeightIncreased',
      routes: ['90/10'],
      status: { canaryWeight: 10 },
      kubeEvent: 'Starting canary analysis for podinfo.test',
      events: ['WeightChanged'],
    },
  },
  {
    name: 'first step with pre-rollout hooks ⇒ asks for them',
    canary: aCanary({ webhooks: [hook('pre-rollout', 'smoke')] }),
    status: at(0),
    obs: anObservation(),
    want: { need: { kind: 'hooks', type: 'pre-rollout' } },
  },
  {
    name: 'pre-rollout hook fails ⇒ failed check, no traffic',
    canary: aCanary({ webhooks: [hook('pre-rollout', 'smoke')] }),
    status: at(0),
    obs: anObservation({ hooks: { 'pre-rollout': [refused('smoke')] } }),
    want: {
      reason: 'PreRolloutHookFailed',
      routes: [],
      status: { failedChecks: 1, canaryWeight: 0 },
      events: ['CheckFailed'],
    },
  },
  {
    name: 'pre-rollout hook passes ⇒ first weight step in the same step',
    canary: aCanary({ webhooks: [hook('pre-rollout', 'smoke')] }),
    status: at(0),
    obs: anObservation({ hooks: { 'pre-rollout': [ok('smoke')] } }),
    want: { reason: 'CanaryWeightIncreased', routes: ['90/10'], kubeEvent: 'Pre-rollout check smoke passed' },
  },
  {
    name: 'later step with rollout hooks ⇒ asks for them before metrics',
    canary: aCanary({ webhooks: [hook('rollout', 'load')] }),
    status: at(10),
    obs: anObservation(),
    want: { need: { kind: 'hooks', type: 'rollout' } },
  },
  {
    name: 'rollout hook fails ⇒ failed check, metrics not even asked',
    canary: aCanary({ webhooks: [hook('rollout', 'load')] }),
    status: at(10),
    obs: anObservation({ hooks: { rollout: [refused('load')] } }),
    want: { reason: 'CheckFailed', routes: [], status: { failedChecks: 1, canaryWeight: 10 } },
  },
  {
    name: 'rollout hook without an outcome counts as failed (not called)',
    canary: aCanary({ webhooks: [hook('rollout', 'a'), hook('rollout', 'b')] }),
    status: at(10),
    obs: anObservation({ hooks: { rollout: [ok('a')] } }),
    want: { reason: 'CheckFailed', status: { failedChecks: 1 } },
  },
  {
    name: 'rollout hooks pass ⇒ asks for metrics',
    canary: aCanary({ webhooks: [hook('rollout', 'load')] }),
    status: at(10),
    obs: anObservation({ hooks: { rollout: [ok('load')] } }),
    want: { need: { kind: 'metrics' } },
  },
  {
    name: 'every check passes ⇒ weight 10 → 20',
    canary,
    status: at(10),
    obs: anObservation({ metrics: passing }),
    want: {
      reason: 'CanaryWeightIncreased',
      routes: ['80/20'],
      status: { canaryWeight: 20, primaryWeight: 80, failedChecks: 0 },
    },
  },
  {
    name: 'metric below its minimum ⇒ failed check, weight held (not reduced)',
    canary,
    status: at(30, { failedChecks: 1 }),
    obs: anObservation({ metrics: [fail('request-success-rate', 91), pass('request-duration')] }),
    want: {
      reason: 'CheckFailed',
      routes: [],
      status: { failedChecks: 2, canaryWeight: 30 },
      kubeEvent: 'Halt podinfo.test advancement request-success-rate 91 out of bounds',
    },
  },
  {
    name: 'no data ⇒ failed check with reason MetricsNoData',
    canary,
    status: at(30),
    obs: anObservation({ metrics: [noData('request-success-rate'), pass('request-duration')] }),
    want: { reason: 'MetricsNoData', routes: [], status: { failedChecks: 1 }, events: ['CheckFailed'] },
  },
  {
    name: 'query error ⇒ failed check',
    canary,
    status: at(30),
    obs: anObservation({
      metrics: [
        pass('request-success-rate'),
        {
          name: 'request-duration',
          kind: 'metric',
          verdict: 'error',
          explanation: 'request-duration: metrics query failed: timeout',
        },
      ],
    }),
    want: { reason: 'CheckFailed', status: { failedChecks: 1 } },
  },
  {
    name: 'a configured metric missing from the results counts as no data',
    canary,
    status: at(30),
    obs: anObservation({ metrics: [pass('request-success-rate')] }),
    want: { reason: 'MetricsNoData', status: { failedChecks: 1 } },
  },
  {
    name: 'the first failing metric in spec order is reported',
    canary,
    status: at(30),
    obs: anObservation({ metrics: [fail('request-duration', 900), noData('request-success-rate')] }),
    want: { reason: 'MetricsNoData' },
  },
  {
    name: 'failed checks reach the threshold ⇒ rollback in the same step',
    canary,
    status: at(30, { failedChecks: 4 }),
    obs: anObservation({ metrics: [fail('request-success-rate', 50), pass('request-duration')] }),
    want: {
      reason: 'RollbackThresholdReached',
      phase: 'Failed',
      routes: ['100/0'],
      effects: ['setRoutes', 'scaleTargetToZero', 'runHooks'],
      status: { failedChecks: 5, canaryWeight: 0, lastAppliedSpec: 'rev-2' },
      events: ['RolledBack', 'PhaseChanged'],
      kubeEvent: 'Rolling back podinfo.test failed checks threshold reached 5',
    },
  },
  {
    name: 'rollback with an HPA pauses the target scaler before scaling to zero',
    canary: aCanary({ autoscalerRef: { kind: 'HorizontalPodAutoscaler', name: 'podinfo' } }),
    status: at(30, { failedChecks: 4 }),
    obs: anObservation({ metrics: [noData('request-success-rate')] }),
    want: {
      reason: 'RollbackThresholdReached',
      effects: ['setRoutes', 'scaleTargetToZero', 'runHooks'],
    },
  },
  {
    name: 'status already at the threshold (threshold lowered) ⇒ rollback before any check',
    canary: aCanary({ threshold: 2 }),
    status: at(30, { failedChecks: 3 }),
    obs: anObservation(),
    want: { reason: 'RollbackThresholdReached', phase: 'Failed' },
  },
  {
    name: 'no metrics configured ⇒ advances without asking',
    canary: aCanary({ metrics: [] }),
    status: at(10),
    obs: anObservation(),
    want: { reason: 'CanaryWeightIncreased', routes: ['80/20'] },
  },
];

const rollbackGates: Row[] = [
  {
    name: 'rollback hooks are asked every analysis step',
    canary: aCanary({ webhooks: [hook('rollback')] }),
    status: at(20),
    obs: anObservation(),
    want: { need: { kind: 'hooks', type: 'rollback' } },
  },
  {
    name: 'rollback hook answers OK ⇒ rollback',
    canary: aCanary({ webhooks: [hook('rollback')] }),
    status: at(20),
    obs: anObservation({ hooks: { rollback: [ok('rollback')] } }),
    want: {
      reason: 'RollbackHookTriggered',
      phase: 'Failed',
      routes: ['100/0'],
      kubeEvent: 'Rolling back podinfo.test manual webhook invoked',
    },
  },
  {
    name: 'rollback hook answers non-2xx ⇒ analysis goes on',
    canary: aCanary({ webhooks: [hook('rollback')] }),
    status: at(20),
    obs: anObservation({ hooks: { rollback: [refused('rollback')] }, metrics: passing }),
    want: { reason: 'CanaryWeightIncreased', routes: ['70/30'] },
  },
  {
    name: 'rollback hook is honoured even while the canary is not ready',
    canary: aCanary({ webhooks: [hook('rollback')] }),
    status: at(20),
    obs: anObservation({ hooks: { rollback: [ok('rollback')] }, canary: notReady('crash loop') }),
    want: { reason: 'RollbackHookTriggered', phase: 'Failed' },
  },
  {
    name: 'rollback hook in WaitingPromotion ⇒ rollback',
    canary: aCanary({ webhooks: [hook('rollback'), hook('confirm-promotion')] }),
    status: at(50, { phase: 'WaitingPromotion' }),
    obs: anObservation({ hooks: { rollback: [ok('rollback')] } }),
    want: { reason: 'RollbackHookTriggered', phase: 'Failed' },
  },
  {
    name: 'operator abort ⇒ Failed, routes back to primary, target scaled down',
    canary,
    status: at(40),
    obs: anObservation({ operator: { kind: 'abort', by: 'carol', message: 'bad release' } }),
    want: {
      reason: 'Aborted',
      phase: 'Failed',
      routes: ['100/0'],
      effects: ['setRoutes', 'scaleTargetToZero', 'runHooks'],
      kubeEvent: 'aborted by carol: bad release',
    },
  },
  {
    name: 'abort is ignored during Promoting (the primary already runs the new version)',
    canary,
    status: at(50, { phase: 'Promoting' }),
    obs: anObservation({ operator: { kind: 'abort' } }),
    want: { reason: 'Finalising', phase: 'Finalising', kubeEvent: 'Operator command "abort" ignored' },
  },
];

const gates: Row[] = [
  {
    name: 'confirm-traffic-increase ⇒ asked before a weight increase',
    canary: aCanary({ webhooks: [hook('confirm-traffic-increase', 'ti')] }),
    status: at(10),
    obs: anObservation({ metrics: passing }),
    want: { need: { kind: 'hooks', type: 'confirm-traffic-increase' } },
  },
  {
    name: 'confirm-traffic-increase closed ⇒ stay at the current weight, alert once, no failed check',
    canary: aCanary({ webhooks: [hook('confirm-traffic-increase', 'ti')] }),
    status: at(10),
    obs: anObservation({ metrics: passing, hooks: { 'confirm-traffic-increase': [refused('ti')] } }),
    want: {
      reason: 'TrafficIncreaseNotApproved',
      phase: 'Progressing',
      routes: [],
      status: { canaryWeight: 10, failedChecks: 0, notified: { 'confirm-traffic-increase': true } },
      events: ['WaitingApproval'],
    },
  },
  {
    name: 'confirm-traffic-increase opens ⇒ weight increases and the alert flag clears',
    canary: aCanary({ webhooks: [hook('confirm-traffic-increase', 'ti')] }),
    status: at(10, { notified: { 'confirm-traffic-increase': true } }),
    obs: anObservation({ metrics: passing, hooks: { 'confirm-traffic-increase': [ok('ti')] } }),
    want: { reason: 'CanaryWeightIncreased', routes: ['80/20'], status: { notified: {} } },
  },
  {
    name: 'confirm-traffic-increase is not asked when checks fail',
    canary: aCanary({ webhooks: [hook('confirm-traffic-increase', 'ti')] }),
    status: at(10),
    obs: anObservation({ metrics: [fail('request-success-rate')] }),
    want: { reason: 'CheckFailed' },
  },
  {
    name: 'at maxWeight ⇒ promote (checks passed at maxWeight first)',
    canary,
    status: at(50),
    obs: anObservation({ metrics: passing }),
    want: {
      reason: 'PromotionStarted',
      phase: 'Promoting',
      effects: ['promote'],
      routes: [],
      events: ['PromotionStarted', 'PhaseChanged'],
    },
  },
  {
    name: 'at maxWeight with confirm-promotion ⇒ asks for it',
    canary: aCanary({ webhooks: [hook('confirm-promotion', 'cp')] }),
    status: at(50),
    obs: anObservation({ metrics: passing }),
    want: { need: { kind: 'hooks', type: 'confirm-promotion' } },
  },
  {
    name: 'confirm-promotion closed ⇒ WaitingPromotion, weight kept, alert once',
    canary: aCanary({ webhooks: [hook('confirm-promotion', 'cp')] }),
    status: at(50),
    obs: anObservation({ metrics: passing, hooks: { 'confirm-promotion': [refused('cp')] } }),
    want: {
      reason: 'WaitingPromotion',
      phase: 'WaitingPromotion',
      effects: [],
      status: { canaryWeight: 50 },
      events: ['WaitingApproval', 'PhaseChanged'],
    },
  },
  {
    name: 'WaitingPromotion: the analysis keeps running and can fail',
    canary: aCanary({ webhooks: [hook('confirm-promotion', 'cp')] }),
    status: at(50, { phase: 'WaitingPromotion', failedChecks: 4 }),
    obs: anObservation({ metrics: [fail('request-success-rate')] }),
    want: { reason: 'RollbackThresholdReached', phase: 'Failed' },
  },
  {
    name: 'WaitingPromotion: gate opens ⇒ Promoting',
    canary: aCanary({ webhooks: [hook('confirm-promotion', 'cp')] }),
    status: at(50, { phase: 'WaitingPromotion', notified: { 'confirm-promotion': true } }),
    obs: anObservation({ metrics: passing, hooks: { 'confirm-promotion': [ok('cp')] } }),
    want: { reason: 'PromotionStarted', phase: 'Promoting', effects: ['promote'], status: { notified: {} } },
  },
  {
    name: 'WaitingPromotion: operator approval opens the gate',
    canary: aCanary({ webhooks: [hook('confirm-promotion', 'cp')] }),
    status: at(50, { phase: 'WaitingPromotion' }),
    obs: anObservation({ metrics: passing, operator: { kind: 'approve' } }),
    want: { reason: 'PromotionStarted', phase: 'Promoting' },
  },
  {
    name: 'an approval for another gate does not open confirm-promotion',
    canary: aCanary({ webhooks: [hook('confirm-promotion', 'cp')] }),
    status: at(50, { phase: 'WaitingPromotion', notified: { 'confirm-promotion': true } }),
    obs: anObservation({
      metrics: passing,
      operator: { kind: 'approve', gate: 'confirm-rollout' },
      hooks: { 'confirm-promotion': [refused('cp')] },
    }),
    want: { reason: 'WaitingPromotion', events: [], kubeEvent: 'Operator command "approve" ignored' },
  },
  {
    name: 'promote-now ⇒ Promoting without further checks',
    canary,
    status: at(20, { failedChecks: 2 }),
    obs: anObservation({ operator: { kind: 'promote', by: 'dave' } }),
    want: { reason: 'PromotedByOperator', phase: 'Promoting', effects: ['promote'] },
  },
  {
    name: 'skipAnalysis ⇒ routes to primary, promote, scale down, Succeeded in one step',
    canary: aCanary({ skipAnalysis: true }),
    status: at(0),
    obs: anObservation(),
    want: {
      reason: 'AnalysisSkipped',
      phase: 'Succeeded',
      effects: ['setRoutes', 'promote', 'scaleTargetToZero', 'runHooks'],
      status: { lastPromotedSpec: 'rev-2' },
      events: ['Promoted', 'PhaseChanged'],
    },
  },
  {
    name: 'skipAnalysis set mid-analysis cancels the analysis and promotes',
    canary: aCanary({ skipAnalysis: true }),
    status: at(30),
    obs: anObservation(),
    want: { reason: 'AnalysisSkipped', phase: 'Succeeded', routes: ['100/0'] },
  },
  {
    name: 'skipAnalysis does not check the primary',
    canary: aCanary({ skipAnalysis: true }),
    status: at(0),
    obs: anObservation({ primary: notReady('rolling') }),
    want: { reason: 'AnalysisSkipped' },
  },
  {
    name: 'skipAnalysis still waits for a canary that is not ready',
    canary: aCanary({ skipAnalysis: true }),
    status: at(0),
    obs: anObservation({ canary: notReady('starting') }),
    want: { reason: 'WaitingForCanary', phase: 'Progressing' },
  },
  {
    name: 'skipAnalysis with a non-retriable canary ⇒ rollback instead',
    canary: aCanary({ skipAnalysis: true }),
    status: at(0),
    obs: anObservation({ canary: notReady('deadline exceeded', false) }),
    want: { reason: 'ProgressDeadlineExceeded', phase: 'Failed' },
  },
  {
    name: 'no analysis block (v1beta1) means skip analysis',
    canary: aCanary({ analysis: null }),
    status: at(0),
    obs: anObservation(),
    want: { reason: 'AnalysisSkipped', phase: 'Succeeded' },
  },
  {
    name: 'revision changed mid-analysis ⇒ restart: routes 100/0, counters reset, new snapshot',
    canary,
    status: at(30, { failedChecks: 2 }),
    obs: anObservation({ target: { revision: 'rev-3', trackedConfigs: {} } }),
    want: {
      reason: 'RevisionChangedRestarting',
      phase: 'Progressing',
      routes: ['100/0'],
      status: { canaryWeight: 0, failedChecks: 0, iterations: 0, lastAppliedSpec: 'rev-3' },
      kubeEvent: 'Restarting analysis for podinfo.test',
    },
  },
  {
    name: 'config changed mid-analysis ⇒ restart',
    canary,
    status: at(30, { trackedConfigs: { 'configmap/app': 'a' } }),
    obs: anObservation({ target: { revision: 'rev-2', trackedConfigs: { 'configmap/app': 'b' } } }),
    want: { reason: 'RevisionChangedRestarting', routes: ['100/0'] },
  },
  {
    name: 'revision changed while WaitingPromotion ⇒ restart in Progressing',
    canary: aCanary({ webhooks: [hook('confirm-promotion', 'cp')] }),
    status: at(50, { phase: 'WaitingPromotion' }),
    obs: anObservation({ target: { revision: 'rev-3', trackedConfigs: {} } }),
    want: { reason: 'RevisionChangedRestarting', phase: 'Progressing' },
  },
  {
    name: 'live routes are the source of truth for the weight',
    canary,
    status: at(10),
    obs: anObservation({ routes: { primary: 60, canary: 40, mirrored: false }, metrics: passing }),
    want: { reason: 'CanaryWeightIncreased', routes: ['50/50'], status: { canaryWeight: 50 } },
  },
];

describe('decide: analysis', () => {
  it.each(readiness)('readiness: $name', check);
  it.each(checks)('checks: $name', check);
  it.each(rollbackGates)('rollback: $name', check);
  it.each(gates)('gates and promotion: $name', check);
});
