/**
 * CloudWatch metrics of analysis steps (Powertools Metrics, EMF): one count per outcome and, for
 * decided steps, the canary weight and failed checks — Flagger's `flagger_canary_*` in CloudWatch.
 */
import type { AdvanceOutcome } from '../../lib/app/advance-canary.js';

/** The part of Powertools' Metrics this uses (so tests can pass a recorder). */
export interface MetricsSink {
  addMetric(name: string, unit: 'Count' | 'Percent', value: number): unknown;
}

export function recordOutcome(sink: MetricsSink, outcome: AdvanceOutcome): void {
  switch (outcome.kind) {
    case 'stepped': {
      sink.addMetric('StepsDecided', 'Count', 1);
      sink.addMetric('CanaryWeight', 'Percent', outcome.decision.status.canaryWeight);
      sink.addMetric('FailedChecks', 'Count', outcome.decision.status.failedChecks);
      if (outcome.decision.status.phase === 'Succeeded') sink.addMetric('ReleasesSucceeded', 'Count', 1);
      if (outcome.decision.status.phase === 'Failed') sink.addMetric('ReleasesFailed', 'Count', 1);
      return;
    }
    case 'skipped':
      sink.addMetric('StepsSkipped', 'Count', 1);
      return;
    case 'failed':
      sink.addMetric('StepsFailed', 'Count', 1);
      return;
  }
}
