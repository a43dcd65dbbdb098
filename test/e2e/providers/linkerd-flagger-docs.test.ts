/**
 * Linkerd as Flagger's own Linkerd guide runs it (docs/gitbook/tutorials/linkerd-progressive-delivery.md
 * in fluxcd/flagger, v1.44): the `gatewayapi:v1beta1` provider — not `linkerd` — with an HTTPRoute
 * attached to the apex Service, and the `success-rate` / `latency` MetricTemplates over Linkerd
 * Viz's `response_total` / `response_latency_ms_bucket`, read through the Prometheus client from
 * a Prometheus API answered by the traffic simulator. Promoted when healthy, rolled back on errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxMetricsProvider } from '../../../sandbox/traffic/index.js';
import { podinfoCanary } from '../../support/release.js';
import { servePrometheusApi, type PrometheusApi } from '../../support/prometheus-api.js';
import {
  analysedChecks,
  expectPromoted,
  expectRolledBack,
  initialize,
  startMeshWorld,
  type MeshWorld,
} from './mesh-harness.js';
import { httpRouteWeight } from './mesh-weights.js';

// The guide's templates, as it writes them (direction is a template variable).
const responses = (ok: string) => `sum(
  rate(
    response_total{
      namespace="{{ namespace }}",
      deployment=~"{{ target }}",${ok}
      direction="{{ variables.direction }}"
    }[{{ interval }}]
  )
)`;
const SUCCESS_RATE = `${responses('\n      classification!="failure",')}\n/\n${responses('')}\n* 100`;

const LATENCY = `histogram_quantile(
    0.99,
    sum(
        rate(
            response_latency_ms_bucket{
                namespace="{{ namespace }}",
                deployment=~"{{ target }}",
                direction="{{ variables.direction }}"
                }[{{ interval }}]
            )
        ) by (le)
    )`;

/** The guide's analysis, with 10 s checks for the harness's 10 s intervals. */
const ANALYSIS = `threshold: 2
maxWeight: 30
stepWeight: 10
metrics:
  - name: success-rate
    templateRef: { name: success-rate, namespace: test }
    thresholdRange: { min: 99 }
    interval: 10s
    templateVariables: { direction: inbound }
  - name: latency
    templateRef: { name: latency, namespace: test }
    thresholdRange: { max: 500 }
    interval: 10s
    templateVariables: { direction: inbound }`;

const SERVICE_PARENT =
  'service: { port: 9898, targetPort: 9898, gatewayRefs: [{ name: podinfo, namespace: test, group: core, kind: Service, port: 9898 }] }';

let api: PrometheusApi | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** A world with the guide's MetricTemplates pointing at a Prometheus API over its simulator. */
async function guideWorld(): Promise<MeshWorld> {
  const w = await startMeshWorld();
  api = await servePrometheusApi(sandboxMetricsProvider(w.sim));
  for (const [name, query] of [
    ['success-rate', SUCCESS_RATE],
    ['latency', LATENCY],
  ]) {
    const put = await w.cp.api('PUT', `/templates/test/${name}`, {
      provider: { type: 'prometheus', address: api.url },
      query,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
  }
  await initialize(
    w,
    podinfoCanary(ANALYSIS, { provider: 'gatewayapi:v1beta1' }).replace(
      'service: { port: 9898 }',
      SERVICE_PARENT,
    ),
  );
  return w;
}

describe("Linkerd through Flagger's guide (gatewayapi:v1beta1, MetricTemplates over Linkerd's metrics)", () => {
  it('promotes a healthy version through the HTTPRoute, analysed on response_total and response_latency_ms_bucket', async () => {
    const w = await guideWorld();
    await expectPromoted(w, () => httpRouteWeight(w), [0, 10, 20, 30, 0]);
    const rates = (await analysedChecks(w)).map(
      (s) => s.checks.find((c) => c.name === 'success-rate')?.value,
    );
    expect(rates).toEqual([100, 100, 100]);
    // The templates were rendered with the canary's workload and the direction variable.
    expect(
      api!.queries.some((q) => /response_total\{\s*namespace="test",\s*deployment=~"podinfo",/.test(q)),
    ).toBe(true);
    // Every query but the templates' availability probe at initialization (vector(1)).
    const rendered = api!.queries.filter((q) => q !== 'vector(1)');
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.every((q) => q.includes('direction="inbound"'))).toBe(true);
    expect(api!.queries.some((q) => q.includes('response_latency_ms_bucket{'))).toBe(true);
  });

  it('rolls back a version that answers 30 % errors', async () => {
    const w = await guideWorld();
    await expectRolledBack(w, () => httpRouteWeight(w), [0, 10, 0]);
  });
});
