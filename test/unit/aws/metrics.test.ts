import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { recordOutcome } from '../../../functions/step/metrics.js';
import type { StepOutcome } from '../../../lib/app/run-step.js';
import { aStatus } from '../../support/builders.js';

function emf(outcomes: StepOutcome[]): Record<string, unknown> {
  const m = new Metrics({ namespace: 'FlaggerServerless', serviceName: 'step' });
  for (const o of outcomes) recordOutcome(m, o);
  return m.serializeMetrics() as unknown as Record<string, unknown>;
}

type Phase = 'Progressing' | 'Failed' | 'Succeeded' | 'Promoting' | 'Finalising';
const stepped = (phase: Phase, canaryWeight: number, failedChecks: number, from: Phase = 'Progressing') =>
  ({
    kind: 'stepped',
    decision: { status: aStatus({ phase, canaryWeight, failedChecks }) },
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
