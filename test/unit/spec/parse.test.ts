import { describe, expect, it } from 'vitest';
import * as acc from '../../../lib/domain/spec/accessors.js';
import { formatErrors, parseCanary, type FieldError } from '../../../lib/domain/spec/parse.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import { aManifest, fixture } from './builders.js';

function ok(
  input: string | object,
  opts?: { defaultNamespace?: string },
): { canary: Canary; warnings: string[] } {
  const r = parseCanary(input, opts);
  if (!r.ok) throw new Error(formatErrors(r.errors));
  return r;
}

function errors(input: string | object): FieldError[] {
  const r = parseCanary(input);
  if (r.ok) throw new Error(`expected errors, got a canary (warnings: ${r.warnings.join('; ')})`);
  return r.errors;
}

describe('fixtures', () => {
  it.each([
    'podinfo-canary.yaml',
    'podinfo-canary.json',
    'podinfo-canary-v1alpha3.yaml',
    'podinfo-abtest.yaml',
    'podinfo-bluegreen.yaml',
    'podinfo-appmesh.yaml',
    'podinfo-gatewayapi.yaml',
  ])('%s parses without warnings', (name) => {
    expect(ok(fixture(name)).warnings).toEqual([]);
  });

  it.each([
    { name: 'podinfo-canary.yaml', provider: 'istio', strategy: 'canary', maxWeight: 50 },
    { name: 'podinfo-abtest.yaml', provider: 'istio', strategy: 'ab-testing', maxWeight: 100 },
    { name: 'podinfo-bluegreen.yaml', provider: 'kubernetes', strategy: 'blue-green', maxWeight: 100 },
    { name: 'podinfo-appmesh.yaml', provider: 'appmesh', strategy: 'canary', maxWeight: 50 },
    { name: 'podinfo-gatewayapi.yaml', provider: 'gatewayapi', strategy: 'canary', maxWeight: 50 },
  ] as const)('$name runs as $strategy on $provider', ({ name, provider, strategy, maxWeight }) => {
    const { canary } = ok(fixture(name));
    const p = acc.provider(canary, 'istio');
    expect({ p, strategy: acc.strategy(canary, p), maxWeight: acc.maxWeight(canary) }).toEqual({
      p: provider,
      strategy,
      maxWeight,
    });
  });
});

describe('the podinfo canary with defaults applied', () => {
  const { canary: c } = ok(fixture('podinfo-canary.yaml'));
  const [successRate, duration] = acc.metrics(c);
  const [acceptance, load] = acc.webhooks(c);
  it.each([
    { name: 'namespace', got: () => c.metadata.namespace, want: 'test' },
    { name: 'interval', got: () => acc.intervalSeconds(c), want: 60 },
    { name: 'threshold', got: () => acc.threshold(c), want: 5 },
    { name: 'maxWeight', got: () => acc.maxWeight(c), want: 50 },
    { name: 'stepWeight', got: () => acc.stepWeight(c), want: 10 },
    { name: 'iterations', got: () => acc.iterations(c), want: 0 },
    { name: 'progress deadline', got: () => acc.progressDeadlineSeconds(c), want: 60 },
    { name: 'provider', got: () => acc.provider(c, 'kubernetes'), want: 'istio' },
    { name: 'strategy', got: () => acc.strategy(c, 'istio'), want: 'canary' },
    { name: 'skipAnalysis', got: () => acc.skipAnalysis(c), want: false },
    {
      name: 'service names',
      got: () => [acc.apexName(c), acc.primaryName(c), acc.canaryName(c)],
      want: ['podinfo', 'podinfo-primary', 'podinfo-canary'],
    },
    { name: 'portName', got: () => acc.portName(c), want: 'http' },
    { name: 'targetPort', got: () => acc.targetPort(c), want: 9898 },
    {
      name: 'ready thresholds',
      got: () => [acc.primaryReadyThreshold(c), acc.canaryReadyThreshold(c)],
      want: [100, 100],
    },
    { name: 'autoscaler', got: () => c.spec.autoscalerRef?.name, want: 'podinfo' },
    {
      name: 'success-rate metric',
      got: () => [
        acc.builtinMetric(successRate),
        acc.metricIntervalSeconds(successRate),
        acc.metricBounds(successRate),
      ],
      want: ['request-success-rate', 60, { min: 99 }],
    },
    {
      name: 'duration metric',
      got: () => [
        acc.builtinMetric(duration),
        acc.metricIntervalSeconds(duration),
        acc.metricBounds(duration),
      ],
      want: ['request-duration', 30, { max: 500 }],
    },
    {
      name: 'pre-rollout hook',
      got: () => [acceptance.name, acc.webhookType(acceptance), acc.webhookTimeoutMs(acceptance)],
      want: ['acceptance-test', 'pre-rollout', 30_000],
    },
    {
      name: 'load-test hook (default timeout)',
      got: () => [load.name, acc.webhookType(load), acc.webhookTimeoutMs(load), acc.webhookRetries(load)],
      want: ['load-test', 'rollout', 10_000, 0],
    },
    {
      name: 'load-test command',
      got: () => load.metadata?.cmd,
      want: 'hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/',
    },
  ])('$name', ({ got, want }) => {
    expect(got()).toEqual(want);
  });
});

describe('input forms', () => {
  const yaml = ok(fixture('podinfo-canary.yaml')).canary;

  it('JSON text parses to the same canary as the YAML', () => {
    expect(ok(fixture('podinfo-canary.json')).canary).toEqual(yaml);
  });

  it('an already-decoded object parses to the same canary and is not modified', () => {
    const input = JSON.parse(fixture('podinfo-canary.json')) as object;
    const before = structuredClone(input);
    expect(ok(input).canary).toEqual(yaml);
    expect(input).toEqual(before);
  });

  it('v1alpha3 canaryAnalysis (with the seed metric names) gives the same analysis', () => {
    const old = ok(fixture('podinfo-canary-v1alpha3.yaml')).canary;
    expect('canaryAnalysis' in old.spec).toBe(false);
    expect({ ...old.spec.analysis, metrics: [] }).toEqual({ ...yaml.spec.analysis, metrics: [] });
    const view = (c: Canary) =>
      acc.metrics(c).map((m) => [acc.builtinMetric(m), acc.metricIntervalSeconds(m), acc.metricBounds(m)]);
    expect(view(old)).toEqual(view(yaml));
  });

  it('a multi-document stream with one Canary uses it and says what it ignored', () => {
    const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: podinfo}\n---\n${fixture('podinfo-canary.yaml')}`;
    const r = ok(text);
    expect(r.canary).toEqual(yaml);
    expect(r.warnings).toEqual([
      '(document): using document 2; ignored 1 other document(s) of kind Deployment',
    ]);
  });

  it.each([
    { name: 'namespace given', edits: {}, opts: { defaultNamespace: 'other' }, want: 'test' },
    {
      name: 'no namespace, no option',
      edits: { 'metadata.namespace': undefined },
      opts: undefined,
      want: 'default',
    },
    {
      name: 'no namespace, option',
      edits: { 'metadata.namespace': undefined },
      opts: { defaultNamespace: 'apps' },
      want: 'apps',
    },
  ])('namespace: $name → $want', ({ edits, opts, want }) => {
    expect(ok(aManifest(edits), opts).canary.metadata.namespace).toBe(want);
  });
});

describe('documents that are not one Canary', () => {
  const canaryText = fixture('podinfo-canary.yaml');
  it.each([
    { name: 'empty text', input: '  \n', want: /^expected a Canary manifest .*got an empty document$/ },
    { name: 'comments only', input: '# nothing\n', want: /got an empty document$/ },
    { name: 'a scalar', input: 'hello', want: /got a string$/ },
    { name: 'a list', input: '[1, 2]', want: /got a list$/ },
    {
      name: 'bad indentation',
      input: 'spec:\n  a: 1\n b: 2\n',
      want: /^YAML syntax error at line 3, column 1: All mapping items/,
    },
    {
      name: 'unclosed quote',
      input: 'kind: "Canary\n',
      want: /^YAML syntax error at line 2, column 1: Missing closing/,
    },
    {
      name: 'duplicate key',
      input: 'kind: Canary\nkind: Canary\n',
      want: /^YAML syntax error at line 2, column 1: Map keys must be unique/,
    },
    {
      name: 'broken JSON',
      input: '{"kind": "Canary",\n  "spec": {"port": 1}\n',
      want: /^YAML syntax error at line 3, column 1: Flow map must end with a \}/,
    },
    {
      name: 'two Canaries',
      input: `${canaryText}\n---\n${canaryText}`,
      want: 'expected exactly one document with kind: Canary, found 2, in documents 1, 2',
    },
    {
      name: 'no Canary among several',
      input: 'kind: Deployment\n---\nkind: Service\n',
      want: 'expected exactly one document with kind: Canary, found none among kinds Deployment, Service',
    },
  ])('$name', ({ input, want }) => {
    const [first] = errors(input);
    expect(first?.path).toBe('');
    if (typeof want === 'string') expect(first?.message).toBe(want);
    else expect(first?.message).toMatch(want);
  });

  it('both analysis and canaryAnalysis is an error on canaryAnalysis', () => {
    expect(errors(aManifest({ 'spec.canaryAnalysis': { stepWeight: 10 } }))).toEqual([
      {
        path: 'spec.canaryAnalysis',
        message: 'expected either analysis (v1beta1) or canaryAnalysis (v1alpha3), got both',
      },
    ]);
  });
});
