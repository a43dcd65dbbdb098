import { describe, expect, it } from 'vitest';

import { CheckResolutionError } from '../../../lib/adapters/prometheus/errors.js';
import {
  builtinAlias,
  builtinAliases,
  builtinQuery,
  type BuiltinQueryInput,
} from '../../../lib/adapters/prometheus/queries.js';
import { builtinMetricNames } from '../../../lib/domain/spec/catalog.js';

const base = { namespace: 'test', target: 'podinfo', interval: '1m' } as const;

const ISTIO_SEL =
  'reporter="destination",destination_workload_namespace="test",destination_workload=~"podinfo"';
const ENVOY_SEL = 'kubernetes_namespace="test",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"';

const istioSuccess =
  `sum(rate(istio_requests_total{${ISTIO_SEL},response_code!~"5.*"}[1m]))` +
  ` / sum(rate(istio_requests_total{${ISTIO_SEL}}[1m])) * 100`;
const istioDuration = `histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{${ISTIO_SEL}}[1m])) by (le))`;
const istioDurationSeconds = `histogram_quantile(0.99, sum(rate(istio_request_duration_seconds_bucket{${ISTIO_SEL}}[1m])) by (le)) * 1000`;

describe('builtinQuery', () => {
  it.each([
    { name: 'Istio success rate', provider: 'istio', check: 'request-success-rate', want: istioSuccess },
    {
      name: 'Istio P99 (ms histogram, default)',
      provider: 'istio',
      check: 'request-duration',
      want: istioDuration,
    },
    {
      name: 'Istio P99 (seconds histogram × 1000)',
      provider: 'istio',
      check: 'request-duration',
      unit: 'seconds',
      want: istioDurationSeconds,
    },
    {
      name: 'Gateway API success rate (Istio metrics)',
      provider: 'gatewayapi',
      check: 'request-success-rate',
      want: istioSuccess,
    },
    {
      name: 'Gateway API P99 (Istio metrics)',
      provider: 'gatewayapi',
      check: 'request-duration',
      want: istioDuration,
    },
    {
      name: 'App Mesh success rate',
      provider: 'appmesh',
      check: 'request-success-rate',
      want:
        `sum(rate(envoy_cluster_upstream_rq{${ENVOY_SEL},envoy_response_code!~"5.*"}[1m]))` +
        ` / sum(rate(envoy_cluster_upstream_rq{${ENVOY_SEL}}[1m])) * 100`,
    },
    {
      name: 'App Mesh P99 (ms, no scaling)',
      provider: 'appmesh',
      check: 'request-duration',
      want: `histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_bucket{${ENVOY_SEL}}[1m])) by (le))`,
    },
  ] as const)('$name', ({ provider, check, want, ...rest }) => {
    const input: BuiltinQueryInput = {
      ...base,
      provider,
      istioDurationUnit: 'unit' in rest ? rest.unit : undefined,
    };
    expect(builtinQuery(check, input)).toBe(want);
  });

  it.each(['istio', 'appmesh', 'linkerd', 'nginx'] as const)(
    "adds the cluster's labels to every %s selector",
    (provider) => {
      const clusterLabels = { cluster: 'prod-eu', region: 'eu-west-1' };
      for (const check of ['request-success-rate', 'request-duration'] as const) {
        const plain = builtinQuery(check, { ...base, provider });
        const scoped = builtinQuery(check, { ...base, provider, clusterLabels });
        const selectors = (q: string) => q.match(/\{[^}]*\}/g) ?? [];
        expect(selectors(scoped).length).toBe(selectors(plain).length);
        expect(selectors(scoped).every((s) => s.includes(',cluster="prod-eu",region="eu-west-1"'))).toBe(
          true,
        );
      }
    },
  );

  it('rejects a cluster label that is not a Prometheus label name', () => {
    expect(() =>
      builtinQuery('request-success-rate', { ...base, provider: 'istio', clusterLabels: { 'a-b': 'x' } }),
    ).toThrow('cluster label "a-b" is not a Prometheus label name');
  });

  it('uses the interval window', () => {
    expect(builtinQuery('request-success-rate', { ...base, provider: 'istio', interval: '30s' })).toContain(
      '}[30s]))',
    );
  });

  it('has no builtins for the kubernetes provider', () => {
    expect(() => builtinQuery('request-duration', { ...base, provider: 'kubernetes' })).toThrow(
      expect.objectContaining({ name: 'CheckResolutionError', reason: 'BuiltinNotAvailable' }),
    );
  });

  it.each([
    { field: 'namespace', input: { namespace: 'te"st' } },
    { field: 'target', input: { target: 'podinfo"}[1m]) or vector(100) #' } },
    { field: 'interval', input: { interval: '1m]) or vector(1' } },
  ])('rejects an unsafe $field', ({ field, input }) => {
    const call = () => builtinQuery('request-success-rate', { ...base, provider: 'istio', ...input });
    expect(call).toThrow(CheckResolutionError);
    expect(call).toThrow(field);
  });
});

describe('builtinAlias', () => {
  it.each([
    { name: 'request-success-rate', want: { check: 'request-success-rate' } },
    { name: 'request-duration', want: { check: 'request-duration' } },
    {
      name: 'istio_requests_total',
      want: { check: 'request-success-rate', providers: ['istio', 'gatewayapi'] },
    },
    {
      name: 'istio_request_duration_seconds_bucket',
      want: { check: 'request-duration', providers: ['istio', 'gatewayapi'], istioDurationUnit: 'seconds' },
    },
    {
      name: 'envoy_cluster_upstream_rq',
      want: { check: 'request-success-rate', providers: ['appmesh', 'consul', 'kuma'] },
    },
  ])('$name', ({ name, want }) => {
    expect(builtinAlias(name)).toEqual(want);
  });

  it.each(['error-rate', 'envoy_cluster_upstream_rq_time_bucket', 'toString', '__proto__', ''])(
    '%j is not a builtin',
    (name) => {
      expect(builtinAlias(name)).toBeUndefined();
    },
  );
});

describe('builtin names agree with the domain catalog', () => {
  it('has the same names, checks and providers', () => {
    const ours = Object.fromEntries(
      Object.entries(builtinAliases).map(([name, a]) => [name, { check: a.check, providers: a.providers }]),
    );
    const theirs = Object.fromEntries(
      Object.entries(builtinMetricNames).map(([name, a]) => [
        name,
        { check: a.check, providers: a.providers },
      ]),
    );
    expect(ours).toEqual(theirs);
  });
});

describe('the primary side', () => {
  it.each(['istio', 'gatewayapi', 'appmesh'] as const)(
    '%s: the same query over <target>-primary, never matching the canary',
    (provider) => {
      const base = { provider, namespace: 'test', target: 'podinfo', interval: '1m' };
      for (const check of ['request-success-rate', 'request-duration'] as const) {
        const canary = builtinQuery(check, base);
        const primary = builtinQuery(check, { ...base, side: 'primary' });
        expect(primary).toBe(canary.split('"podinfo').join('"podinfo-primary'));
      }
    },
  );
});
