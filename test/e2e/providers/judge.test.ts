/**
 * The canary-vs-primary judge on the providers that do not report through Istio (test/e2e/judge.test.ts
 * is the Istio version): Linkerd by TrafficSplit and by HTTPRoute, Consul, Kuma, and the ingress
 * controllers Contour, Gloo Edge and Traefik. The judge reads the raw counters of each side from
 * the provider's own series — Linkerd's `response_total` / `response_latency_ms_bucket` by
 * `deployment`, Consul's Envoy `local_app` cluster by `pod`, Kuma's Envoy series by Kuma service,
 * the edge Envoy clusters of the `-primary`/`-canary` Services, Traefik's per-service histogram —
 * so a canary three times slower than the primary, yet under the static 500 ms bound, is rolled
 * back, and a healthy one is promoted with every judged step passing. NGINX judges the error rate
 * only (its latency is a mean); APISIX cannot be judged (no primary side) and is refused.
 */
import { describe, expect, it } from 'vitest';
import type { Judgement } from '../../../lib/domain/judge/index.js';
import type { HistoryRecord } from '../../../lib/ports/store.js';
import {
  expectJudgedSlower,
  JUDGED_ANALYSIS,
  podinfoCanary,
  podinfoKey as key,
} from '../../support/release.js';
import { expectPromoted, initialize, release, startMeshWorld, type MeshWorld } from './mesh-harness.js';
import { podinfoIngress } from '../../unit/routers/ingress-fixtures.js';
import {
  httpProxyWeight,
  nginxCanaryWeight,
  httpRouteWeight,
  routeTableWeight,
  serviceSplitterWeight,
  traefikServiceWeight,
  trafficRouteWeight,
  trafficSplitWeight,
} from './mesh-weights.js';

const SLOWER = { 'sandbox.flagger.app/latency-ms': '150' };
const CONNECT = { 'consul.hashicorp.com/connect-service': 'podinfo' };
const SERVICE_PARENT =
  'service: { port: 9898, gatewayRefs: [{ name: podinfo, namespace: test, group: core, kind: Service, port: 9898 }] }';

/** The judged podinfo Canary of `provider`, its pods without annotations. */
const judged = (provider: string) => ({
  manifest: podinfoCanary(JUDGED_ANALYSIS, { provider }),
  annotations: {},
});

/** One mesh: its Canary, pod annotations, live canary weight, and the judge's two side selectors. */
const meshes = [
  {
    mesh: 'Linkerd (TrafficSplit)',
    manifest: podinfoCanary(JUDGED_ANALYSIS, { provider: 'linkerd' }),
    annotations: {},
    weight: trafficSplitWeight,
    counters: ['response_total', 'response_latency_ms_bucket'],
    sides: ['deployment=~"podinfo"', 'deployment=~"podinfo-primary"'],
  },
  {
    mesh: 'Linkerd (HTTPRoute)',
    manifest: podinfoCanary(JUDGED_ANALYSIS, { provider: 'linkerd' }).replace(
      'service: { port: 9898 }',
      SERVICE_PARENT,
    ),
    annotations: {},
    weight: httpRouteWeight,
    counters: ['response_total', 'response_latency_ms_bucket'],
    sides: ['deployment=~"podinfo"', 'deployment=~"podinfo-primary"'],
  },
  {
    mesh: 'Consul',
    manifest: podinfoCanary(JUDGED_ANALYSIS, { provider: 'consul' }),
    annotations: CONNECT,
    weight: serviceSplitterWeight,
    counters: ['envoy_cluster_upstream_rq', 'envoy_cluster_upstream_rq_time_bucket'],
    sides: [
      'pod=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"',
      'pod=~"podinfo-primary-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"',
    ],
  },
  {
    mesh: 'Kuma',
    ...judged('kuma'),
    weight: (w: MeshWorld) => trafficRouteWeight(w),
    counters: ['envoy_cluster_upstream_rq', 'envoy_cluster_upstream_rq_time_bucket'],
    sides: ['service=~"podinfo-canary_test_svc_', 'service=~"podinfo-primary_test_svc_'],
  },
  {
    mesh: 'Contour',
    ...judged('contour'),
    weight: httpProxyWeight,
    counters: ['envoy_cluster_upstream_rq', 'envoy_cluster_upstream_rq_time_bucket'],
    sides: ['envoy_cluster_name=~"test_podinfo-canary_', 'envoy_cluster_name=~"test_podinfo-primary_'],
  },
  {
    mesh: 'Gloo Edge',
    ...judged('gloo'),
    weight: routeTableWeight,
    counters: ['envoy_cluster_upstream_rq', 'envoy_cluster_upstream_rq_time_bucket'],
    sides: [
      'envoy_cluster_name=~"test-podinfo-canaryupstream-',
      'envoy_cluster_name=~"test-podinfo-primaryupstream-',
    ],
  },
  {
    mesh: 'Traefik',
    ...judged('traefik'),
    weight: traefikServiceWeight,
    counters: ['traefik_service_request_duration_seconds_bucket'],
    sides: ['service=~"test-podinfo-canary-', 'service=~"test-podinfo-primary-'],
  },
];

async function history(w: MeshWorld): Promise<HistoryRecord[]> {
  return w.cp.core.history.list(key, { limit: 200 }, new AbortController().signal);
}

/** The judge's raw-counter queries (no `rate(`): `sum(M{…})` and `sum by (le) (B{…})`. */
const judgeQueries = (w: MeshWorld) => w.queries.filter((q) => /^sum(\(| by \(le\) \()[a-z_]+\{/.test(q));

describe.each(meshes)('the judge on $mesh', ({ manifest, annotations, weight, counters, sides }) => {
  it('rolls back a canary three times slower than the primary although its P99 stays under 500 ms', async () => {
    const w = await startMeshWorld(annotations, { rps: 100 });
    await initialize(w, manifest);
    w.annotations = { ...annotations, ...SLOWER };
    const run = await release(
      w,
      'podinfo:6.0.1',
      (p) => p === 'Failed',
      () => weight(w),
    );
    expect(run.row?.status).toMatchObject({ phase: 'Failed', canaryWeight: 0, failedChecks: 0 });
    expect(weight(w)).toBe(0);
    expectJudgedSlower((await history(w))[0]);
    // Both sides were read from the mesh's own counters.
    const queries = judgeQueries(w);
    for (const metric of counters) {
      for (const side of sides) {
        expect(queries.some((q) => q.includes(`${metric}{`) && q.includes(side))).toBe(true);
      }
    }
  });

  it('promotes a healthy version, every judged step passing', async () => {
    const w = await startMeshWorld(annotations, { rps: 100 });
    await initialize(w, manifest);
    await expectPromoted(w, () => weight(w), [0, 10, 20, 30, 40, 50, 0]);
    const judged = (await history(w)).filter((h) => h.judgements !== undefined);
    expect(judged.length).toBeGreaterThan(0);
    const promoting = judged.find((h) => h.reason === 'PromotionStarted')!;
    expect((promoting.judgements as Judgement[]).map((j) => j.verdict)).toEqual(['pass', 'pass']);
  });
});

/**
 * NGINX: ingress-nginx exports a mean duration, not a histogram, so only the error rate can be
 * judged (the latency comparison is refused at registration, test/unit/judge/providers.test.ts).
 * A canary answering 5 % errors passes the static 90 % bound and is rolled back by the judge.
 */
const NGINX_JUDGED = podinfoCanary(
  `threshold: 2
maxWeight: 50
stepWeight: 10
judge:
  enabled: true
metrics:
  - { name: request-success-rate, thresholdRange: { min: 90 }, interval: 10s }
  - { name: request-duration, thresholdRange: { max: 500 }, interval: 10s, compare: { against: none } }`,
  {
    provider: 'nginx',
    extraSpec: '  ingressRef: { apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo }\n',
  },
);

describe('the error-rate judge on NGINX', () => {
  async function nginxWorld(): Promise<MeshWorld> {
    const w = await startMeshWorld({}, { rps: 100 });
    w.sandbox.store.put(podinfoIngress() as never);
    await initialize(w, NGINX_JUDGED);
    return w;
  }

  it('rolls back a canary answering 5 % errors although its success rate stays over the 90 % bound', async () => {
    const w = await nginxWorld();
    w.annotations = { 'sandbox.flagger.app/error-rate': '0.05' };
    const run = await release(
      w,
      'podinfo:6.0.1',
      (p) => p === 'Failed',
      () => nginxCanaryWeight(w),
    );
    expect(run.row?.status).toMatchObject({ phase: 'Failed', canaryWeight: 0, failedChecks: 0 });
    const [last] = await history(w);
    expect(last.reason).toBe('JudgeFailed');
    expect((last.checks as { name: string; verdict: string }[]).every((c) => c.verdict === 'pass')).toBe(
      true,
    );
    const judged = last.judgements as Judgement[];
    expect(judged.map((j) => [j.metric, j.verdict])).toEqual([['request-success-rate', 'fail']]);
    const queries = judgeQueries(w);
    for (const side of ['canary!=""', 'canary=""']) {
      expect(queries.some((q) => q.includes('nginx_ingress_controller_requests{') && q.includes(side))).toBe(
        true,
      );
    }
  });

  it('promotes a healthy version on the error-rate judgement alone', async () => {
    const w = await nginxWorld();
    await expectPromoted(w, () => nginxCanaryWeight(w), [0, 10, 20, 30, 40, 50, 0]);
    const promoting = (await history(w)).find((h) => h.reason === 'PromotionStarted')!;
    const judged = promoting.judgements as Judgement[];
    expect(judged.map((j) => [j.metric, j.verdict])).toEqual([['request-success-rate', 'pass']]);
  });
});

it('refuses the judge on APISIX at registration: its metrics have no primary side', async () => {
  const w = await startMeshWorld();
  const manifest = podinfoCanary(JUDGED_ANALYSIS, {
    provider: 'apisix',
    extraSpec: '  routeRef: { apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: podinfo }\n',
  });
  const r = await w.cp.api('POST', '/canaries', manifest, { cluster: 'sandbox' });
  expect(r.status).toBe(400);
  expect(r.body.errors).toEqual(
    ['spec.analysis.metrics[0]', 'spec.analysis.metrics[1]'].map((path) => ({
      path,
      message: expect.stringMatching(/with provider apisix: .*there is no primary side to compare against/),
    })),
  );
});
