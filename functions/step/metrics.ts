/**
 * CloudWatch metrics of analysis steps (Powertools Metrics, EMF): one count per outcome and, for
 * decided steps, the canary weight and failed checks — Flagger's `flagger_canary_*` in CloudWatch.
 * A release is counted once, on the step that ends it (the phase changes to Succeeded or Failed);
 * the idle steps that follow emit no release metric.
 *
 * Per canary (`Cluster`, `Namespace`, `Canary` dimensions) only while a release is in progress and
 * on the step that ends it: every distinct dimension set is a custom metric billed by the hour it
 * is written in, so idle canaries cost nothing (docs/cost.md, "Dashboards"). The dashboard in
 * infra/grafana reads exactly these names (test/unit/aws/dashboard.test.ts).
 */
import type { StepOutcome } from '../../lib/app/run-step.js';

type Unit = 'Count' | 'Percent';

/** A metric set that is written at once with its own dimensions (Powertools' singleMetric). */
interface DimensionedSink {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: Unit, value: number): unknown;
}

/** The part of Powertools' Metrics this uses (so tests can pass a recorder). */
export interface MetricsSink {
  addMetric(name: string, unit: Unit, value: number): unknown;
  singleMetric(): DimensionedSink;
}

const IDLE_PHASES: readonly string[] = ['Initialized', 'Succeeded', 'Failed'];

export function recordOutcome(sink: MetricsSink, outcome: StepOutcome): void {
  switch (outcome.kind) {
    case 'stepped': {
      const { phase, canaryWeight, failedChecks } = outcome.decision.status;
      sink.addMetric('StepsDecided', 'Count', 1);
      sink.addMetric('CanaryWeight', 'Percent', canaryWeight);
      sink.addMetric('FailedChecks', 'Count', failedChecks);
      const changed = phase !== outcome.from;
      if (!IDLE_PHASES.includes(phase) || changed) {
        const { cluster, namespace, name } = outcome.record.key;
        for (const [metric, unit, value] of [
          ['CanaryWeight', 'Percent', canaryWeight],
          ['FailedChecks', 'Count', failedChecks],
        ] as const) {
          // One single metric per value: Powertools writes a single metric set at its first metric.
          const one = sink.singleMetric();
          one.addDimension('Cluster', cluster);
          one.addDimension('Namespace', namespace);
          one.addDimension('Canary', name);
          one.addMetric(metric, unit, value);
        }
      }
      if (!changed) return;
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
