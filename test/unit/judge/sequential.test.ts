/**
 * The sequential judge under repeated looks, on simulated releases with a seeded generator:
 * - the false-failure rate of identical canaries (the null) stays within α although the judge
 *   looks at every step, while a fixed-sample test repeated at every step does not;
 * - the false-pass rate of canaries exactly at the margin stays within α.
 * Rates are counted over whole releases (a release counts once if any look crossed).
 */
import { describe, expect, it } from 'vitest';
import {
  addErrorSnapshot,
  emptyErrorEvidence,
  judgeErrorEvidence,
} from '../../../lib/domain/judge/errors.js';
import { binCounts } from '../../../lib/domain/judge/histogram.js';
import {
  addLatencySnapshot,
  emptyLatencyEvidence,
  judgeLatencyEvidence,
} from '../../../lib/domain/judge/latency.js';
import { twoProportionTest } from '../../../lib/domain/judge/proportions.js';
import { rankSumTest } from '../../../lib/domain/judge/ranks.js';
import type { CompareOptions } from '../../../lib/domain/judge/types.js';
import { seededRng } from '../../../sandbox/traffic/random.js';
import { buckets, PRIMARY, ReleaseTraffic, totals, type Behaviour } from '../../bench/quality/traffic.js';

const ALPHA = 0.05;
const LOOKS = 20;
const RPS = 20;

interface Tally {
  judgeFails: number;
  judgePasses: number;
  naiveFails: number;
}

/** One release: weights 10, 20 … 50 then 50, a look every 10 s; each judge's first crossing counts. */
function release(
  seed: number,
  canary: Behaviour,
  look: (tr: ReleaseTraffic) => { judge: string; naive: boolean },
): Tally {
  const tr = new ReleaseTraffic(seededRng(seed), RPS, canary, PRIMARY);
  const t: Tally = { judgeFails: 0, judgePasses: 0, naiveFails: 0 };
  for (let k = 1; k <= LOOKS; k++) {
    tr.weight = Math.min(50, 10 * k);
    tr.runUntil(10 * k);
    const { judge, naive } = look(tr);
    if (judge === 'fail') t.judgeFails = 1;
    if (judge === 'pass') t.judgePasses = 1;
    if (naive) t.naiveFails = 1;
  }
  return t;
}

function run(
  n: number,
  seed: number,
  canary: Behaviour,
  makeLook: () => (tr: ReleaseTraffic) => { judge: string; naive: boolean },
): Tally {
  const sum: Tally = { judgeFails: 0, judgePasses: 0, naiveFails: 0 };
  for (let r = 0; r < n; r++) {
    const t = release(seed + 7919 * r, canary, makeLook());
    sum.judgeFails += t.judgeFails;
    sum.judgePasses += t.judgePasses;
    sum.naiveFails += t.naiveFails;
  }
  return sum;
}

const errorOptions: CompareOptions = { tolerance: 0, margin: 1, alphaFail: ALPHA, alphaPass: ALPHA };
const latencyOptions: CompareOptions = { tolerance: 1, margin: 1.2, alphaFail: ALPHA, alphaPass: ALPHA };

function errorLook(): (tr: ReleaseTraffic) => { judge: string; naive: boolean } {
  let ev = emptyErrorEvidence();
  return (tr) => {
    const canary = totals(tr.canary);
    const primary = totals(tr.primary);
    ev = addErrorSnapshot(ev, { canary, primary });
    const naive =
      canary.requests > 0 &&
      twoProportionTest(canary.errors, canary.requests, primary.errors, primary.requests, {
        alternative: 'greater',
        correct: false,
      }).pValue < ALPHA;
    return { judge: judgeErrorEvidence('e', ev, errorOptions).verdict, naive };
  };
}

function latencyLook(): (tr: ReleaseTraffic) => { judge: string; naive: boolean } {
  let ev = emptyLatencyEvidence();
  return (tr) => {
    const canary = buckets(tr.canary);
    const primary = buckets(tr.primary);
    ev = addLatencySnapshot(ev, { canary, primary });
    const x = binCounts(canary);
    const naive =
      x.some((v) => v > 0) && rankSumTest(x, binCounts(primary), { alternative: 'greater' }).pValue < ALPHA;
    return { judge: judgeLatencyEvidence('l', ev, latencyOptions).verdict, naive };
  };
}

describe(`repeated looks (${LOOKS} per release, ${RPS} req/s, α = ${ALPHA})`, () => {
  it('errors, identical versions: the judge fails ≤ α of releases; prop.test at every look does not', () => {
    const n = 300;
    const t = run(n, 11, PRIMARY, errorLook);
    expect(t.judgeFails / n).toBeLessThanOrEqual(ALPHA);
    expect(t.naiveFails / n).toBeGreaterThan(2 * ALPHA);
  });

  it('latency, identical versions: the judge fails ≤ α of releases; wilcox.test at every look does not', () => {
    const n = 200;
    const t = run(n, 23, PRIMARY, latencyLook);
    expect(t.judgeFails / n).toBeLessThanOrEqual(ALPHA);
    expect(t.naiveFails / n).toBeGreaterThan(2 * ALPHA);
  });

  it('errors exactly 1 pp worse (the margin): the judge passes ≤ α of releases and fails most', () => {
    const n = 150;
    const t = run(n, 31, { ...PRIMARY, errorRate: PRIMARY.errorRate + 0.01 }, errorLook);
    expect(t.judgePasses / n).toBeLessThanOrEqual(ALPHA);
    expect(t.judgeFails / n).toBeGreaterThan(0.5);
  });

  it('latency exactly 1.2× (the margin): the judge passes ≤ α of releases and fails most', () => {
    const n = 150;
    const t = run(n, 41, { ...PRIMARY, medianMs: PRIMARY.medianMs * 1.2 }, latencyLook);
    expect(t.judgePasses / n).toBeLessThanOrEqual(ALPHA);
    expect(t.judgeFails / n).toBeGreaterThan(0.9);
  });
});
