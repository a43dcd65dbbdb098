/**
 * The judge's fields (docs/analysis.md "Turning it on") through the real manifest parser: accepted
 * where Flagger's YAML is unchanged, refused with the field's path where they are wrong.
 */
import { describe, expect, it } from 'vitest';
import { parseCanary } from '../../../lib/domain/spec/parse.js';
import { judgeConfig } from '../../../lib/domain/judge/spec.js';
import { aManifest } from './builders.js';
import { errorsFor, warningsFor } from './tables.js';

const latency = { name: 'request-duration', threshold: 500, interval: '1m' };

describe('judge fields in a Canary', () => {
  it('a Flagger manifest without them is not judged', () => {
    const r = parseCanary(aManifest());
    if (!r.ok) throw new Error('rejected');
    expect(judgeConfig(r.canary.spec.analysis!).comparisons).toEqual([]);
  });

  it('judge.enabled compares every builtin; compare alone replaces the static bound', () => {
    const r = parseCanary(
      aManifest({
        'spec.analysis.judge': { enabled: true, inconclusive: { maxSteps: 12, outcome: 'fail' } },
        'spec.analysis.metrics[1]': { name: 'request-duration', compare: { margin: 30 } },
      }),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const config = judgeConfig(r.canary.spec.analysis!);
    expect(config.comparisons.map((c) => [c.name, c.kind])).toEqual([
      ['request-success-rate', 'errors'],
      ['request-duration', 'latency'],
    ]);
    expect(config.comparisons[1]!.options.margin).toBeCloseTo(1.3);
    expect(config.inconclusive).toEqual({ maxSteps: 12, outcome: 'fail' });
  });

  it.each([
    {
      name: 'margin of the wrong type',
      edits: { 'spec.analysis.metrics[0].compare': { margin: 'one' } },
      path: 'spec.analysis.metrics[0].compare.margin',
      message: /^expected a number, got string "one"$/,
    },
    {
      name: 'unknown outcome',
      edits: { 'spec.analysis.judge': { inconclusive: { outcome: 'retry' } } },
      path: 'spec.analysis.judge.inconclusive.outcome',
      message: /^expected one of "hold", "fail", "proceed", got string "retry"$/,
    },
    {
      name: 'margin not above the tolerance',
      edits: { 'spec.analysis.metrics[0].compare': { margin: 1, tolerance: 1 } },
      path: 'spec.analysis.metrics[0].compare.margin',
      message: /^expected a margin greater than the tolerance \(1\), got number 1/,
    },
    {
      name: 'a template compared',
      edits: { 'spec.analysis.metrics[1]': { name: 'errors', query: 'sum(x)', threshold: 1, compare: {} } },
      path: 'spec.analysis.metrics[1].compare',
      message: /^only the builtin request-success-rate and request-duration checks can be compared/,
    },
    {
      name: 'A/B testing judged',
      edits: {
        'spec.analysis.judge': { enabled: true },
        'spec.analysis.stepWeight': undefined,
        'spec.analysis.maxWeight': undefined,
        'spec.analysis.iterations': 10,
        'spec.analysis.match': [{ headers: { user: { exact: 'test' } } }],
      },
      path: 'spec.analysis.judge',
      message: /^comparing against the primary needs weighted canary traffic .*A\/B testing/,
    },
  ])('$name → $path', ({ edits, path, message }) => {
    const errs = errorsFor({ 'spec.analysis.metrics[1]': latency, ...edits });
    const found = errs.find((e) => e.path === path);
    expect(found, JSON.stringify(errs)).toBeDefined();
    expect(found?.message).toMatch(message);
  });

  it('proceed is accepted with a warning that names the field', () => {
    const w = warningsFor({ 'spec.analysis.judge': { enabled: true, inconclusive: { outcome: 'proceed' } } });
    expect(w.some((x) => x.startsWith('spec.analysis.judge.inconclusive.outcome: proceed promotes'))).toBe(
      true,
    );
  });
});
