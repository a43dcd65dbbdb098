/**
 * Domain events published after each analysis step (ARCHITECTURE.md "Events out"). Notifiers
 * format messages from these, never from logs.
 */
import type { CheckResult } from './check.js';
import type { Phase } from './phase.js';
import type { Reason } from './reasons.js';

export type DomainEventType =
  | 'Initialized'
  | 'ReleaseStarted'
  | 'WeightChanged'
  | 'CheckFailed'
  | 'WaitingApproval'
  | 'PromotionStarted'
  | 'Promoted'
  | 'RolledBack'
  | 'PromotionFailed'
  | 'PhaseChanged';

export type Severity = 'info' | 'warn' | 'error';

/** Identity of a canary across clusters: cluster/namespace/name. */
interface CanaryRef {
  cluster: string;
  namespace: string;
  name: string;
}

export interface DomainEvent {
  type: DomainEventType;
  canary: CanaryRef;
  /** Target Deployment name. */
  target: string;
  phase: Phase;
  canaryWeight: number;
  primaryWeight: number;
  iterations: number;
  failedChecks: number;
  threshold: number;
  reason: Reason;
  /** One line a person can read (Flagger's alert text where there is one). */
  message: string;
  severity: Severity;
  /** ISO-8601 time of the step. */
  at: string;
  /** Failing checks of this step, with their explanations. */
  checks?: CheckResult[];
  /** Spec revision hash being released. */
  revision?: string;
}
