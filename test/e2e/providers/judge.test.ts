/**
 * The canary-vs-primary judge on the meshes that do not report through Istio (test/e2e/judge.test.ts
 * is the Istio version): Linkerd by TrafficSplit and by HTTPRoute, and Consul. The judge reads the
 * raw counters of each side from the mesh's own series — Linkerd's `response_total` /
 * `response_latency_ms_bucket` by `deployment`, Consul's Envoy `local_app` cluster by `pod` — so a
 * canary three times slower than the primary, yet under the static 500 ms bound, is rolled back,
 * and a healthy one is promoted with every judged step passing.
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
import { httpRouteWeight, serviceSplitterWeight, trafficSplitWeight } from './mesh-weights.js';

const SLOWER = { 'sandbox.flagger.app/latency-ms': '150' };
const CONNECT = { 'consul.hashicorp.com/connect-service': 'podinfo' };
const SERVICE_PARENT =
  'service: { port: 9898, gatewayRefs: [{ name: podinfo, namespace: test, group: core, kind: Service, port: 9898 }] }';

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
