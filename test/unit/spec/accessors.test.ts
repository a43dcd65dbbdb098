import { describe, expect, it } from 'vitest';
import * as acc from '../../../lib/domain/spec/accessors.js';
import { checkProvider } from '../../../lib/domain/spec/catalog.js';
import type { MetricSpec } from '../../../lib/domain/spec/schema.js';
import { aCanary, type Edits } from './builders.js';

const noSteps: Edits = { 'spec.analysis.stepWeight': undefined, 'spec.analysis.maxWeight': undefined };
const abMatch = [{ headers: { 'x-canary': { exact: 'insider' } } }];

describe('analysis defaults', () => {
  it.each([
    { name: 'interval 1m', edits: {}, fn: acc.intervalSeconds, want: 60 },
    {
      name: 'interval absent → 60',
      edits: { 'spec.analysis.interval': undefined },
      fn: acc.intervalSeconds,
      want: 60,
    },
    { name: 'interval 30s', edits: { 'spec.analysis.interval': '30s' }, fn: acc.intervalSeconds, want: 30 },
    {
      name: 'interval 1m30s',
      edits: { 'spec.analysis.interval': '1m30s' },
      fn: acc.intervalSeconds,
      want: 90,
    },
    {
      name: 'interval 5s → floor 10',
      edits: { 'spec.analysis.interval': '5s' },
      fn: acc.intervalSeconds,
      want: 10,
    },
    {
      name: 'interval 500ms → floor 10',
      edits: { 'spec.analysis.interval': '500ms' },
      fn: acc.intervalSeconds,
      want: 10,
    },
    {
      name: 'no analysis → interval 60',
      edits: { 'spec.analysis': undefined },
      fn: acc.intervalSeconds,
      want: 60,
    },
    { name: 'threshold 5', edits: {}, fn: acc.threshold, want: 5 },
    { name: 'threshold 0 → 1', edits: { 'spec.analysis.threshold': 0 }, fn: acc.threshold, want: 1 },
    { name: 'threshold -3 → 1', edits: { 'spec.analysis.threshold': -3 }, fn: acc.threshold, want: 1 },
    {
      name: 'threshold absent → 1',
      edits: { 'spec.analysis.threshold': undefined },
      fn: acc.threshold,
      want: 1,
    },
    { name: 'maxWeight 50', edits: {}, fn: acc.maxWeight, want: 50 },
    {
      name: 'maxWeight absent → 100',
      edits: { 'spec.analysis.maxWeight': undefined },
      fn: acc.maxWeight,
      want: 100,
    },
    {
      name: 'maxWeight from last stepWeights',
      edits: { ...noSteps, 'spec.analysis.stepWeights': [1, 5, 30] },
      fn: acc.maxWeight,
      want: 30,
    },
    {
      name: 'stepWeights win over maxWeight',
      edits: { 'spec.analysis.stepWeight': undefined, 'spec.analysis.stepWeights': [10, 80] },
      fn: acc.maxWeight,
      want: 80,
    },
    { name: 'progressDeadlineSeconds default 600', edits: {}, fn: acc.progressDeadlineSeconds, want: 600 },
    { name: 'iterations default 0', edits: {}, fn: acc.iterations, want: 0 },
    { name: 'stepWeightPromotion default 0', edits: {}, fn: acc.stepWeightPromotion, want: 0 },
    { name: 'mirrorWeight default 100', edits: {}, fn: acc.mirrorWeight, want: 100 },
    { name: 'primaryReadyThreshold default 100', edits: {}, fn: acc.primaryReadyThreshold, want: 100 },
    {
      name: 'canaryReadyThreshold set',
      edits: { 'spec.analysis.canaryReadyThreshold': 50 },
      fn: acc.canaryReadyThreshold,
      want: 50,
    },
    {
      name: 'skipAnalysis when analysis absent',
      edits: { 'spec.analysis': undefined },
      fn: acc.skipAnalysis,
      want: true,
    },
    { name: 'skipAnalysis when set', edits: { 'spec.skipAnalysis': true }, fn: acc.skipAnalysis, want: true },
    { name: 'suspended default false', edits: {}, fn: acc.suspended, want: false },
  ])('$name', ({ edits, fn, want }) => {
    expect(fn(aCanary(edits))).toBe(want);
  });
});

describe('service names and ports', () => {
  it.each([
    {
      name: 'apex from target',
      edits: {},
      want: ['podinfo', 'podinfo-primary', 'podinfo-canary', 'http', 9898],
    },
    {
      name: 'apex from service.name',
      edits: { 'spec.service.name': 'web' },
      want: ['web', 'web-primary', 'web-canary', 'http', 9898],
    },
    {
      name: 'portName and named targetPort',
      edits: { 'spec.service.portName': 'grpc', 'spec.service.targetPort': 'grpc' },
      want: ['podinfo', 'podinfo-primary', 'podinfo-canary', 'grpc', 'grpc'],
    },
  ])('$name', ({ edits, want }) => {
    const c = aCanary(edits);
    expect([
      acc.apexName(c),
      acc.primaryName(c),
      acc.canaryName(c),
      acc.portName(c),
      acc.targetPort(c),
    ]).toEqual(want);
  });
});

describe('provider and strategy', () => {
  it.each([
    {
      name: 'unset → cluster default',
      edits: {},
      fallback: 'gatewayapi',
      want: ['gatewayapi', undefined, 'canary'],
    },
    {
      name: 'istio',
      edits: { 'spec.provider': 'istio' },
      fallback: 'kubernetes',
      want: ['istio', undefined, 'canary'],
    },
    {
      name: 'gatewayapi:v1',
      edits: { 'spec.provider': 'gatewayapi:v1', 'spec.service.gatewayRefs': [{ name: 'gw' }] },
      fallback: 'istio',
      want: ['gatewayapi', 'v1', 'canary'],
    },
    {
      name: 'gatewayapi:v1beta1',
      edits: { 'spec.provider': 'gatewayapi:v1beta1', 'spec.service.gatewayRefs': [{ name: 'gw' }] },
      fallback: 'istio',
      want: ['gatewayapi', 'v1beta1', 'canary'],
    },
    {
      name: 'appmesh:v1beta2',
      edits: { 'spec.provider': 'appmesh:v1beta2', 'spec.service.meshName': 'global' },
      fallback: 'istio',
      want: ['appmesh', 'v1beta2', 'canary'],
    },
    {
      name: 'A/B: match + iterations',
      edits: { ...noSteps, 'spec.analysis.iterations': 10, 'spec.analysis.match': abMatch },
      fallback: 'istio',
      want: ['istio', undefined, 'ab-testing'],
    },
    {
      name: 'blue/green: iterations only',
      edits: { ...noSteps, 'spec.analysis.iterations': 10 },
      fallback: 'istio',
      want: ['istio', undefined, 'blue-green'],
    },
    {
      name: 'canary wins over iterations when stepWeight is set',
      edits: { 'spec.analysis.iterations': 10 },
      fallback: 'istio',
      want: ['istio', undefined, 'canary'],
    },
    {
      name: 'kubernetes is always blue/green',
      edits: { 'spec.provider': 'kubernetes', 'spec.analysis.iterations': 3 },
      fallback: 'istio',
      want: ['kubernetes', undefined, 'blue-green'],
    },
  ] as const)('$name', ({ edits, fallback, want }) => {
    const c = aCanary(edits);
    const p = acc.provider(c, fallback);
    expect([p, acc.providerVersion(c), acc.strategy(c, p)]).toEqual(want);
  });

  it.each([
    { raw: 'istio', want: { ok: true, family: 'istio', version: undefined } },
    { raw: 'kubernetes', want: { ok: true, family: 'kubernetes', version: undefined } },
    { raw: 'gatewayapi:v1', want: { ok: true, family: 'gatewayapi', version: 'v1' } },
    { raw: 'appmesh:v1beta2', want: { ok: true, family: 'appmesh', version: 'v1beta2' } },
    { raw: 'appmesh:v1beta2:x', want: { ok: false } },
    { raw: 'kubernetes:v1', want: { ok: false } },
    { raw: '', want: { ok: false } },
  ])('checkProvider($raw)', ({ raw, want }) => {
    expect(checkProvider(raw)).toMatchObject(want);
  });
});

describe('metrics', () => {
  const m = (spec: Partial<MetricSpec> & { name: string }): MetricSpec => spec;
  it.each([
    {
      name: 'success rate threshold is a minimum',
      metric: m({ name: 'request-success-rate', threshold: 99 }),
      want: ['builtin', 'request-success-rate', { min: 99 }, 60],
    },
    {
      name: 'duration threshold is a maximum',
      metric: m({ name: 'request-duration', threshold: 500, interval: '30s' }),
      want: ['builtin', 'request-duration', { max: 500 }, 30],
    },
    {
      name: 'seed alias istio_requests_total',
      metric: m({ name: 'istio_requests_total', threshold: 99 }),
      want: ['builtin', 'request-success-rate', { min: 99 }, 60],
    },
    {
      name: 'seed alias istio_request_duration_seconds_bucket',
      metric: m({ name: 'istio_request_duration_seconds_bucket', threshold: 500 }),
      want: ['builtin', 'request-duration', { max: 500 }, 60],
    },
    {
      name: 'seed alias envoy_cluster_upstream_rq',
      metric: m({ name: 'envoy_cluster_upstream_rq', threshold: 99 }),
      want: ['builtin', 'request-success-rate', { min: 99 }, 60],
    },
    {
      name: 'thresholdRange overrides threshold',
      metric: m({ name: 'request-duration', threshold: 500, thresholdRange: { min: 1, max: 300 } }),
      want: ['builtin', 'request-duration', { min: 1, max: 300 }, 60],
    },
    {
      name: 'custom query threshold is a maximum',
      metric: m({ name: 'errors', query: 'sum(x)', threshold: 5, interval: '2m' }),
      want: ['query', undefined, { max: 5 }, 120],
    },
    {
      name: 'query beats the builtin name',
      metric: m({ name: 'request-success-rate', query: 'q', thresholdRange: { min: 90 } }),
      want: ['query', undefined, { min: 90 }, 60],
    },
    {
      name: 'templateRef beats query',
      metric: m({ name: 'x', query: 'q', templateRef: { name: 't' } }),
      want: ['template', undefined, {}, 60],
    },
    { name: 'nothing usable', metric: m({ name: 'x' }), want: ['none', undefined, {}, 60] },
  ])('$name', ({ metric, want }) => {
    expect([
      acc.metricSource(metric),
      acc.builtinMetric(metric),
      acc.metricBounds(metric),
      acc.metricIntervalSeconds(metric),
    ]).toEqual(want);
  });

  it.each([
    { name: 'template namespace defaults to the canary', ref: { name: 't' }, want: 'test' },
    {
      name: 'explicit template namespace',
      ref: { name: 't', namespace: 'flagger-system' },
      want: 'flagger-system',
    },
  ])('$name', ({ ref, want }) => {
    const c = aCanary();
    expect(acc.templateNamespace(c, { name: 'x', templateRef: ref })).toBe(want);
  });
});

describe('webhooks and durations', () => {
  it.each([
    { value: '30s', want: 30_000 },
    { value: '1m', want: 60_000 },
    { value: '1h30m', want: 5_400_000 },
    { value: '250ms', want: 250 },
    { value: '1m30s', want: 90_000 },
    { value: '1.5m', want: undefined },
    { value: '', want: undefined },
    { value: undefined, want: undefined },
  ])('durationMs($value) = $want', ({ value, want }) => {
    expect(acc.durationMs(value)).toBe(want);
  });

  it.each([
    {
      name: 'untyped hook is rollout with 10s timeout',
      hook: { name: 'a', url: 'http://x/' },
      want: ['rollout', 10_000, 0],
    },
    {
      name: 'typed hook with timeout and retries',
      hook: { name: 'a', url: 'http://x/', type: 'confirm-promotion', timeout: '1m', retries: 3 },
      want: ['confirm-promotion', 60_000, 3],
    },
  ] as const)('$name', ({ hook, want }) => {
    expect([acc.webhookType(hook), acc.webhookTimeoutMs(hook), acc.webhookRetries(hook)]).toEqual(want);
  });

  it('webhooks(c, type) filters by effective type, in spec order', () => {
    const c = aCanary({
      'spec.analysis.webhooks': [
        { name: 'gate', type: 'confirm-rollout', url: 'http://x/gate' },
        { name: 'load', url: 'http://x/' },
        { name: 'smoke', type: 'rollout', url: 'http://x/smoke' },
      ],
    });
    expect(acc.webhooks(c, 'rollout').map((w) => w.name)).toEqual(['load', 'smoke']);
  });
});
