/** parseCanary with the judge's fields: `judge.enabled` makes a builtin's static bound optional. */
import { describe, expect, it } from 'vitest';
import { parseCanary } from '../../../lib/domain/spec/parse.js';

function manifest(analysis: Record<string, unknown>) {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      analysis: { interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50, ...analysis },
    },
  };
}

describe('parseCanary with the judge', () => {
  it('accepts compared builtin metrics without a bound, in their place, with no unknown-field warning', () => {
    const r = parseCanary(
      manifest({
        judge: { enabled: true },
        metrics: [
          { name: 'request-duration', interval: '1m' },
          { name: 'request-success-rate', threshold: 99, interval: '1m', compare: { margin: 2 } },
        ],
      }),
    );
    expect(r).toMatchObject({ ok: true, warnings: [] });
    if (!r.ok) return;
    expect(r.canary.spec.analysis?.metrics).toEqual([
      { name: 'request-duration', interval: '1m' },
      { name: 'request-success-rate', threshold: 99, interval: '1m', compare: { margin: 2 } },
    ]);
  });

  it("reports the judge's field errors with their paths", () => {
    const r = parseCanary(
      manifest({
        metrics: [{ name: 'request-success-rate', interval: '1m', compare: { margin: 1, tolerance: 1 } }],
      }),
    );
    expect(r).toEqual({
      ok: false,
      errors: [
        {
          path: 'spec.analysis.metrics[0].compare.margin',
          message:
            'expected a margin greater than the tolerance (1), got number 1: the judge decides between the two',
        },
      ],
    });
  });

  it('still requires a threshold on a builtin metric that is not compared', () => {
    const r = parseCanary(manifest({ metrics: [{ name: 'request-duration', interval: '1m' }] }));
    expect(r.ok).toBe(false);
  });
});
