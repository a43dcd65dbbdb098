/**
 * The provider-neutral wording of a notification: Flagger's alert texts
 * (docs/notifications.md#messages), a short title, the metadata facts and the failing checks'
 * explanations. Every provider formatter builds its payload from these, so the four providers always
 * say the same thing. Pure.
 */
import type { DomainEvent, DomainEventType, Severity } from '../../domain/events.js';
import type { Reason } from '../../domain/reasons.js';

/** One label/value pair shown under the message. */
interface Fact {
  title: string;
  value: string;
}

/** Everything a formatter needs, derived from one event. */
export interface Description {
  /** `Rolled back: podinfo.test`. */
  title: string;
  /** Flagger's alert text, e.g. "Canary analysis completed successfully, promotion finished.". */
  text: string;
  severity: Severity;
  /** Canary, Namespace, Cluster, Phase, Weight, Failed checks — in this order. */
  facts: Fact[];
  /** Explanations of the checks that did not pass (empty when none). */
  explanations: string[];
}

const titles: Record<DomainEventType, string> = {
  Initialized: 'Initialized',
  ReleaseStarted: 'Release started',
  WeightChanged: 'Weight advanced',
  CheckFailed: 'Check failed',
  WaitingApproval: 'Waiting for approval',
  PromotionStarted: 'Promotion started',
  Promoted: 'Promoted',
  RolledBack: 'Rolled back',
  PromotionFailed: 'Promotion failed',
  PhaseChanged: 'Phase changed',
};

/** Describes `event` for people. */
export function describe(event: DomainEvent): Description {
  return {
    title: `${titles[event.type]}: ${canaryLabel(event)}`,
    text: alertText(event),
    severity: event.severity,
    facts: facts(event),
    explanations: explanations(event),
  };
}

/** `<name>.<namespace>`, as Flagger labels a canary in every message. */
function canaryLabel(event: DomainEvent): string {
  return `${event.canary.name}.${event.canary.namespace}`;
}

/**
 * Flagger's alert text for the event (newest wording, docs/notifications.md#messages). Where Flagger's
 * text embeds runtime detail (deadline error, primary not ready, who aborted) or Flagger has no alert,
 * the event's own message — written by the domain — is used (also for Initialized, whose text names
 * the target kind: "New DaemonSet detected, initialization completed.").
 */
export function alertText(event: DomainEvent): string {
  const label = canaryLabel(event);
  switch (event.type) {
    case 'ReleaseStarted':
      return event.reason === 'NewRevisionDetected'
        ? 'New revision detected, progressing canary analysis.'
        : event.message;
    case 'WeightChanged':
      return weightText(event, label);
    case 'CheckFailed':
      return `Halt ${label} advancement, failed checks ${event.failedChecks}/${event.threshold}.`;
    case 'WaitingApproval':
      return approvalTexts[event.reason] ?? event.message;
    case 'PromotionStarted':
      return 'Canary analysis completed, starting primary rolling update.';
    case 'Promoted':
      if (event.reason === 'Promoted') return 'Canary analysis completed successfully, promotion finished.';
      if (event.reason === 'AnalysisSkipped') return 'Canary analysis was skipped, promotion finished.';
      return event.message;
    case 'RolledBack':
      if (event.reason === 'RollbackThresholdReached')
        return `Failed checks threshold reached ${event.failedChecks}`;
      if (event.reason === 'RollbackHookTriggered') return 'Rolling back manual webhook invoked';
      return event.message;
    case 'Initialized':
    case 'PromotionFailed':
    case 'PhaseChanged':
      return event.message;
  }
}

/** Flagger's texts for the three confirm gates, by the reason the domain gives each. */
const approvalTexts: Partial<Record<Reason, string>> = {
  WaitingForApproval: 'Canary is waiting for approval.',
  TrafficIncreaseNotApproved: 'Canary traffic increase is waiting for approval.',
  WaitingPromotion: 'Canary promotion is waiting for approval.',
};

function weightText(event: DomainEvent, label: string): string {
  switch (event.reason) {
    case 'CanaryWeightIncreased':
      return `Advance ${label} canary weight ${event.canaryWeight}`;
    case 'PrimaryWeightIncreased':
      return `Advance ${label} primary weight ${event.primaryWeight}`;
    case 'IterationAdvanced':
      return `Advance ${label} canary iteration ${event.iterations}`;
    case 'TrafficRoutedToCanary':
      return 'Routing all traffic to canary';
    case 'Finalising':
      return 'Routing all traffic to primary';
    default:
      return event.message;
  }
}

function facts(event: DomainEvent): Fact[] {
  return [
    { title: 'Canary', value: event.canary.name },
    { title: 'Namespace', value: event.canary.namespace },
    { title: 'Cluster', value: event.canary.cluster },
    { title: 'Phase', value: event.phase },
    { title: 'Weight', value: `${event.canaryWeight}%` },
    { title: 'Failed checks', value: `${event.failedChecks}/${event.threshold}` },
  ];
}

function explanations(event: DomainEvent): string[] {
  return (event.checks ?? []).filter((c) => c.verdict !== 'pass').map((c) => c.explanation);
}
