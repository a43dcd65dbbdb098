import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { recordOutcome } from '../../../functions/analyze/metrics.js';
import type { AdvanceOutcome } from '../../../lib/app/advance-canary.js';
import { aStatus } from '../../support/builders.js';

function emf(outcomes: AdvanceOutcome[]): Record<string, unknown> {
  const m = new Metrics({ namespace: 'FlaggerServerless', serviceName: 'analyze' });
  for (const o of outcomes) recordOutcome(m, o);
  return m.serializeMetrics() as unknown as Record<string, unknown>;
}

const stepped = (phase: 'Progressing' | 'Failed', canaryWeight: number, failedChecks: number) =>
  ({
    kind: 'stepped',
    decision: { status: aStatus({ phase, canaryWeight, failedChecks }) },
  }) as unknown as AdvanceOutcome;

describe('analyze step metrics (Powertools EMF)', () => {
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
});
