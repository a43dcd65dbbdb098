/**
 * The judge's raw cumulative counters per side: the builtin checks' selectors (queries.ts),
 * without rate(), for `<target>` and `<target>-primary`.
 */
import { describe, expect, it } from 'vitest';

import { CheckResolutionError } from '../../../lib/adapters/prometheus/errors.js';
import {
  judgeBucketQuery,
  judgeCountQueries,
  judgeQueries,
  type JudgeQueryInput,
} from '../../../lib/adapters/prometheus/judge-queries.js';
import { parseJudge } from '../../../sandbox/traffic/promql.js';

const base = { namespace: 'test', target: 'podinfo' } as const;

const ISTIO = (w: string) =>
  `reporter="destination",destination_workload_namespace="test",destination_workload=~"${w}"`;
const ENVOY = (w: string) =>
  `kubernetes_namespace="test",kubernetes_pod_name=~"${w}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"`;
const LINKERD = (w: string) => `namespace="test",deployment=~"${w}",direction="inbound"`;
const KUMA = (s: string) => `service=~"${s}_test_svc_[0-9a-zA-Z-]+"`;
const CONTOUR = (side: string) => `envoy_cluster_name=~"test_podinfo-${side}_[0-9a-zA-Z-]+"`;
const TRAEFIK = (side: string) => `service=~"test-podinfo-${side}-[0-9a-zA-Z-]+@kubernetescrd"`;

interface Case {
  name: string;
  input: Partial<JudgeQueryInput> & Pick<JudgeQueryInput, 'provider'>;
  side: 'canary' | 'primary';
  want: { requests: string; ok: string; buckets: string; scale: number };
}

const cases: Case[] = [
  {
    name: 'Istio canary (milliseconds histogram)',
    input: { provider: 'istio' },
    side: 'canary',
    want: {
      requests: `sum(istio_requests_total{${ISTIO('podinfo')}})`,
      ok: `sum(istio_requests_total{${ISTIO('podinfo')},response_code!~"5.*"})`,
      buckets: `sum by (le) (istio_request_duration_milliseconds_bucket{${ISTIO('podinfo')}})`,
      scale: 1,
    },
  },
  {
    name: 'Istio primary (seconds histogram, bounds × 1000)',
    input: { provider: 'istio', istioDurationUnit: 'seconds' },
    side: 'primary',
    want: {
      requests: `sum(istio_requests_total{${ISTIO('podinfo-primary')}})`,
      ok: `sum(istio_requests_total{${ISTIO('podinfo-primary')},response_code!~"5.*"})`,
      buckets: `sum by (le) (istio_request_duration_seconds_bucket{${ISTIO('podinfo-primary')}})`,
      scale: 1000,
    },
  },
  {
    name: 'Gateway API primary with cluster labels',
    input: { provider: 'gatewayapi', clusterLabels: { cluster: 'prod-eu' } },
    side: 'primary',
    want: {
      requests: `sum(istio_requests_total{${ISTIO('podinfo-primary')},cluster="prod-eu"})`,
      ok: `sum(istio_requests_total{${ISTIO('podinfo-primary')},cluster="prod-eu",response_code!~"5.*"})`,
      buckets: `sum by (le) (istio_request_duration_milliseconds_bucket{${ISTIO('podinfo-primary')},cluster="prod-eu"})`,
      scale: 1,
    },
  },
  {
    name: 'App Mesh primary',
    input: { provider: 'appmesh' },
    side: 'primary',
    want: {
      requests: `sum(envoy_cluster_upstream_rq{${ENVOY('podinfo-primary')}})`,
      ok: `sum(envoy_cluster_upstream_rq{${ENVOY('podinfo-primary')},envoy_response_code!~"5.*"})`,
      buckets: `sum by (le) (envoy_cluster_upstream_rq_time_bucket{${ENVOY('podinfo-primary')}})`,
      scale: 1,
    },
  },
  {
    name: 'Linkerd canary',
    input: { provider: 'linkerd' },
    side: 'canary',
    want: {
      requests: `sum(response_total{${LINKERD('podinfo')}})`,
      ok: `sum(response_total{${LINKERD('podinfo')},classification!="failure"})`,
      buckets: `sum by (le) (response_latency_ms_bucket{${LINKERD('podinfo')}})`,
      scale: 1,
    },
  },
  {
    name: 'Kuma primary (named after the Service)',
    input: { provider: 'kuma' },
    side: 'primary',
    want: {
      requests: `sum(envoy_cluster_upstream_rq{${KUMA('podinfo-primary')}})`,
      ok: `sum(envoy_cluster_upstream_rq{${KUMA('podinfo-primary')},envoy_response_code!~"5.*"})`,
      buckets: `sum by (le) (envoy_cluster_upstream_rq_time_bucket{${KUMA('podinfo-primary')}})`,
      scale: 1,
    },
  },
  {
    name: 'Kuma canary',
    input: { provider: 'kuma' },
    side: 'canary',
    want: {
      requests: `sum(envoy_cluster_upstream_rq{${KUMA('podinfo-canary')}})`,
      ok: `sum(envoy_cluster_upstream_rq{${KUMA('podinfo-canary')},envoy_response_code!~"5.*"})`,
      buckets: `sum by (le) (envoy_cluster_upstream_rq_time_bucket{${KUMA('podinfo-canary')}})`,
      scale: 1,
    },
  },
  {
    name: 'Contour primary (the apex Service names the cluster)',
    input: { provider: 'contour', service: 'podinfo' },
    side: 'primary',
    want: {
      requests: `sum(envoy_cluster_upstream_rq{${CONTOUR('primary')}})`,
      ok: `sum(envoy_cluster_upstream_rq{${CONTOUR('primary')},envoy_response_code!~"5.*"})`,
      buckets: `sum by (le) (envoy_cluster_upstream_rq_time_bucket{${CONTOUR('primary')}})`,
      scale: 1,
    },
  },
  {
    name: 'Traefik canary (seconds histogram; its +Inf bucket counts requests)',
    input: { provider: 'traefik' },
    side: 'canary',
    want: {
      requests: `sum(traefik_service_request_duration_seconds_bucket{${TRAEFIK('canary')},le="+Inf"})`,
      ok: `sum(traefik_service_request_duration_seconds_bucket{${TRAEFIK('canary')},le="+Inf",code!~"5.."})`,
      buckets: `sum by (le) (traefik_service_request_duration_seconds_bucket{${TRAEFIK('canary')}})`,
      scale: 1000,
    },
  },
];

describe('judgeQueries', () => {
  it.each(cases)('$name', ({ input, side, want }) => {
    expect(judgeQueries({ ...base, ...input }, side)).toEqual(want);
  });

  it('never uses rate() or increase(): the judge differences raw counters itself', () => {
    for (const { input, side } of cases) {
      const q = judgeQueries({ ...base, ...input }, side);
      for (const text of [q.requests, q.ok, q.buckets]) expect(text).not.toMatch(/rate\(|increase\(|\}\[/);
    }
  });

  it('every judge query is one the sandbox metrics provider answers (local mode judges too)', () => {
    for (const { input, side } of cases) {
      const q = judgeQueries({ ...base, ...input }, side);
      expect(parseJudge(q.requests)).toMatchObject({ kind: 'sum' });
      expect(parseJudge(q.ok)).toMatchObject({ kind: 'sum' });
      expect(parseJudge(q.buckets)).toMatchObject({ kind: 'sumByLe' });
    }
    const nginx = judgeCountQueries({ ...base, provider: 'nginx' }, 'canary');
    expect(parseJudge(nginx.ok)).toEqual({
      kind: 'sum',
      series: {
        metric: 'nginx_ingress_controller_requests',
        matchers: [
          { name: 'namespace', op: '=', value: 'test' },
          { name: 'ingress', op: '=', value: 'podinfo' },
          { name: 'canary', op: '!=', value: '' },
          { name: 'status', op: '!~', value: '5.*' },
        ],
      },
    });
    expect(parseJudge('sum(up{job="x"})')).toBeUndefined();
    expect(parseJudge('sum(rate(istio_requests_total{a="b"}[1m]))')).toBeUndefined();
  });

  it('selects ingress-nginx request counters by the Ingress and the canary label', () => {
    const input = { ...base, provider: 'nginx', ingress: 'podinfo-ingress' } as const;
    const sel = 'namespace="test",ingress="podinfo-ingress",canary=""';
    expect(judgeCountQueries(input, 'primary')).toEqual({
      requests: `sum(nginx_ingress_controller_requests{${sel}})`,
      ok: `sum(nginx_ingress_controller_requests{${sel},status!~"5.*"})`,
    });
  });

  it.each([
    {
      name: 'NGINX latency (a mean, no buckets)',
      call: () => judgeBucketQuery({ ...base, provider: 'nginx' }, 'canary'),
      message:
        /"request-duration" against the primary needs a latency histogram; provider "nginx" exports only a mean/,
    },
    {
      name: 'NGINX through judgeQueries',
      call: () => judgeQueries({ ...base, provider: 'nginx' }, 'primary'),
      message: /provider "nginx" exports only a mean/,
    },
    {
      name: 'APISIX primary (its route serves both)',
      call: () => judgeCountQueries({ ...base, provider: 'apisix' }, 'primary'),
      message: /no primary side for provider "apisix"/,
    },
    {
      name: 'APISIX canary too: the judge needs both sides',
      call: () => judgeBucketQuery({ ...base, provider: 'apisix' }, 'canary'),
      message: /no primary side for provider "apisix"/,
    },
    {
      name: 'kubernetes (no mesh metrics)',
      call: () => judgeCountQueries({ ...base, provider: 'kubernetes' }, 'canary'),
      message: /needs mesh metrics; provider "kubernetes" has none$/,
    },
  ])('throws BuiltinNotAvailable: $name', ({ call, message }) => {
    expect(call).toThrow(CheckResolutionError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (e) {
      expect((e as CheckResolutionError).reason).toBe('BuiltinNotAvailable');
    }
  });

  it.each([
    { name: 'a target that would break the selector', input: { target: 'podinfo"}' } },
    { name: 'a namespace with a regex', input: { namespace: 'te.*st|x' } },
    { name: 'a cluster label that is not a label name', input: { clusterLabels: { 'a-b': 'x' } } },
  ])('rejects $name as InvalidInput', ({ input }) => {
    const call = () => judgeQueries({ ...base, provider: 'istio', ...input }, 'canary');
    expect(call).toThrow(CheckResolutionError);
    try {
      call();
    } catch (e) {
      expect((e as CheckResolutionError).reason).toBe('InvalidInput');
    }
  });

  it('escapes cluster label values as PromQL strings', () => {
    const q = judgeCountQueries({ ...base, provider: 'istio', clusterLabels: { cluster: 'a"b' } }, 'canary');
    expect(q.requests).toBe(`sum(istio_requests_total{${ISTIO('podinfo')},cluster="a\\"b"})`);
  });
});
