/**
 * Reason codes: a closed union of UpperCamelCase strings shared by logs, history records, domain
 * events, Kubernetes Events and notifications (STYLE.md habit 12). decide() returns exactly one.
 * Add new codes here; never pass free-form strings where a Reason is expected.
 */
export type Reason =
  | 'Suspended'
  | 'Initializing'
  | 'Initialized'
  | 'WaitingForPrimary'
  | 'WaitingForCanary'
  | 'NoNewRevision'
  | 'NewRevisionDetected'
  | 'WaitingForApproval'
  | 'RevisionChangedRestarting'
  | 'PreRolloutHookFailed'
  | 'CheckFailed'
  | 'MetricsNoData'
  | 'CanaryWeightIncreased'
  | 'IterationAdvanced'
  | 'MirroringStarted'
  | 'TrafficIncreaseNotApproved'
  | 'WaitingPromotion'
  | 'PromotionStarted'
  | 'PrimaryWeightIncreased'
  | 'Finalising'
  | 'Promoted'
  | 'AnalysisSkipped'
  | 'RollbackThresholdReached'
  | 'ProgressDeadlineExceeded'
  | 'RollbackHookTriggered'
  | 'PrimaryNotReadyDuringPromotion'
  | 'Aborted'
  | 'Paused'
  | 'Resumed'
  | 'RetryRequested'
  | 'PromotedByOperator'
  | 'InputsRequired'
  | 'TargetNotFound'
  | 'TrafficRoutedToCanary'
  | 'Terminating'
  | 'Terminated'
  | 'CommandIgnored'
  | 'CommandDeferred'
  | 'RoutesAdopted'
  /** The judge found the canary worse than the primary (docs/analysis.md). */
  | 'JudgeFailed'
  /** The judge could not decide yet; the weight is held, no failed check counted. */
  | 'JudgeInconclusive'
  /** Still inconclusive after `judge.inconclusive.maxSteps`: held for an operator to promote or abort. */
  | 'JudgeHeldForDecision'
  /** Still inconclusive after `judge.inconclusive.maxSteps`, rolled back as configured. */
  | 'JudgeInconclusiveFailed';
