/**
 * CloudWatch metrics of analysis steps (Powertools Metrics, EMF): one count per outcome and, for
 * decided steps, the canary weight and failed checks — Flagger's `flagger_canary_*` in CloudWatch.
 * A release is counted once, on the step that ends it (the phase changes to Succeeded or Failed);
 * the idle steps that follow emit no release metric.
 */
import type { StepOutcome } from '../../lib/app/run-step.js';

/** The part of Powertools' Metrics this uses (so tests can pass a recorder). */
export interface MetricsSink {
  addMetric(name: string, unit: 'Count' | 'Percent', value: number): unknown;
}

export function recordOutcome(sink: MetricsSink, outcome: StepOutcome): void {
  switch (outcome.kind) {
    case 'stepped': {
      sink.addMetric('StepsDecided', 'Count', 1);
      sink.addMetric('CanaryWeight', 'Percent', outcome.decision.status.canaryWeight);
      sink.addMetric('FailedChecks', 'Count', outcome.decision.status.failedChecks);
      const phase = outcome.decision.status.phase;
      if (phase === outcome.from) return;
      if (phase === 'Succeeded') sink.addMetric('ReleasesSucceeded', 'Count', 1);
      if (phase === 'Failed') sink.addMetric('ReleasesFailed', 'Count', 1);
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
