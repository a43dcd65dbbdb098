/** The judge's spec fields: validation with field paths, defaults, and the resolved config. */
import { describe, expect, it } from 'vitest';
import { formatFindings, judgeFindings } from '../../../lib/domain/judge/findings.js';
import { judgeConfig, type JudgedAnalysis } from '../../../lib/domain/judge/spec.js';

/** podinfo's analysis (stepWeight 10, maxWeight 50, threshold 5) with the given additions. */
/** Shapes the schema would refuse are built on purpose: judgeFindings checks them on its own. */
function analysis(extra: Record<string, unknown> = {}): JudgedAnalysis {
  return {
    interval: '10s',
    threshold: 5,
    stepWeight: 10,
    maxWeight: 50,
    metrics: [
      { name: 'request-success-rate', threshold: 99, interval: '1m' },
      { name: 'request-duration', threshold: 500, interval: '1m' },
    ],
    ...extra,
  } as JudgedAnalysis;
}

function withCompare(compare: unknown[], extra: Record<string, unknown> = {}): JudgedAnalysis {
  const a = analysis(extra);
  const metrics = a.metrics!.map((m, i) => (compare[i] === undefined ? m : { ...m, compare: compare[i] }));
  return { ...a, metrics } as JudgedAnalysis;
}

describe('judgeFindings: errors with field paths', () => {
  it.each([
    {
      name: 'margin not a number',
      a: withCompare([{ margin: '1pp' }]),
      want: ['spec.analysis.metrics[0].compare.margin: expected a number, got string "1pp"'],
    },
    {
      name: 'against misspelt',
      a: withCompare([{ against: 'baseline' }]),
      want: [
        'spec.analysis.metrics[0].compare.against: expected one of "primary", "none", got string "baseline"',
      ],
    },
    {
      name: 'confidence out of range',
      a: analysis({ judge: { confidence: 0.4 } }),
      want: ['spec.analysis.judge.confidence: expected a number > 0.5, got number 0.4'],
    },
    {
      name: 'unknown inconclusive outcome',
      a: analysis({ judge: { inconclusive: { outcome: 'retry' } } }),
      want: [
        'spec.analysis.judge.inconclusive.outcome: expected one of "hold", "fail", "proceed", got string "retry"',
      ],
    },
    {
      name: 'maxSteps not an integer',
      a: analysis({ judge: { inconclusive: { maxSteps: 2.5 } } }),
      want: ['spec.analysis.judge.inconclusive.maxSteps: expected an integer, got number 2.5'],
    },
    {
      name: 'margin not above tolerance',
      a: withCompare([undefined, { margin: 10, tolerance: 10 }]),
      want: [
        'spec.analysis.metrics[1].compare.margin: expected a margin greater than the tolerance (10), got number 10: the judge decides between the two',
      ],
    },
    {
      name: 'success-rate margin above 100 pp',
      a: withCompare([{ margin: 150 }]),
      want: ['spec.analysis.metrics[0].compare.margin: expected percentage points ≤ 100, got number 150'],
    },
    {
      name: 'compare on a custom query',
      a: { ...analysis(), metrics: [{ name: 'errors', query: 'sum(x)', threshold: 1, compare: {} }] },
      want: [
        'spec.analysis.metrics[0].compare: only the builtin request-success-rate and request-duration checks can be compared against the primary (they read request counts and latency buckets); remove compare or use a builtin metric',
      ],
    },
    {
      name: 'A/B testing cannot be compared by share',
      a: analysis({
        judge: { enabled: true },
        match: [{ headers: { x: { exact: 'y' } } }],
        iterations: 10,
        stepWeight: undefined,
        maxWeight: undefined,
      }),
      want: [
        'spec.analysis.judge: comparing against the primary needs weighted canary traffic (stepWeight or stepWeights): A/B testing (match) sends chosen requests, not a share of all of them',
      ],
    },
    {
      name: 'mirroring cannot be compared by share',
      a: withCompare([{}], { mirror: true }),
      want: [
        'spec.analysis.judge: comparing against the primary needs weighted canary traffic (stepWeight or stepWeights): mirrored traffic is a copy, not a share',
      ],
    },
  ])('$name', ({ a, want }) => {
    expect(formatFindings(judgeFindings(a).errors)).toEqual(want);
  });

  it('Flagger YAML without the new fields has no findings and the judge is off', () => {
    expect(judgeFindings(analysis())).toEqual({ errors: [], warnings: [] });
    expect(judgeConfig(analysis()).comparisons).toEqual([]);
  });

  it('warns when proceed is chosen, and when judge settings compare nothing', () => {
    expect(
      formatFindings(
        judgeFindings(withCompare([{}], { judge: { inconclusive: { outcome: 'proceed' } } })).warnings,
      ),
    ).toEqual([
      'spec.analysis.judge.inconclusive.outcome: proceed promotes a canary the judge could not vouch for once inconclusive steps run out',
    ]);
    expect(formatFindings(judgeFindings(analysis({ judge: { enabled: false } })).warnings)).toEqual([
      'spec.analysis.judge: no metric is compared against the primary (enabled is false, or no builtin metric), so the judge is off',
    ]);
  });
});

describe('judgeConfig: defaults and the error budget', () => {
  it('judge.enabled compares every builtin metric with the defaults', () => {
    expect(judgeConfig(analysis({ judge: { enabled: true } }))).toEqual({
      advance: 'unlessFail',
      failFast: true,
      inconclusive: { maxSteps: 30, outcome: 'hold' },
      comparisons: [
        {
          name: 'request-success-rate',
          kind: 'errors',
          options: { margin: 1, tolerance: 0, alphaFail: 0.005, alphaPass: 0.01 },
        },
        {
          name: 'request-duration',
          kind: 'latency',
          options: { margin: 1.2, tolerance: 1, alphaFail: 0.005, alphaPass: 0.01 },
        },
      ],
    });
  });

  it('per-metric compare opts in one metric; against: none opts one out', () => {
    const one = judgeConfig(withCompare([undefined, { margin: 50, tolerance: 5, confidence: 0.95 }]));
    expect(one.comparisons).toEqual([
      {
        name: 'request-duration',
        kind: 'latency',
        options: { margin: 1.5, tolerance: 1.05, alphaFail: 0.05, alphaPass: 0.05 },
      },
    ]);
    const out = judgeConfig(withCompare([{ against: 'none' }], { judge: { enabled: true } }));
    expect(out.comparisons.map((c) => c.name)).toEqual(['request-duration']);
  });

  it('explicit policy fields override the defaults', () => {
    const c = judgeConfig(
      analysis({
        judge: {
          enabled: true,
          advance: 'onPass',
          failFast: false,
          inconclusive: { maxSteps: 6, outcome: 'fail' },
        },
      }),
    );
    expect(c).toMatchObject({
      advance: 'onPass',
      failFast: false,
      inconclusive: { maxSteps: 6, outcome: 'fail' },
    });
  });
});
