/**
 * The builtin checks of Linkerd, SMI, Consul and Kuma, for the canary and the primary: the exact
 * PromQL (Flagger's linkerd and kuma observers; Consul's Envoy inbound cluster), and the sandbox
 * metrics provider recognising each one.
 */
import { describe, expect, it } from 'vitest';
import { builtinQuery } from '../../../lib/adapters/prometheus/queries.js';
import type { Provider } from '../../../lib/domain/spec/accessors.js';
import { parseBuiltin } from '../../../sandbox/traffic/promql.js';

const base = { namespace: 'test', target: 'podinfo', interval: '1m' } as const;

const ratio = (metric: string, sel: string, ok: string) =>
  `sum(rate(${metric}{${sel},${ok}}[1m])) / sum(rate(${metric}{${sel}}[1m])) * 100`;
const p99 = (bucket: string, sel: string) =>
  `histogram_quantile(0.99, sum(rate(${bucket}{${sel}}[1m])) by (le))`;

const linkerd = (target: string) => `namespace="test",deployment=~"${target}",direction="inbound"`;
const consul = (target: string) =>
  `namespace="test",pod=~"${target}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",envoy_cluster_name="local_app"`;
const kuma = (service: string) => `service=~"${service}_test_svc_[0-9a-zA-Z-]+"`;
const ISTIO = (target: string) =>
  `reporter="destination",destination_workload_namespace="test",destination_workload=~"${target}"`;

describe('mesh builtin queries', () => {
  it.each([
    {
      provider: 'linkerd',
      side: 'canary',
      success: ratio('response_total', linkerd('podinfo'), 'classification!="failure"'),
      duration: p99('response_latency_ms_bucket', linkerd('podinfo')),
    },
    {
      provider: 'linkerd',
      side: 'primary',
      success: ratio('response_total', linkerd('podinfo-primary'), 'classification!="failure"'),
      duration: p99('response_latency_ms_bucket', linkerd('podinfo-primary')),
    },
    {
      provider: 'consul',
      side: 'canary',
      success: ratio('envoy_cluster_upstream_rq', consul('podinfo'), 'envoy_response_code!~"5.*"'),
      duration: p99('envoy_cluster_upstream_rq_time_bucket', consul('podinfo')),
    },
    {
      provider: 'consul',
      side: 'primary',
      success: ratio('envoy_cluster_upstream_rq', consul('podinfo-primary'), 'envoy_response_code!~"5.*"'),
      duration: p99('envoy_cluster_upstream_rq_time_bucket', consul('podinfo-primary')),
    },
    {
      provider: 'kuma',
      side: 'canary',
      success: ratio('envoy_cluster_upstream_rq', kuma('podinfo-canary'), 'envoy_response_code!~"5.*"'),
      duration: p99('envoy_cluster_upstream_rq_time_bucket', kuma('podinfo-canary')),
    },
    {
      provider: 'kuma',
      side: 'primary',
      success: ratio('envoy_cluster_upstream_rq', kuma('podinfo-primary'), 'envoy_response_code!~"5.*"'),
      duration: p99('envoy_cluster_upstream_rq_time_bucket', kuma('podinfo-primary')),
    },
    {
      provider: 'smi',
      side: 'canary',
      success: ratio('istio_requests_total', ISTIO('podinfo'), 'response_code!~"5.*"'),
      duration: p99('istio_request_duration_milliseconds_bucket', ISTIO('podinfo')),
    },
  ] as const)('$provider, $side', ({ provider, side, success, duration }) => {
    const input = { ...base, provider: provider as Provider, side };
    expect(builtinQuery('request-success-rate', input)).toBe(success);
    expect(builtinQuery('request-duration', input)).toBe(duration);
    expect(parseBuiltin(success)).toMatchObject({ kind: 'ratio', factor: 100 });
    expect(parseBuiltin(duration)).toMatchObject({ kind: 'quantile', q: 0.99, factor: 1 });
  });

  it('the Linkerd canary selector never matches the primary workload', () => {
    const q = parseBuiltin(builtinQuery('request-success-rate', { ...base, provider: 'linkerd' }));
    expect(q?.kind === 'ratio' && q.denominator.matchers).toContainEqual({
      name: 'deployment',
      op: '=~',
      value: 'podinfo',
    });
  });
});
