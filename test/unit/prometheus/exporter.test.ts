import { afterEach, describe, expect, it } from 'vitest';

import { startExporter, type TestExporter } from '../../support/exporter.js';

/** The sample value of the one line that starts with `prefix`. */
function sample(text: string, prefix: string): number {
  const lines = text.split('\n').filter((l) => l.startsWith(prefix));
  expect(lines).toHaveLength(1);
  return Number(lines[0].split(' ').at(-1));
}

const OK =
  'istio_requests_total{reporter="destination",source_workload="istio-ingressgateway",destination_workload_namespace="test",destination_workload="podinfo",destination_service="podinfo.test.svc.cluster.local",response_code="200"}';
const ERR = OK.replace('response_code="200"', 'response_code="500"');
const ENVOY_LE500 =
  'envoy_cluster_upstream_rq_time_bucket{kubernetes_namespace="test",kubernetes_pod_name="podinfo-5f7b9c6d8-x2k4q",envoy_cluster_name="cds_ingress_test_podinfo_http_9898",le="500"}';

describe('test exporter', () => {
  let exporter: TestExporter | undefined;
  afterEach(async () => {
    await exporter?.close();
    exporter = undefined;
  });

  it('derives counters from elapsed time and keeps them growing across updates', async () => {
    let t = 1_000_000;
    exporter = await startExporter({
      workloads: [{ namespace: 'test', workload: 'podinfo', rps: 100, errorRate: 0.04 }],
      now: () => t,
    });
    t += 10_000;
    expect(sample(exporter.render(), OK)).toBeCloseTo(960);
    expect(sample(exporter.render(), ERR)).toBeCloseTo(40);
    expect(sample(exporter.render(), ENVOY_LE500)).toBeCloseTo(990);

    exporter.update('test', 'podinfo', { errorRate: 0.5 });
    t += 10_000;
    expect(sample(exporter.render(), OK)).toBeCloseTo(960 + 500);
    expect(sample(exporter.render(), ERR)).toBeCloseTo(40 + 500);
  });

  it('serves /metrics over HTTP and 404 elsewhere', async () => {
    exporter = await startExporter({
      workloads: [{ namespace: 'test', workload: 'podinfo', rps: 1, errorRate: 0 }],
    });
    const res = await fetch(exporter.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE istio_requests_total counter');
    expect((await fetch(exporter.url.replace('/metrics', '/nope'))).status).toBe(404);
  });

  it('adds workloads later and rejects unknown updates', async () => {
    exporter = await startExporter({ workloads: [] });
    exporter.add({ namespace: 'test', workload: 'podinfo', rps: 1, errorRate: 0 });
    expect(exporter.render()).toContain('destination_workload="podinfo"');
    expect(() => exporter!.update('test', 'other', { rps: 2 })).toThrow(
      'exporter has no workload test/other',
    );
  });
});
