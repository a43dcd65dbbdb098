import { describe, expect, it } from 'vitest';

import { CheckResolutionError } from '../../../lib/adapters/prometheus/errors.js';
import { PrometheusCheckQueries, resolveCheckQuery } from '../../../lib/adapters/prometheus/resolve.js';
import type {
  CheckContext,
  CheckDefinition,
  MetricTemplate,
  TemplateLookup,
} from '../../../lib/ports/metrics.js';

const canary: CheckContext = {
  name: 'podinfo',
  namespace: 'test',
  target: 'podinfo',
  service: 'podinfo-svc',
  provider: 'istio',
};
const signal = AbortSignal.timeout(5_000);

function aTemplate(over: Partial<MetricTemplate> = {}): MetricTemplate {
  return {
    name: 'latency',
    namespace: 'flagger-system',
    provider: { type: 'prometheus', address: 'http://prom.flagger-system:9090' },
    query:
      'histogram_quantile(0.99, sum(rate(http_duration_bucket{ns="{{ namespace }}",svc="{{ service }}",zone="{{ variables.zone }}"}[{{ interval }}])) by (le))',
    ...over,
  };
}

/** An in-memory TemplateLookup that records what was asked. */
function lookup(...templates: MetricTemplate[]): TemplateLookup & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    get(namespace, name) {
      asked.push(`${namespace}/${name}`);
      return Promise.resolve(templates.find((t) => t.namespace === namespace && t.name === name));
    },
  };
}

const check = (over: Partial<CheckDefinition>): CheckDefinition => ({
  name: 'request-success-rate',
  interval: '1m',
  ...over,
});

describe('resolveCheckQuery', () => {
  it('renders a builtin for the canary provider', async () => {
    const r = await resolveCheckQuery(check({}), canary, lookup(), signal);
    expect(r).toMatchObject({ source: 'builtin', builtin: 'request-success-rate' });
    expect(r.query).toContain(
      'istio_requests_total{reporter="destination",destination_workload_namespace="test"',
    );
  });

  it.each([
    {
      name: 'istio_requests_total',
      provider: 'istio',
      builtin: 'request-success-rate',
      contains: 'istio_requests_total',
    },
    {
      name: 'istio_request_duration_seconds_bucket',
      provider: 'istio',
      builtin: 'request-duration',
      contains: 'istio_request_duration_seconds_bucket',
    },
    {
      name: 'envoy_cluster_upstream_rq',
      provider: 'appmesh',
      builtin: 'request-success-rate',
      contains: 'envoy_cluster_upstream_rq{',
    },
    {
      name: 'request-duration',
      provider: 'appmesh',
      builtin: 'request-duration',
      contains: 'envoy_cluster_upstream_rq_time_bucket',
    },
  ] as const)(
    'legacy and neutral names: $name on $provider',
    async ({ name, provider, builtin, contains }) => {
      const r = await resolveCheckQuery(check({ name }), { ...canary, provider }, lookup(), signal);
      expect(r.builtin).toBe(builtin);
      expect(r.query).toContain(contains);
    },
  );

  it('selects the Istio seconds histogram by option', async () => {
    const r = await resolveCheckQuery(check({ name: 'request-duration' }), canary, lookup(), signal, {
      istioDurationUnit: 'seconds',
    });
    expect(r.query).toMatch(/istio_request_duration_seconds_bucket.* \* 1000$/);
  });

  it('renders an inline query with the template variables', async () => {
    const r = await resolveCheckQuery(
      check({
        name: 'errors',
        query: 'sum(rate(errors{app="{{ target }}"}[{{ interval }}]))',
        interval: '30s',
      }),
      canary,
      lookup(),
      signal,
    );
    expect(r).toEqual({ query: 'sum(rate(errors{app="podinfo"}[30s]))', source: 'inline' });
  });

  it('renders {{ primary }} as the primary workload in inline queries and templates', async () => {
    const query = 'sum(up{w="{{ target }}"}) - sum(up{w="{{ primary }}"})';
    const inline = await resolveCheckQuery(check({ name: 'gap', query }), canary, lookup(), signal);
    expect(inline.query).toBe('sum(up{w="podinfo"}) - sum(up{w="podinfo-primary"})');
    const templated = await resolveCheckQuery(
      check({ name: 'gap', templateRef: { name: 'gap', namespace: 'flagger-system' } }),
      canary,
      lookup(aTemplate({ name: 'gap', query })),
      signal,
    );
    expect(templated.query).toBe('sum(up{w="podinfo"}) - sum(up{w="podinfo-primary"})');
  });

  it('prefers an inline query over the builtin of the same name', async () => {
    const r = await resolveCheckQuery(check({ query: 'vector(100)' }), canary, lookup(), signal);
    expect(r).toEqual({ query: 'vector(100)', source: 'inline' });
  });

  it('resolves a templateRef in the given namespace and returns the template', async () => {
    const t = aTemplate();
    const r = await resolveCheckQuery(
      check({
        name: 'latency',
        templateRef: { name: 'latency', namespace: 'flagger-system' },
        templateVariables: { zone: 'a' },
      }),
      canary,
      lookup(t),
      signal,
    );
    expect(r).toEqual({
      query:
        'histogram_quantile(0.99, sum(rate(http_duration_bucket{ns="test",svc="podinfo-svc",zone="a"}[1m])) by (le))',
      source: 'template',
      template: t,
    });
  });

  it("defaults the templateRef namespace to the canary's", async () => {
    const l = lookup(aTemplate({ namespace: 'test', query: 'vector(1)' }));
    await resolveCheckQuery(check({ name: 'latency', templateRef: { name: 'latency' } }), canary, l, signal);
    expect(l.asked).toEqual(['test/latency']);
  });

  it.each([
    {
      name: 'an unknown builtin',
      def: check({ name: 'error-rate' }),
      reason: 'UnknownBuiltin',
      message:
        'metric "error-rate": not a builtin check (request-success-rate, request-duration) and has no query or templateRef',
    },
    {
      name: 'a builtin of another mesh',
      def: check({ name: 'envoy_cluster_upstream_rq' }),
      reason: 'BuiltinNotAvailable',
      message:
        'metric "envoy_cluster_upstream_rq": builtin is only available for appmesh, consul, kuma, not for provider "istio"',
    },
    {
      name: 'a missing template',
      def: check({ name: 'latency', templateRef: { name: 'nope', namespace: 'flagger-system' } }),
      reason: 'TemplateNotFound',
      message: 'metric "latency": MetricTemplate flagger-system/nope not found',
    },
    {
      name: 'an unset template variable',
      def: check({ name: 'latency', templateRef: { name: 'latency', namespace: 'flagger-system' } }),
      reason: 'TemplateRender',
      message:
        'metric "latency": MetricTemplate flagger-system/latency: template variable "variables.zone" is not set (templateVariables is empty)',
    },
    {
      name: 'an unknown variable in an inline query',
      def: check({ name: 'custom', query: 'x{{ region }}' }),
      reason: 'TemplateRender',
      message: 'metric "custom": query: unknown template variable "region"',
    },
    {
      name: 'a bad interval',
      def: check({ interval: 'soon' }),
      reason: 'InvalidInput',
      message: 'metric "request-success-rate": interval "soon" is not a duration',
    },
  ])('fails clearly for $name', async ({ def, reason, message }) => {
    const p = resolveCheckQuery(def, canary, lookup(aTemplate()), signal);
    await expect(p).rejects.toBeInstanceOf(CheckResolutionError);
    await expect(p).rejects.toMatchObject({ reason, message: expect.stringContaining(message) });
  });

  it('fails for the kubernetes provider, which has no builtin metrics', async () => {
    await expect(
      resolveCheckQuery(check({}), { ...canary, provider: 'kubernetes' }, lookup(), signal),
    ).rejects.toMatchObject({
      reason: 'BuiltinNotAvailable',
    });
  });

  it('refuses cross-namespace templateRefs when disabled', async () => {
    const def = check({ name: 'latency', templateRef: { name: 'latency', namespace: 'flagger-system' } });
    await expect(
      resolveCheckQuery(def, canary, lookup(aTemplate()), signal, { noCrossNamespaceRefs: true }),
    ).rejects.toMatchObject({
      reason: 'InvalidInput',
      message: expect.stringContaining('cross-namespace refs are disabled'),
    });
  });

  it('propagates lookup failures unchanged', async () => {
    const failing: TemplateLookup = { get: () => Promise.reject(new Error('store down')) };
    await expect(
      resolveCheckQuery(check({ templateRef: { name: 'x' } }), canary, failing, signal),
    ).rejects.toThrow('store down');
  });
});

describe('PrometheusCheckQueries', () => {
  it('resolves through the port with its options', async () => {
    const r = await new PrometheusCheckQueries(lookup(), { istioDurationUnit: 'seconds' }).resolve(
      check({ name: 'request-duration' }),
      canary,
      signal,
    );
    expect(r.query).toContain('istio_request_duration_seconds_bucket');
  });

  it("builds the judge's queries of each side with the cluster's labels and Istio unit", () => {
    const scoped = { ...canary, clusterLabels: { cluster: 'prod-eu' } };
    const queries = new PrometheusCheckQueries(lookup(), { istioDurationUnit: 'seconds' });
    const sel = (w: string) =>
      `reporter="destination",destination_workload_namespace="test",destination_workload=~"${w}",cluster="prod-eu"`;
    expect(queries.judgeQueries({ kind: 'errors' }, scoped, 'primary')).toEqual({
      kind: 'errors',
      workload: 'podinfo-primary',
      requests: `sum(istio_requests_total{${sel('podinfo-primary')}})`,
      ok: `sum(istio_requests_total{${sel('podinfo-primary')},response_code!~"5.*"})`,
    });
    expect(queries.judgeQueries({ kind: 'latency' }, scoped, 'canary')).toEqual({
      kind: 'latency',
      workload: 'podinfo',
      buckets: `sum by (le) (istio_request_duration_seconds_bucket{${sel('podinfo')}})`,
      scale: 1000,
    });
    // A metric that names the milliseconds histogram keeps it on a seconds cluster.
    expect(
      queries.judgeQueries({ kind: 'latency', istioDurationUnit: 'milliseconds' }, scoped, 'canary'),
    ).toMatchObject({ scale: 1, buckets: expect.stringContaining('_milliseconds_bucket') as unknown });
    expect(() =>
      queries.judgeQueries({ kind: 'latency' }, { ...canary, provider: 'nginx' }, 'canary'),
    ).toThrow(CheckResolutionError);
  });
});
