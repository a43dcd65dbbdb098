import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { recordOutcome } from '../../../functions/step/metrics.js';
import type { StepOutcome } from '../../../lib/app/run-step.js';
import { aStatus } from '../../support/builders.js';
import { emitted } from '../../support/emf.js';

function emf(outcomes: StepOutcome[]): Record<string, unknown> {
  const m = new Metrics({ namespace: 'FlaggerServerless', serviceName: 'step' });
  // The per-canary sets are written at once; this reads the stored, aggregate ones.
  emitted(() => outcomes.forEach((o) => recordOutcome(m, o)));
  return m.serializeMetrics() as unknown as Record<string, unknown>;
}

type Phase = 'Initialized' | 'Progressing' | 'Failed' | 'Succeeded' | 'Promoting' | 'Finalising';
const stepped = (phase: Phase, canaryWeight: number, failedChecks: number, from: Phase = 'Progressing') =>
  ({
    kind: 'stepped',
    decision: { status: aStatus({ phase, canaryWeight, failedChecks }) },
    record: { key: { cluster: 'prod', namespace: 'test', name: 'podinfo' } },
    from,
  }) as unknown as StepOutcome;

describe('step step metrics (Powertools EMF)', () => {
  it('records weight and failed checks of a decided step', () => {
    const out = emf([stepped('Progressing', 20, 1)]);
    expect(out).toMatchObject({ StepsDecided: 1, CanaryWeight: 20, FailedChecks: 1 });
    expect(out).not.toHaveProperty('ReleasesFailed');
  });

  it('counts failed releases, skipped and failed steps', () => {
    const out = emf([
      stepped('Failed', 0, 2),
      { kind: 'skipped', why: 'leaseHeld' },
      { kind: 'failed', error: 'x' },
    ]);
    expect(out).toMatchObject({ ReleasesFailed: 1, StepsSkipped: 1, StepsFailed: 1 });
  });

  it('counts a release once, on the step that ends it; idle steps emit no release metric', () => {
    const ended = emf([stepped('Succeeded', 0, 0, 'Finalising')]);
    expect(ended).toMatchObject({ ReleasesSucceeded: 1, StepsDecided: 1 });
    const idle = emf([stepped('Succeeded', 0, 0, 'Succeeded'), stepped('Failed', 0, 2, 'Failed')]);
    expect(idle).toMatchObject({ StepsDecided: [1, 1] });
    expect(idle).not.toHaveProperty('ReleasesSucceeded');
    expect(idle).not.toHaveProperty('ReleasesFailed');
  });
});

/** The per-canary metric sets among `docs`: name, value and dimension names. */
function perCanary(docs: Record<string, unknown>[]) {
  return docs.map((d) => {
    const aws = d._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    const [set] = aws.CloudWatchMetrics;
    const name = set.Metrics[0].Name;
    return {
      name,
      value: d[name],
      dimensions: set.Dimensions[0],
      canary: [d.Cluster, d.Namespace, d.Canary],
    };
  });
}

describe('per-canary step metrics', () => {
  const run = (outcomes: StepOutcome[]) =>
    perCanary(
      emitted(() => {
        const m = new Metrics({ namespace: 'FlaggerServerless', serviceName: 'step' });
        for (const o of outcomes) recordOutcome(m, o);
      }),
    );

  it('writes weight and failed checks with Cluster, Namespace and Canary while a release is in progress', () => {
    expect(run([stepped('Progressing', 30, 1)])).toEqual([
      {
        name: 'CanaryWeight',
        value: 30,
        dimensions: ['service', 'Cluster', 'Namespace', 'Canary'],
        canary: ['prod', 'test', 'podinfo'],
      },
      {
        name: 'FailedChecks',
        value: 1,
        dimensions: ['service', 'Cluster', 'Namespace', 'Canary'],
        canary: ['prod', 'test', 'podinfo'],
      },
    ]);
  });

  it('writes them on the step that ends a release, and never for an idle canary', () => {
    expect(run([stepped('Succeeded', 0, 0, 'Finalising')]).map((m) => m.name)).toEqual([
      'CanaryWeight',
      'FailedChecks',
    ]);
    expect(
      run([
        stepped('Succeeded', 0, 0, 'Succeeded'),
        stepped('Failed', 0, 2, 'Failed'),
        stepped('Initialized', 0, 0, 'Initialized'),
      ]),
    ).toEqual([]);
  });
});
