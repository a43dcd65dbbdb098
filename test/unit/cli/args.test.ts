import { describe, expect, it } from 'vitest';
import { parseCanaryId, parseCount, parseDuration } from '../../../cli/args.js';
import { parseResourceId } from '../../../cli/commands/resources.js';
import { UsageError } from '../../../cli/io.js';
import { outputFormat } from '../../../cli/output.js';

describe('parseCanaryId', () => {
  it('takes CLUSTER/NAMESPACE/NAME', () => {
    expect(parseCanaryId('prod/test/podinfo', 'ignored')).toEqual({
      cluster: 'prod',
      namespace: 'test',
      name: 'podinfo',
    });
  });

  it('takes NAMESPACE/NAME with a cluster from --cluster or FLAGGER_CLUSTER', () => {
    expect(parseCanaryId('test/podinfo', 'dev')).toEqual({
      cluster: 'dev',
      namespace: 'test',
      name: 'podinfo',
    });
  });

  it.each([
    { text: undefined, cluster: 'x', want: /missing canary id/ },
    { text: 'test/podinfo', cluster: undefined, want: /has no cluster/ },
    { text: 'podinfo', cluster: 'x', want: /bad canary id/ },
    { text: 'a/b/c/d', cluster: 'x', want: /bad canary id/ },
    { text: 'a//c', cluster: 'x', want: /bad canary id/ },
  ])('refuses $text (cluster $cluster)', ({ text, cluster, want }) => {
    expect(() => parseCanaryId(text, cluster)).toThrow(UsageError);
    expect(() => parseCanaryId(text, cluster)).toThrow(want);
  });
});

describe('parseDuration', () => {
  it.each([
    { text: '500ms', want: 500 },
    { text: '2s', want: 2000 },
    { text: '10m', want: 600_000 },
    { text: '1h', want: 3_600_000 },
    { text: '1m30s', want: 90_000 },
    { text: '15', want: 15_000 },
    { text: '0.5s', want: 500 },
  ])('$text = $want ms', ({ text, want }) => expect(parseDuration(text, 'timeout')).toBe(want));

  it.each(['', '10x', 'm', '10m garbage', '-1s'])('refuses "%s"', (text) => {
    expect(() => parseDuration(text, 'timeout')).toThrow(/--timeout: expected a duration/);
  });
});

describe('parseCount', () => {
  it('accepts positive integers only', () => {
    expect(parseCount('5', 'limit')).toBe(5);
    expect(() => parseCount('0', 'limit')).toThrow(/--limit/);
    expect(() => parseCount('2.5', 'limit')).toThrow(/--limit/);
  });
});

describe('parseResourceId', () => {
  it('takes NAMESPACE/NAME, or NAME with -n', () => {
    expect(parseResourceId('apps/error-rate', undefined, 'metric template')).toEqual({
      namespace: 'apps',
      name: 'error-rate',
    });
    expect(parseResourceId('error-rate', 'apps', 'metric template')).toEqual({
      namespace: 'apps',
      name: 'error-rate',
    });
  });

  it('refuses anything else as a usage error', () => {
    expect(() => parseResourceId('error-rate', undefined, 'metric template')).toThrow(
      new UsageError('bad metric template id "error-rate": expected NAMESPACE/NAME, or NAME with -n'),
    );
    expect(() => parseResourceId(undefined, 'apps', 'alert provider')).toThrow('missing alert provider id');
    expect(() => parseResourceId('a/b/c', undefined, 'alert provider')).toThrow(UsageError);
  });
});

describe('outputFormat', () => {
  it('accepts the formats a command offers, the table by default', () => {
    expect(outputFormat(undefined)).toBe('table');
    expect(outputFormat('wide')).toBe('wide');
    expect(outputFormat('name', ['json', 'name'])).toBe('name');
    expect(() => outputFormat('name')).toThrow(new UsageError('-o: expected json, yaml or wide, got "name"'));
  });
});
