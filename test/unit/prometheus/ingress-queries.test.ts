/**
 * The builtin queries of the ingress providers: Flagger's observer queries (pkg/metrics/observers),
 * rendered with the canary's names, and the primary side worked out from how each router names
 * the primary (APISIX has none).
 */
import { describe, expect, it } from 'vitest';
import { builtinQuery, type BuiltinQueryInput } from '../../../lib/adapters/prometheus/queries.js';
import { parseBuiltin } from '../../../sandbox/traffic/promql.js';

const base = { namespace: 'test', target: 'podinfo', interval: '1m' } as const;
type Case = {
  provider: BuiltinQueryInput['provider'];
  extra?: Partial<BuiltinQueryInput>;
  rate: string;
  latency: string;
};

const NGINX = (canary: string) => `namespace="test",ingress="podinfo-ingress",canary${canary}""`;
const CONTOUR = (side: string) => `envoy_cluster_name=~"test_podinfo-${side}_[0-9a-zA-Z-]+"`;
const GLOO = (side: string) =>
  `envoy_cluster_name=~"test-podinfo-${side}upstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+"`;
const TRAEFIK = (side: string) => `service=~"test-podinfo-${side}-[0-9a-zA-Z-]+@kubernetescrd"`;
const APISIX = 'route=~"test_podinfo-route-podinfo-canary_.+"';

function ratio(metric: string, sel: string, ok: string): string {
  return `sum(rate(${metric}{${sel},${ok}}[1m])) / sum(rate(${metric}{${sel}}[1m])) * 100`;
}
function p99(bucket: string, sel: string, scale = ''): string {
  return `histogram_quantile(0.99, sum(rate(${bucket}{${sel}}[1m])) by (le))${scale}`;
}
const nginxMean = (sel: string) =>
  `sum(rate(nginx_ingress_controller_response_duration_seconds_sum{${sel}}[1m]))` +
  ` / sum(rate(nginx_ingress_controller_response_duration_seconds_count{${sel}}[1m])) * 1000`;

const cases = (side: 'canary' | 'primary'): (Case & { name: string })[] => [
  {
    name: 'nginx',
    provider: 'nginx',
    extra: { ingress: 'podinfo-ingress' },
    rate: ratio('nginx_ingress_controller_requests', NGINX(side === 'canary' ? '!=' : '='), 'status!~"5.*"'),
    latency: nginxMean(NGINX(side === 'canary' ? '!=' : '=')),
  },
  {
    name: 'contour',
    provider: 'contour',
    rate: ratio('envoy_cluster_upstream_rq', CONTOUR(side), 'envoy_response_code!~"5.*"'),
    latency: p99('envoy_cluster_upstream_rq_time_bucket', CONTOUR(side)),
  },
  {
    name: 'gloo',
    provider: 'gloo',
    rate: ratio('envoy_cluster_upstream_rq', GLOO(side), 'envoy_response_code!~"5.*"'),
    latency: p99('envoy_cluster_upstream_rq_time_bucket', GLOO(side)),
  },
  {
    name: 'traefik',
    provider: 'traefik',
    rate: ratio(
      'traefik_service_request_duration_seconds_bucket',
      `${TRAEFIK(side)},le="+Inf"`,
      'code!~"5.."',
    ),
    latency: p99('traefik_service_request_duration_seconds_bucket', TRAEFIK(side), ' * 1000'),
  },
];

describe('builtin queries of the ingress providers', () => {
  it.each([
    ...cases('canary'),
    {
      name: 'apisix',
      provider: 'apisix' as const,
      extra: { route: 'podinfo-route' },
      rate: ratio('apisix_http_status', APISIX, 'code!~"5.."'),
      latency: p99('apisix_http_latency_bucket', `type=~"request",${APISIX}`),
    },
  ])("$name, canary side (Flagger's observer)", ({ provider, extra, rate, latency }) => {
    const input = { ...base, provider, ...extra };
    expect(builtinQuery('request-success-rate', input)).toBe(rate);
    expect(builtinQuery('request-duration', input)).toBe(latency);
  });

  it.each(cases('primary'))('$name, primary side', ({ provider, extra, rate, latency }) => {
    const input = { ...base, provider, ...extra, side: 'primary' as const };
    expect(builtinQuery('request-success-rate', input)).toBe(rate);
    expect(builtinQuery('request-duration', input)).toBe(latency);
  });

  it('apisix has no primary side: its metrics name the route, which serves both', () => {
    const call = () => builtinQuery('request-success-rate', { ...base, provider: 'apisix', side: 'primary' });
    expect(call).toThrow(
      expect.objectContaining({ name: 'CheckResolutionError', reason: 'BuiltinNotAvailable' }),
    );
    expect(call).toThrow(/no primary side for provider "apisix"/);
  });

  it('uses the apex Service name (service.name), which names the generated objects, not the target', () => {
    const q = builtinQuery('request-success-rate', { ...base, provider: 'contour', service: 'web' });
    expect(q).toContain('envoy_cluster_name=~"test_web-canary_');
  });

  it('rejects an unsafe ingress or route name', () => {
    expect(() =>
      builtinQuery('request-success-rate', { ...base, provider: 'nginx', ingress: 'a"}' }),
    ).toThrow(/ingress "a"}" is not a Kubernetes object name/);
  });

  it('every query is one the sandbox metrics provider evaluates', () => {
    for (const c of [...cases('canary'), ...cases('primary')]) {
      for (const check of ['request-success-rate', 'request-duration'] as const) {
        const side = c.rate.includes('primary') || c.rate.includes('canary=""') ? 'primary' : 'canary';
        expect(
          parseBuiltin(builtinQuery(check, { ...base, provider: c.provider, ...c.extra, side })),
          c.name,
        ).toBeDefined();
      }
    }
  });
});
