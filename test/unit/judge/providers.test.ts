/**
 * The judge's comparisons per routing provider: validation refuses what the provider's metrics
 * cannot compare (APISIX has no primary side, NGINX no latency histogram, kubernetes no metrics)
 * at the metric's path, and that table agrees with the queries the adapter can build.
 */
import { describe, expect, it } from 'vitest';
import { judgeBucketQuery, judgeCountQueries } from '../../../lib/adapters/prometheus/judge-queries.js';
import { uncomparableReason } from '../../../lib/domain/judge/providers.js';
import { providers } from '../../../lib/domain/spec/accessors.js';
import { parseCanary } from '../../../lib/domain/spec/parse.js';

const input = {
  namespace: 'test',
  target: 'podinfo',
  service: 'podinfo',
  ingress: 'podinfo',
  route: 'podinfo',
};

describe('uncomparableReason agrees with the judge queries the adapter builds', () => {
  it.each(providers.map((p) => ({ p })))('$p', ({ p }) => {
    const errors = () => judgeCountQueries({ ...input, provider: p }, 'primary');
    const latency = () => judgeBucketQuery({ ...input, provider: p }, 'primary');
    for (const [metric, build] of [
      ['request-success-rate', errors],
      ['request-duration', latency],
    ] as const) {
      if (uncomparableReason(p, metric) === undefined) expect(build).not.toThrow();
      else expect(build).toThrow();
    }
  });
});

function canary(provider: string, analysis: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      provider,
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      ...extra,
      analysis: { interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50, ...analysis },
    },
  };
}

const BUILTINS = [
  { name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' },
  { name: 'request-duration', thresholdRange: { max: 500 }, interval: '1m' },
];
const APISIX_REF = { routeRef: { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', name: 'podinfo' } };
const NGINX_REF = { ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'podinfo' } };

describe('validation of a judged Canary per provider', () => {
  it('refuses judge.enabled on APISIX at each builtin, saying there is no primary side', () => {
    const r = parseCanary(canary('apisix', { judge: { enabled: true }, metrics: BUILTINS }, APISIX_REF));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(['spec.analysis.metrics[0]', 'spec.analysis.metrics[1]']);
    expect(r.errors[0].message).toMatch(
      /^"request-success-rate" cannot be compared against the primary with provider apisix: .*no primary side/,
    );
  });

  it('refuses an NGINX latency comparison at its compare, naming the mean duration', () => {
    const metrics = [BUILTINS[0], { ...BUILTINS[1], compare: {} }];
    const r = parseCanary(canary('nginx', { metrics }, NGINX_REF));
    expect(r).toMatchObject({
      ok: false,
      errors: [
        {
          path: 'spec.analysis.metrics[1].compare',
          message: expect.stringMatching(/ingress-nginx exports only a mean response duration/) as unknown,
        },
      ],
    });
  });

  it('accepts the NGINX error-rate judge with the latency comparison turned off', () => {
    const metrics = [BUILTINS[0], { ...BUILTINS[1], compare: { against: 'none' } }];
    const r = parseCanary(canary('nginx', { judge: { enabled: true }, metrics }, NGINX_REF));
    expect(r).toMatchObject({ ok: true, warnings: [] });
  });

  it('refuses judge.enabled on alb at each builtin (CloudWatch), yet accepts the same builtins with thresholds', () => {
    const judged = parseCanary(canary('alb', { judge: { enabled: true }, metrics: BUILTINS }, NGINX_REF));
    expect(judged.ok).toBe(false);
    if (judged.ok) return;
    expect(judged.errors.map((e) => e.path)).toEqual([
      'spec.analysis.metrics[0]',
      'spec.analysis.metrics[1]',
    ]);
    expect(judged.errors[1].message).toMatch(
      /^"request-duration" cannot be compared against the primary with provider alb: .*CloudWatch, which gives no raw counters or histogram buckets/,
    );
    expect(parseCanary(canary('alb', { metrics: BUILTINS }, NGINX_REF))).toMatchObject({
      ok: true,
      warnings: [],
    });
  });

  it.each(['contour', 'gloo', 'traefik', 'kuma'])('accepts judge.enabled on %s', (p) => {
    const r = parseCanary(canary(p, { judge: { enabled: true }, metrics: BUILTINS }));
    expect(r).toMatchObject({ ok: true, warnings: [] });
  });
});
