/**
 * Reason codes: a closed union of UpperCamelCase strings shared by logs, history records, domain
 * events, Kubernetes Events and notifications (STYLE.md habit 12). decide() returns exactly one.
 * Add new codes here; never pass free-form strings where a Reason is expected.
 */
export const reasons = [
  'Suspended',
  'Initializing',
  'Initialized',
  'WaitingForPrimary',
  'WaitingForCanary',
  'NoNewRevision',
  'NewRevisionDetected',
  'WaitingForApproval',
  'RevisionChangedRestarting',
  'PreRolloutHookFailed',
  'CheckFailed',
  'MetricsNoData',
  'CanaryWeightIncreased',
  'IterationAdvanced',
  'MirroringStarted',
  'TrafficIncreaseNotApproved',
  'WaitingPromotion',
  'PromotionStarted',
  'PrimaryWeightIncreased',
  'Finalising',
  'Promoted',
  'AnalysisSkipped',
  'RollbackThresholdReached',
  'ProgressDeadlineExceeded',
  'RollbackHookTriggered',
  'PrimaryNotReadyDuringPromotion',
  'Aborted',
  'Paused',
  'RetryRequested',
  'PromotedByOperator',
  'InputsRequired',
  'TargetNotFound',
  'TrafficRoutedToCanary',
  'Terminating',
  'Terminated',
  'CommandIgnored',
] as const;
export type Reason = (typeof reasons)[number];
