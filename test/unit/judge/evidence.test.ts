/**
 * The evidence the status keeps between steps (judge/evidence.ts): a baseline that counts nothing
 * from before the analysis, finite numbers only (a store refuses ±Infinity), and the same verdict
 * after a round trip through JSON as before it.
 */
import { describe, expect, it } from 'vitest';
import {
  addReading,
  baselineEvidence,
  judgeEvidence,
  type Reading,
} from '../../../lib/domain/judge/evidence.js';
import { fromBins } from '../../../lib/domain/judge/histogram.js';

const bounds = [25, 50, 100, 250, 500];
const options = { tolerance: 1, margin: 1.2, alphaFail: 0.005, alphaPass: 0.01 };

function latency(at: number, canary: number[], primary: number[]): Reading {
  return {
    kind: 'latency',
    snapshot: { at, canary: fromBins(bounds, canary), primary: fromBins(bounds, primary) },
  };
}

function finiteOnly(x: unknown): boolean {
  if (typeof x === 'number') return Number.isFinite(x);
  if (Array.isArray(x)) return x.every(finiteOnly);
  if (x !== null && typeof x === 'object') return Object.values(x).every(finiteOnly);
  return true;
}

describe('evidence kept in the status', () => {
  it('the baseline keeps the counters’ positions: the primary’s history counts for nothing', () => {
    const e = baselineEvidence(latency(0, [0, 0, 0, 0, 0, 0], [5_000, 9_000, 3_000, 900, 90, 10]));
    expect(e.kind).toBe('latency');
    const j = judgeEvidence('request-duration', e, options);
    expect(j.primary.requests).toBe(0);
    expect(j.canary.requests).toBe(0);
  });

  it('holds finite numbers only and judges the same after a JSON round trip', () => {
    let e = baselineEvidence(latency(0, [0, 0, 0, 0, 0, 0], [500, 900, 300, 90, 9, 1]));
    e = addReading(e, latency(10_000, [10, 30, 40, 15, 4, 1], [600, 1000, 360, 100, 10, 1]));
    e = addReading(e, latency(20_000, [30, 80, 90, 40, 9, 1], [700, 1100, 420, 110, 11, 1]));
    expect(finiteOnly(e)).toBe(true);
    const copy = JSON.parse(JSON.stringify(e)) as typeof e;
    const direct = judgeEvidence('request-duration', e, options);
    expect(judgeEvidence('request-duration', copy, options)).toEqual(direct);
    expect(direct.canary.requests).toBe(250);
    expect(direct.primary.requests).toBe(542);
    // The next reading differences against the kept position, after the round trip too.
    const next = latency(30_000, [40, 100, 120, 50, 10, 1], [800, 1200, 480, 120, 12, 1]);
    expect(judgeEvidence('x', addReading(copy, next), options)).toEqual(
      judgeEvidence('x', addReading(e, next), options),
    );
  });

  it('error evidence starts from the baseline counts', () => {
    let e = baselineEvidence({
      kind: 'errors',
      snapshot: { at: 0, canary: { requests: 0, errors: 0 }, primary: { requests: 1e6, errors: 5_000 } },
    });
    e = addReading(e, {
      kind: 'errors',
      snapshot: {
        at: 10_000,
        canary: { requests: 100, errors: 5 },
        primary: { requests: 1e6 + 900, errors: 5_004 },
      },
    });
    const j = judgeEvidence('request-success-rate', e, {
      tolerance: 0,
      margin: 1,
      alphaFail: 0.005,
      alphaPass: 0.01,
    });
    expect(j.canary).toMatchObject({ requests: 100, errors: 5 });
    expect(j.primary).toMatchObject({ requests: 900, errors: 4 });
  });
});
