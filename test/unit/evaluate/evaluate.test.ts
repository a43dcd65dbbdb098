/** evaluate.ts: metric evaluation rules (docs/flagger-compatibility.md#no-data-and-errors), table-driven. */
import { describe, expect, it } from 'vitest';
import { evaluateMetric, type QueryOutcome } from '../../../lib/domain/evaluate.js';
import type { MetricSpec } from '../../../lib/domain/spec/schema.js';

const value = (v: number): QueryOutcome => ({ kind: 'value', value: v });
const sr: MetricSpec = { name: 'request-success-rate', threshold: 99 };
const rd: MetricSpec = { name: 'request-duration', threshold: 500 };
const custom: MetricSpec = { name: 'error-rate', threshold: 10, query: 'sum(rate(errors[1m]))' };

describe('evaluateMetric', () => {
  it.each([
    {
      name: 'success rate above minimum passes',
      metric: sr,
      outcome: value(99.5),
      verdict: 'pass',
      explanation: 'request-success-rate 99.50% ≥ 99% minimum',
    },
    { name: 'success rate equal to minimum passes', metric: sr, outcome: value(99), verdict: 'pass' },
    {
      name: 'success rate below minimum fails',
      metric: sr,
      outcome: value(97.123),
      verdict: 'fail',
      explanation: 'request-success-rate 97.12% < 99% minimum',
    },
    { name: 'duration below maximum passes', metric: rd, outcome: value(120), verdict: 'pass' },
    {
      name: 'duration above maximum fails (ms)',
      metric: rd,
      outcome: value(612),
      verdict: 'fail',
      explanation: 'request-duration 612ms > 500ms maximum',
    },
    { name: 'duration +Inf fails', metric: rd, outcome: value(Number.POSITIVE_INFINITY), verdict: 'fail' },
    {
      name: 'custom query: threshold is a maximum',
      metric: custom,
      outcome: value(12),
      verdict: 'fail',
      explanation: 'error-rate 12 > 10 maximum',
    },
    { name: 'custom query under maximum passes', metric: custom, outcome: value(3), verdict: 'pass' },
    {
      name: 'thresholdRange: inside passes',
      metric: { name: 'cpu', query: 'q', thresholdRange: { min: 1, max: 5 } },
      outcome: value(3),
      verdict: 'pass',
      explanation: 'cpu 3 within [1, 5]',
    },
    {
      name: 'thresholdRange: below min fails',
      metric: { name: 'cpu', query: 'q', thresholdRange: { min: 1, max: 5 } },
      outcome: value(0.5),
      verdict: 'fail',
    },
    {
      name: 'thresholdRange: above max fails',
      metric: { name: 'cpu', query: 'q', thresholdRange: { min: 1, max: 5 } },
      outcome: value(6),
      verdict: 'fail',
    },
    {
      name: 'thresholdRange overrides threshold',
      metric: { name: 'request-success-rate', threshold: 99, thresholdRange: { min: 90 } },
      outcome: value(95),
      verdict: 'pass',
    },
    {
      name: 'thresholdRange min only on a custom query',
      metric: { name: 'rps', query: 'q', thresholdRange: { min: 10 } },
      outcome: value(5),
      verdict: 'fail',
    },
    {
      name: 'NaN is no data (#1095), success rate',
      metric: sr,
      outcome: value(Number.NaN),
      verdict: 'noData',
    },
    { name: 'NaN is no data, duration', metric: rd, outcome: value(Number.NaN), verdict: 'noData' },
    {
      name: 'empty result is no data',
      metric: sr,
      outcome: { kind: 'noData', message: 'no values found' },
      verdict: 'noData',
    },
    {
      name: 'query error is an error',
      metric: custom,
      outcome: { kind: 'error', message: 'timeout after 5s' },
      verdict: 'error',
      explanation: 'error-rate: metrics query failed: timeout after 5s',
    },
    {
      name: 'legacy istio_requests_total is a success-rate minimum',
      metric: { name: 'istio_requests_total', threshold: 99 },
      outcome: value(98),
      verdict: 'fail',
    },
    {
      name: 'legacy duration alias is a maximum',
      metric: { name: 'istio_request_duration_seconds_bucket', threshold: 500 },
      outcome: value(400),
      verdict: 'pass',
    },
    {
      name: 'builtin name with a custom query is a custom maximum',
      metric: { name: 'request-success-rate', threshold: 99, query: 'q' },
      outcome: value(98),
      verdict: 'pass',
    },
  ] as { name: string; metric: MetricSpec; outcome: QueryOutcome; verdict: string; explanation?: string }[])(
    '$name',
    ({ metric, outcome, verdict, explanation }) => {
      const r = evaluateMetric(metric, outcome);
      expect(r.verdict).toBe(verdict);
      expect(r.kind).toBe('metric');
      expect(r.name).toBe(metric.name);
      expect(r.explanation).toMatch(/^[^\n]+$/);
      if (explanation) expect(r.explanation).toBe(explanation);
    },
  );

  it('reports bounds, value and query', () => {
    expect(evaluateMetric(sr, value(99.9), { query: 'sum(...)' })).toMatchObject({
      min: 99,
      value: 99.9,
      query: 'sum(...)',
    });
    expect(evaluateMetric(rd, value(1))).toMatchObject({ max: 500 });
  });

  it('no data explains itself and keeps no value', () => {
    const r = evaluateMetric(sr, { kind: 'noData', message: 'no values found for query' });
    expect(r.value).toBeUndefined();
    expect(r.explanation).toContain('no values found');
  });

  it('an explicit builtin overrides the name', () => {
    expect(
      evaluateMetric({ name: 'sr', threshold: 99, templateRef: { name: 't' } }, value(98), {
        builtin: 'request-success-rate',
      }).verdict,
    ).toBe('fail');
  });
});
