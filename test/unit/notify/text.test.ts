import { describe as group, expect, it } from 'vitest';
import { alertText, describe } from '../../../lib/adapters/notify/text.js';
import { anEvent, failingMetric, passingMetric, scenarios } from './fixtures.js';

group('alertText', () => {
  it.each([
    {
      name: 'initialized',
      event: anEvent({
        type: 'Initialized',
        reason: 'Initialized',
        message: 'New DaemonSet detected, initialization completed.',
      }),
      want: 'New DaemonSet detected, initialization completed.',
    },
    {
      name: 'release started',
      event: scenarios.releaseStarted,
      want: 'New revision detected, progressing canary analysis.',
    },
    { name: 'canary weight', event: scenarios.weightAdvanced, want: 'Advance podinfo.test canary weight 20' },
    {
      name: 'primary weight',
      event: anEvent({ type: 'WeightChanged', reason: 'PrimaryWeightIncreased', primaryWeight: 60 }),
      want: 'Advance podinfo.test primary weight 60',
    },
    {
      name: 'iteration',
      event: anEvent({ type: 'WeightChanged', reason: 'IterationAdvanced', iterations: 3 }),
      want: 'Advance podinfo.test canary iteration 3',
    },
    {
      name: 'check failed',
      event: scenarios.checkFailed,
      want: 'Halt podinfo.test advancement, failed checks 2/5.',
    },
    {
      name: 'waiting for approval',
      event: scenarios.waitingApproval,
      want: 'Canary is waiting for approval.',
    },
    {
      name: 'waiting for promotion approval',
      event: anEvent({ type: 'WaitingApproval', reason: 'WaitingPromotion' }),
      want: 'Canary promotion is waiting for approval.',
    },
    {
      name: 'waiting for traffic increase approval',
      event: anEvent({ type: 'WaitingApproval', reason: 'TrafficIncreaseNotApproved' }),
      want: 'Canary traffic increase is waiting for approval.',
    },
    {
      name: 'promotion started',
      event: anEvent({ type: 'PromotionStarted', reason: 'PromotionStarted' }),
      want: 'Canary analysis completed, starting primary rolling update.',
    },
    {
      name: 'promoted',
      event: scenarios.promoted,
      want: 'Canary analysis completed successfully, promotion finished.',
    },
    {
      name: 'skipped',
      event: anEvent({ type: 'Promoted', reason: 'AnalysisSkipped' }),
      want: 'Canary analysis was skipped, promotion finished.',
    },
    { name: 'threshold rollback', event: scenarios.rolledBack, want: 'Failed checks threshold reached 5' },
    {
      name: 'rollback hook',
      event: anEvent({ type: 'RolledBack', reason: 'RollbackHookTriggered' }),
      want: 'Rolling back manual webhook invoked',
    },
    {
      name: 'deadline rollback keeps the runtime detail',
      event: anEvent({
        type: 'RolledBack',
        reason: 'ProgressDeadlineExceeded',
        message: 'Progress deadline exceeded canary not ready after 600s',
      }),
      want: 'Progress deadline exceeded canary not ready after 600s',
    },
    {
      name: 'restarted analysis keeps the domain text',
      event: anEvent({
        reason: 'RevisionChangedRestarting',
        message: 'New revision detected, restarting canary analysis.',
      }),
      want: 'New revision detected, restarting canary analysis.',
    },
    {
      name: 'all traffic to canary',
      event: anEvent({ type: 'WeightChanged', reason: 'TrafficRoutedToCanary' }),
      want: 'Routing all traffic to canary',
    },
    {
      name: 'all traffic to primary',
      event: anEvent({ type: 'WeightChanged', reason: 'Finalising' }),
      want: 'Routing all traffic to primary',
    },
    {
      name: 'abort keeps who aborted',
      event: anEvent({
        type: 'RolledBack',
        reason: 'Aborted',
        message: 'Canary aborted by alice: bad build',
      }),
      want: 'Canary aborted by alice: bad build',
    },
    {
      name: 'promotion failed',
      event: anEvent({
        type: 'PromotionFailed',
        reason: 'PrimaryNotReadyDuringPromotion',
        message: 'Promotion failed, primary not ready: 0/2 pods',
      }),
      want: 'Promotion failed, primary not ready: 0/2 pods',
    },
    {
      name: 'phase changed',
      event: anEvent({ type: 'PhaseChanged', message: 'Phase Promoting' }),
      want: 'Phase Promoting',
    },
  ])('$name', ({ event, want }) => {
    expect(alertText(event)).toBe(want);
  });
});

group('describe', () => {
  it('lists facts in a fixed order and only failing explanations', () => {
    const d = describe(anEvent({ checks: [passingMetric, failingMetric], failedChecks: 1 }));
    expect(d).toEqual({
      title: 'Release started: podinfo.test',
      text: 'New revision detected, progressing canary analysis.',
      severity: 'info',
      facts: [
        { title: 'Canary', value: 'podinfo' },
        { title: 'Namespace', value: 'test' },
        { title: 'Cluster', value: 'prod-eu' },
        { title: 'Phase', value: 'Progressing' },
        { title: 'Weight', value: '0%' },
        { title: 'Failed checks', value: '1/5' },
      ],
      explanations: ['request-success-rate 91.2% < 99% minimum'],
    });
  });
});
