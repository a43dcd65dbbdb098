/**
 * decide() table: initialization, new-revision detection, confirm-rollout, suspend/pause, operator
 * commands and deletion (docs/flagger-compatibility.md#change-detection, #deletion-and-revertondeletion).
 */
import { describe, it } from 'vitest';
import { initialStatus } from '../../../lib/domain/status.js';
import { aCanary, anObservation, aStatus, hook, MINUTE, ok, refused, T0 } from '../../support/builders.js';
import { check, type Row } from './rows.js';

const steady = aStatus({ phase: 'Succeeded', lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' });
const failed = aStatus({
  phase: 'Failed',
  lastAppliedSpec: 'rev-2',
  lastPromotedSpec: 'rev-1',
  failedChecks: 5,
});
const gated = aCanary({ webhooks: [hook('confirm-rollout', 'gate')] });

const initialization: Row[] = [
  {
    name: 'new canary: creates Services and primary, waits for it (no traffic moved yet)',
    canary: aCanary(),
    status: initialStatus(),
    obs: anObservation({ primary: undefined }),
    want: {
      reason: 'Initializing',
      phase: 'Initializing',
      effects: [],
      includes: ['bootstrap'],
      excludes: ['pointApexAtPrimary', 'scaleTargetToZero'],
      nextRunIn: 10_000,
      status: { waitingSince: T0, waitingFor: 'primary' },
    },
  },
  {
    name: 'initializing: primary not ready yet ⇒ waits, apex still on target',
    canary: aCanary(),
    status: initialStatus(),
    obs: anObservation({
      primary: {
        ready: false,
        retriable: true,
        message: 'waiting for rollout to finish: 0 of 2 updated replicas are available',
      },
    }),
    want: {
      reason: 'WaitingForPrimary',
      phase: 'Initializing',
      excludes: ['pointApexAtPrimary', 'scaleTargetToZero'],
      nextRunIn: 10_000,
    },
  },
  {
    name: 'initializing: primary ready ⇒ apex to primary, routes, then target to zero; Initialized',
    canary: aCanary(),
    status: { ...initialStatus(), waitingSince: T0 - MINUTE, waitingFor: 'primary' },
    obs: anObservation(),
    want: {
      reason: 'Initialized',
      phase: 'Initialized',
      effects: ['scaleTargetToZero'],
      events: ['Initialized', 'PhaseChanged'],
      status: { lastAppliedSpec: 'rev-2', lastPromotedSpec: 'rev-2', trackedConfigs: {}, canaryWeight: 0 },
      kubeEvent: 'Initialization done! podinfo.test',
    },
  },
  {
    name: 'initializing with an HPA: bootstraps (the primary HPA with it) and scales the target down, no pause (an HPA does not act at 0 replicas)',
    canary: aCanary({
      autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' },
    }),
    status: initialStatus(),
    obs: anObservation(),
    want: {
      reason: 'Initialized',
      effects: ['scaleTargetToZero'],
      includes: ['bootstrap'],
    },
  },
  {
    name: 'initializing past the progress deadline: stays Initializing, target keeps serving (no rollback)',
    canary: aCanary({ progressDeadlineSeconds: 60 }),
    status: { ...initialStatus(), waitingSince: T0 - 2 * MINUTE, waitingFor: 'primary' },
    obs: anObservation({ primary: { ready: false, retriable: true, message: 'pods crash-looping' } }),
    want: {
      reason: 'WaitingForPrimary',
      phase: 'Initializing',
      excludes: ['scaleTargetToZero', 'setRoutes'],
    },
  },
  {
    name: 'initializing on the kubernetes provider: no routing objects',
    canary: aCanary({ provider: 'kubernetes', iterations: 5 }),
    status: initialStatus(),
    obs: anObservation(),
    want: { reason: 'Initialized', excludes: ['reconcileRoutes', 'setRoutes'] },
  },
];

const revisions: Row[] = [
  {
    name: 'no new revision ⇒ nothing but reconciliation',
    canary: aCanary(),
    status: steady,
    obs: anObservation({ target: { revision: 'rev-1', trackedConfigs: {} } }),
    want: { reason: 'NoNewRevision', phase: 'Succeeded', effects: [], nextRunIn: MINUTE },
  },
  {
    name: 'new revision ⇒ scale the target up, Progressing, counters reset',
    canary: aCanary(),
    status: { ...steady, failedChecks: 3 },
    obs: anObservation(),
    want: {
      reason: 'NewRevisionDetected',
      phase: 'Progressing',
      effects: ['scaleTargetUp'],
      status: { lastAppliedSpec: 'rev-2', canaryWeight: 0, failedChecks: 0, iterations: 0 },
      events: ['ReleaseStarted', 'PhaseChanged'],
      kubeEvent: 'New revision detected! Scaling up podinfo.test',
    },
  },
  {
    name: 'tracked ConfigMap changed ⇒ new revision',
    canary: aCanary(),
    status: { ...steady, trackedConfigs: { 'configmap/podinfo': 'aaaa' } },
    obs: anObservation({ target: { revision: 'rev-1', trackedConfigs: { 'configmap/podinfo': 'bbbb' } } }),
    want: {
      reason: 'NewRevisionDetected',
      phase: 'Progressing',
      status: { trackedConfigs: { 'configmap/podinfo': 'bbbb' } },
    },
  },
  {
    name: 'a ConfigMap newly referenced ⇒ new revision',
    canary: aCanary(),
    status: steady,
    obs: anObservation({ target: { revision: 'rev-1', trackedConfigs: { 'secret/db': 'cccc' } } }),
    want: { reason: 'NewRevisionDetected' },
  },
  {
    name: 'new revision after Initialized',
    canary: aCanary(),
    status: aStatus({ phase: 'Initialized', lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' }),
    obs: anObservation(),
    want: { reason: 'NewRevisionDetected', phase: 'Progressing' },
  },
  {
    name: 'Failed: the failed revision is not retried by itself',
    canary: aCanary(),
    status: failed,
    obs: anObservation(),
    want: { reason: 'NoNewRevision', phase: 'Failed', effects: [] },
  },
  {
    name: 'Failed: a newer revision starts a new analysis',
    canary: aCanary(),
    status: failed,
    obs: anObservation({ target: { revision: 'rev-3', trackedConfigs: {} } }),
    want: {
      reason: 'NewRevisionDetected',
      phase: 'Progressing',
      status: { lastAppliedSpec: 'rev-3', failedChecks: 0 },
    },
  },
  {
    name: 'Failed: manual rollback to the promoted revision is not a release (lastPromotedSpec)',
    canary: aCanary(),
    status: failed,
    obs: anObservation({ target: { revision: 'rev-1', trackedConfigs: {} } }),
    want: { reason: 'NoNewRevision', phase: 'Failed', effects: [], status: { lastAppliedSpec: 'rev-1' } },
  },
  {
    name: 'Failed: operator retry re-runs the same revision',
    canary: aCanary(),
    status: failed,
    obs: anObservation({ operator: { kind: 'retry', by: 'alice' } }),
    want: {
      reason: 'RetryRequested',
      phase: 'Progressing',
      effects: ['scaleTargetUp'],
      status: { failedChecks: 0, lastAppliedSpec: 'rev-2' },
    },
  },
  {
    name: 'retry is read from status.pendingCommand and consumed',
    canary: aCanary(),
    status: { ...failed, pendingCommand: { kind: 'retry' } },
    obs: anObservation(),
    want: { reason: 'RetryRequested', phase: 'Progressing' },
  },
  {
    name: 'retry outside Failed is ignored with a warning',
    canary: aCanary(),
    status: steady,
    obs: anObservation({ target: { revision: 'rev-1', trackedConfigs: {} }, operator: { kind: 'retry' } }),
    want: { reason: 'NoNewRevision', kubeEvent: 'Operator command "retry" ignored' },
  },
  {
    name: 'with an HPA the target is scaled up (its HPA takes over from there)',
    canary: aCanary({ autoscalerRef: { kind: 'HorizontalPodAutoscaler', name: 'podinfo' } }),
    status: steady,
    obs: anObservation(),
    want: { effects: ['scaleTargetUp'] },
  },
];

const confirmRollout: Row[] = [
  {
    name: 'confirm-rollout configured ⇒ asks for its outcomes',
    canary: gated,
    status: steady,
    obs: anObservation(),
    want: { need: { kind: 'hooks', type: 'confirm-rollout' } },
  },
  {
    name: 'confirm-rollout closed ⇒ Waiting, alert once, no scale-up, no failed check',
    canary: gated,
    status: steady,
    obs: anObservation({ hooks: { 'confirm-rollout': [refused('gate')] } }),
    want: {
      reason: 'WaitingForApproval',
      phase: 'Waiting',
      effects: [],
      events: ['WaitingApproval', 'PhaseChanged'],
      status: { failedChecks: 0, notified: { 'confirm-rollout': true } },
      kubeEvent: 'waiting for approval gate',
    },
  },
  {
    name: 'still closed while Waiting ⇒ no second alert',
    canary: gated,
    status: aStatus({
      phase: 'Waiting',
      lastAppliedSpec: 'rev-1',
      lastPromotedSpec: 'rev-1',
      notified: { 'confirm-rollout': true },
    }),
    obs: anObservation({ hooks: { 'confirm-rollout': [refused('gate')] } }),
    want: { reason: 'WaitingForApproval', phase: 'Waiting', events: [] },
  },
  {
    name: 'Waiting, gate opens ⇒ Progressing and scale-up',
    canary: gated,
    status: aStatus({
      phase: 'Waiting',
      lastAppliedSpec: 'rev-1',
      lastPromotedSpec: 'rev-1',
      notified: { 'confirm-rollout': true },
    }),
    obs: anObservation({ hooks: { 'confirm-rollout': [ok('gate')] } }),
    want: {
      reason: 'NewRevisionDetected',
      phase: 'Progressing',
      effects: ['scaleTargetUp'],
      status: { notified: {} },
    },
  },
  {
    name: 'Waiting, operator approval opens the gate without calling the hook',
    canary: gated,
    status: aStatus({ phase: 'Waiting', lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' }),
    obs: anObservation({ operator: { kind: 'approve', gate: 'confirm-rollout' } }),
    want: { reason: 'NewRevisionDetected', phase: 'Progressing' },
  },
  {
    name: 'Waiting, a rollback hook answering OK rejects the revision (Failed, not re-detected)',
    canary: aCanary({ webhooks: [hook('confirm-rollout', 'gate'), hook('rollback')] }),
    status: aStatus({ phase: 'Waiting', lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' }),
    obs: anObservation({ hooks: { rollback: [ok('rollback')] } }),
    want: { reason: 'RollbackHookTriggered', phase: 'Failed', status: { lastAppliedSpec: 'rev-2' } },
  },
  {
    name: 'Waiting, operator abort ⇒ Failed with the revision marked as applied',
    canary: gated,
    status: aStatus({ phase: 'Waiting', lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' }),
    obs: anObservation({ operator: { kind: 'abort', by: 'bob' } }),
    want: {
      reason: 'Aborted',
      phase: 'Failed',
      status: { lastAppliedSpec: 'rev-2' },
      events: ['RolledBack', 'PhaseChanged'],
    },
  },
];

const control: Row[] = [
  {
    name: 'spec.suspend ⇒ no step at all, pending command kept',
    canary: aCanary({ suspend: true }),
    status: aStatus({ canaryWeight: 20, pendingCommand: { kind: 'promote' } }),
    obs: anObservation(),
    want: {
      reason: 'Suspended',
      phase: 'Progressing',
      effects: [],
      excludes: ['reconcileRoutes'],
      status: { canaryWeight: 20, pendingCommand: { kind: 'promote' } },
    },
  },
  {
    name: 'pause command ⇒ paused, no step',
    canary: aCanary(),
    status: aStatus({ canaryWeight: 20 }),
    obs: anObservation({ operator: { kind: 'pause' } }),
    want: {
      reason: 'Paused',
      status: { paused: true, canaryWeight: 20 },
      effects: [],
      excludes: ['setRoutes'],
    },
  },
  {
    name: 'paused ⇒ still no step',
    canary: aCanary(),
    status: aStatus({ paused: true }),
    obs: anObservation({ metrics: [] }),
    want: { reason: 'Paused', effects: [] },
  },
  {
    name: 'resume ⇒ the step runs in the same call',
    canary: aCanary({ metrics: [] }),
    status: aStatus({ paused: true, canaryWeight: 10 }),
    obs: anObservation({ operator: { kind: 'resume' } }),
    want: { reason: 'CanaryWeightIncreased', routes: ['80/20'], status: { paused: false } },
  },
  {
    name: 'abort while paused is honoured',
    canary: aCanary(),
    status: aStatus({ paused: true, canaryWeight: 30 }),
    obs: anObservation({ operator: { kind: 'abort' } }),
    want: { reason: 'Aborted', phase: 'Failed', routes: ['100/0'], status: { paused: false } },
  },
  {
    name: 'target missing ⇒ warning, no change',
    canary: aCanary(),
    status: aStatus({ canaryWeight: 20 }),
    obs: anObservation({ target: undefined }),
    want: {
      reason: 'TargetNotFound',
      phase: 'Progressing',
      effects: [],
      kubeEvent: 'Deployment podinfo.test not found, retrying',
    },
  },
  {
    name: 'delete without revertOnDeletion ⇒ Terminated, nothing reverted, never scheduled',
    canary: aCanary(),
    status: steady,
    obs: anObservation({ operator: { kind: 'delete' } }),
    want: { reason: 'Terminated', phase: 'Terminated', effects: [], nextRunIn: null },
  },
  {
    name: 'delete without revertOnDeletion mid-release ⇒ all traffic back to the primary, Terminated',
    canary: aCanary(),
    status: aStatus({ phase: 'Progressing', canaryWeight: 30 }),
    obs: anObservation({
      operator: { kind: 'delete' },
      routes: { primary: 70, canary: 30, mirrored: false },
    }),
    want: {
      reason: 'Terminated',
      phase: 'Terminated',
      routes: ['100/0'],
      effects: ['setRoutes'],
      status: { canaryWeight: 0 },
      nextRunIn: null,
    },
  },
  {
    name: 'delete with revertOnDeletion ⇒ Terminating: scale the target up first',
    canary: aCanary({ revertOnDeletion: true }),
    status: steady,
    obs: anObservation({ operator: { kind: 'delete' } }),
    want: {
      reason: 'Terminating',
      phase: 'Terminating',
      effects: ['scaleTargetUp'],
      excludes: ['pointApexAtTarget'],
      nextRunIn: 10_000,
    },
  },
  {
    name: 'Terminating, target ready ⇒ apex back to the target, routes restored, Terminated',
    canary: aCanary({ revertOnDeletion: true }),
    status: aStatus({ phase: 'Terminating', waitingSince: T0, waitingFor: 'canary' }),
    obs: anObservation(),
    want: {
      reason: 'Terminated',
      phase: 'Terminated',
      effects: ['pointApexAtTarget', 'finalizeRoutes'],
      nextRunIn: null,
    },
  },
  {
    name: 'Terminating, target not ready ⇒ keep waiting (never switch to an unready target)',
    canary: aCanary({ revertOnDeletion: true }),
    status: aStatus({ phase: 'Terminating', waitingSince: T0 - 20 * MINUTE, waitingFor: 'canary' }),
    obs: anObservation({ canary: { ready: false, retriable: true, message: '0 of 2 available' } }),
    want: { reason: 'WaitingForCanary', phase: 'Terminating', effects: [] },
  },
];

describe('decide: lifecycle', () => {
  it.each(initialization)('initialization: $name', check);
  it.each(revisions)('revisions: $name', check);
  it.each(confirmRollout)('confirm-rollout: $name', check);
  it.each(control)('control: $name', check);
});
