/**
 * The fixed-sample tests against R 4.2: `prop.test`, `binom.test` and `wilcox.test` (normal
 * approximation with ties). Expected values were printed with `options(digits = 17)` by the R
 * call named in each row; bucketed samples are expanded with `rep(1:k, counts)`.
 */
import { describe, expect, it } from 'vitest';
import { binomialTest, dbinom, pbinom, twoProportionTest } from '../../../lib/domain/judge/proportions.js';
import { fromBins } from '../../../lib/domain/judge/histogram.js';
import { rankSumTest, rankSumTestHistograms } from '../../../lib/domain/judge/ranks.js';

function close(got: number, want: number, rel = 1e-10): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want) + 1e-15);
}

describe('twoProportionTest = R prop.test', () => {
  it.each([
    {
      r: 'prop.test(c(15, 25), c(50, 50))',
      args: [15, 50, 25, 50, {}] as const,
      want: {
        statistic: 3.375,
        p: 0.0661925797221933898,
        ci: [-0.4079931412322958528, 0.0079931412322958306],
      },
    },
    {
      r: "prop.test(c(21, 12), c(1400, 2600), alternative = 'greater', conf.level = 0.99)",
      args: [21, 1400, 12, 2600, { alternative: 'greater', confLevel: 0.99 }] as const,
      want: { statistic: 10.7584206399431998591, p: 0.0005190296448487824, ci: [0.0016695425053055539, 1] },
    },
    {
      r: 'prop.test(c(10, 10), c(100, 101)) (Yates capped at |Δ|/Σ1/n)',
      args: [10, 100, 10, 101, {}] as const,
      want: {
        statistic: 1.0259909776129938e-30,
        p: 9.9999999999999922e-1,
        ci: [-8.2766126138698701e-2, 8.4746324158500683e-2],
      },
    },
    {
      r: "prop.test(c(3, 30), c(1000, 1000), correct = FALSE, alternative = 'less')",
      args: [3, 1000, 30, 1000, { correct: false, alternative: 'less' }] as const,
      want: { statistic: 22.461524240883669, p: 1.0719765268791898e-6, ci: [-1, -1.768208204664927e-2] },
    },
  ])('$r', ({ args, want }) => {
    const t = twoProportionTest(args[0], args[1], args[2], args[3], args[4]);
    if (want.statistic < 1e-20) expect(t.statistic).toBeLessThan(1e-20);
    else close(t.statistic, want.statistic);
    close(t.pValue, want.p, 1e-9);
    close(t.confInt[0], want.ci[0]);
    close(t.confInt[1], want.ci[1]);
  });

  it('rejects empty groups', () => {
    expect(() => twoProportionTest(0, 0, 1, 10)).toThrow(RangeError);
  });
});

describe('binomialTest = R binom.test', () => {
  it.each([
    {
      r: 'binom.test(3, 250, p = 0.005)',
      got: () => binomialTest(3, 250, 0.005),
      want: { p: 0.1311104512807167166, ci: [0.0024815582547030443, 0.0346666145747439591] },
    },
    {
      r: "binom.test(9, 100, p = 0.05, alternative = 'greater')",
      got: () => binomialTest(9, 100, 0.05, { alternative: 'greater' }),
      want: { p: 0.063089590627448705, ci: [0.047756635913177539, 1] },
    },
    {
      r: 'binom.test(682, 925, p = 0.75)',
      got: () => binomialTest(682, 925, 0.75),
      want: { p: 0.38249155957485192, ci: [0.70766826407903904, 0.76540655824152526] },
    },
    {
      r: "binom.test(0, 40, p = 0.02, alternative = 'less', conf.level = 0.99)",
      got: () => binomialTest(0, 40, 0.02, { alternative: 'less', confLevel: 0.99 }),
      want: { p: 0.44570040395095117, ci: [0, 0.10874906186625444] },
    },
  ])('$r', ({ got, want }) => {
    const t = got();
    close(t.pValue, want.p, 1e-9);
    close(t.confInt[0], want.ci[0], 1e-8);
    close(t.confInt[1], want.ci[1], 1e-8);
  });

  it('dbinom sums to 1 and pbinom is its running sum', () => {
    let s = 0;
    for (let k = 0; k <= 60; k++) s += dbinom(k, 60, 0.07);
    close(s, 1, 1e-12);
    close(
      pbinom(4, 60, 0.07),
      [0, 1, 2, 3, 4].reduce((a, k) => a + dbinom(k, 60, 0.07), 0),
      1e-12,
    );
  });
});

describe('rankSumTest = R wilcox.test(exact = FALSE) on bucketed data', () => {
  // Bins 1..7: x <- rep(1:7, c(0,3,10,25,8,2,0)); y <- rep(1:7, c(1,6,30,40,9,1,1))
  const xc = [0, 3, 10, 25, 8, 2, 0];
  const yc = [1, 6, 30, 40, 9, 1, 1];

  it.each([
    { r: 'wilcox.test(x, y, exact = FALSE, correct = TRUE)', opts: {}, p: 7.013111511420457e-2 },
    {
      r: "wilcox.test(x, y, exact = FALSE, correct = TRUE, alternative = 'greater')",
      opts: { alternative: 'greater' as const },
      p: 3.5065557557102285e-2,
    },
    {
      r: "wilcox.test(x, y, exact = FALSE, correct = FALSE, alternative = 'less')",
      opts: { alternative: 'less' as const, correct: false },
      p: 0.96512367831487722,
    },
  ])('$r: W = 2482', ({ opts, p }) => {
    const t = rankSumTest(xc, yc, opts);
    expect(t.statistic).toBe(2482);
    close(t.pValue, p, 1e-9);
    close(t.probabilisticIndex, 2482 / (48 * 88));
  });

  it("R's own example without ties: wilcox.test(x, y, alternative = 'greater', exact = FALSE) → W = 35, p = 0.1223", () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const values = [...new Set([...x, ...y])].sort((a, b) => a - b);
    const bins = (v: number[]) => values.map((u) => v.filter((w) => w === u).length);
    const t = rankSumTest(bins(x), bins(y), { alternative: 'greater' });
    expect(t.statistic).toBe(35);
    close(t.pValue, 0.12231180256349168, 1e-9);
  });

  it('takes cumulative le histograms as Prometheus returns them (same W and p as R)', () => {
    const bounds = [1, 2, 3, 4, 5, 6];
    const t = rankSumTestHistograms(fromBins(bounds, xc), fromBins(bounds, yc), { alternative: 'greater' });
    expect(t.statistic).toBe(2482);
    close(t.pValue, 3.5065557557102285e-2, 1e-9);
    expect(() => rankSumTestHistograms(fromBins(bounds, xc), fromBins([1, 2, 3, 4, 5, 7], yc))).toThrow(
      /same buckets/,
    );
  });

  it('refuses empty samples and all-tied data', () => {
    expect(() => rankSumTest([0, 0], [1, 2])).toThrow(RangeError);
    expect(() => rankSumTest([3, 0], [5, 0])).toThrow(/tied/);
  });
});
