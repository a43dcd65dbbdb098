/**
 * Scheduling with the sweep: a step that leaves the canary idle schedules the next full step after
 * the reconcile period (never sooner than one interval); a release keeps the interval; without the
 * sweep (no idleReconcileMs) idle canaries keep stepping every interval.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../../lib/domain/decide/index.js';
import { aCanary, anObservation, asStep, aStatus, MINUTE, T0 } from '../../support/builders.js';

const steady = { lastAppliedSpec: 'rev-2', lastPromotedSpec: 'rev-2' };

describe('nextRunAt of idle canaries', () => {
  it.each([
    {
      name: 'Succeeded, no new revision, swept',
      status: { phase: 'Succeeded', ...steady },
      reconcile: 10 * MINUTE,
      want: 10 * MINUTE,
    },
    {
      name: 'Initialized, no new revision, swept',
      status: { phase: 'Initialized', ...steady },
      reconcile: 10 * MINUTE,
      want: 10 * MINUTE,
    },
    {
      name: 'Failed, no new revision, swept',
      status: { phase: 'Failed', ...steady },
      reconcile: 10 * MINUTE,
      want: 10 * MINUTE,
    },
    {
      name: 'Succeeded, swept, an interval longer than the period',
      status: { phase: 'Succeeded', ...steady },
      reconcile: 10 * MINUTE,
      interval: '1h',
      want: 60 * MINUTE,
    },
    {
      name: 'Succeeded, not swept',
      status: { phase: 'Succeeded', ...steady },
      reconcile: undefined,
      want: MINUTE,
    },
    {
      name: 'a new revision starts a release: one interval',
      status: { phase: 'Succeeded', lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1' },
      reconcile: 10 * MINUTE,
      want: MINUTE,
    },
    {
      name: 'Progressing: one interval',
      status: { phase: 'Progressing' },
      reconcile: 10 * MINUTE,
      want: MINUTE,
    },
  ] as const)('$name', ({ status, reconcile, want, ...o }) => {
    const canary = aCanary({ interval: 'interval' in o ? o.interval : '1m', metrics: [] });
    const d = asStep(decide(canary, aStatus(status), anObservation({ idleReconcileMs: reconcile })));
    expect(d.nextRunAt! - T0).toBe(want);
  });
});
