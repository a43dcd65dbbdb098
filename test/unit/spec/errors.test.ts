import { describe, expect, it } from 'vitest';
import { describeValue, formatErrors, formatPath } from '../../../lib/domain/spec/errors.js';
import { suggest } from '../../../lib/domain/spec/fields.js';

describe('error rendering', () => {
  it.each([
    { path: ['spec', 'analysis', 'metrics', 1, 'threshold'], want: 'spec.analysis.metrics[1].threshold' },
    {
      path: ['metadata', 'labels', 'app.kubernetes.io/name'],
      want: 'metadata.labels["app.kubernetes.io/name"]',
    },
    {
      path: ['spec', 'service', 'match', 0, 'headers', 'x-canary'],
      want: 'spec.service.match[0].headers.x-canary',
    },
    { path: [], want: '' },
  ])('formatPath → $want', ({ path, want }) => {
    expect(formatPath(path)).toBe(want);
  });

  it.each([
    { value: '10', want: 'string "10"' },
    { value: 1.5, want: 'number 1.5' },
    { value: false, want: 'boolean false' },
    { value: null, want: 'null' },
    { value: undefined, want: 'nothing' },
    { value: [1], want: 'a list' },
    { value: { a: 1 }, want: 'an object' },
    { value: 'x'.repeat(80), want: `string "${'x'.repeat(57)}..."` },
  ])('describeValue($value)', ({ value, want }) => {
    expect(describeValue(value)).toBe(want);
  });

  it('formatErrors writes one line per error', () => {
    expect(
      formatErrors([
        { path: '', message: 'YAML syntax error at line 1, column 1: x' },
        { path: 'spec.service.port', message: 'expected a number, got string "80"' },
      ]),
    ).toBe(
      '(document): YAML syntax error at line 1, column 1: x\nspec.service.port: expected a number, got string "80"',
    );
  });

  it.each([
    { key: 'stepweight', want: 'stepWeight' },
    { key: 'stepWeigth', want: 'stepWeight' },
    { key: 'iteration', want: 'iterations' },
    { key: 'colour', want: undefined },
  ])('suggest($key) = $want', ({ key, want }) => {
    expect(suggest(key, ['stepWeight', 'stepWeights', 'iterations', 'interval'])).toBe(want);
  });
});
