/**
 * The traffic simulator against a real sandbox store: weighted splits for each mesh, A/B header
 * and cookie routes, mirroring, the kubernetes selector switch, unready Deployments, behaviours,
 * and the exposition served at /metrics.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startTrafficSimulator,
  type TrafficOptions,
  type TrafficSimulator,
} from '../../../sandbox/traffic/index.js';
import { eventually, startSandbox, type Sandbox } from '../../support/sandbox.js';
import {
  manualClock,
  NS,
  putDeployment,
  putPodinfo,
  putService,
  putVirtualService,
  weighted,
} from './world.js';

let sandbox: Sandbox;
const open: TrafficSimulator[] = [];

beforeEach(async () => {
  sandbox = await startSandbox({ namespaces: [NS] });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await sandbox.close();
});

/** A simulator on a manual clock, run for `seconds` in 1 s ticks. */
async function run(seconds: number, options: Partial<TrafficOptions> = {}): Promise<TrafficSimulator> {
  const clock = manualClock();
  const sim = await startTrafficSimulator({
    store: sandbox.store,
    autoStart: false,
    serve: false,
    now: clock.now,
    ...options,
  });
  open.push(sim);
  for (let i = 0; i < seconds; i++) {
    clock.advance(1000);
    sim.tick();
  }
  return sim;
}

const requests = (sim: TrafficSimulator, workload: string) => sim.totals(NS, workload).requests;

describe('traffic simulator', () => {
  it('splits an Istio VirtualService 80/20 between primary and canary', async () => {
    putPodinfo(sandbox);
    putVirtualService(sandbox, [weighted(80, 20)]);
    const sim = await run(10, { rps: 20 });
    expect(requests(sim, 'podinfo-primary')).toBeCloseTo(160, -1);
    expect(requests(sim, 'podinfo')).toBeCloseTo(40, -1);
    expect(sim.appStats(NS, 'podinfo')).toMatchObject({ sent: 200, unrouted: 0 });
  });

  it('sends A/B traffic (header or cookie) to the canary and the rest to the primary', async () => {
    putPodinfo(sandbox);
    putVirtualService(sandbox, [
      weighted(0, 100, {
        match: [
          { headers: { 'x-canary': { exact: 'insider' } } },
          { headers: { cookie: { regex: '^(.*?;)?(type=insider)(;.*)?$' } } },
        ],
      }),
      { route: [{ destination: { host: 'podinfo-primary' }, weight: 100 }] },
    ]);
    const header = await run(10, { rps: 20, abFraction: 0.25, abHeaders: { 'x-canary': 'insider' } });
    expect(requests(header, 'podinfo')).toBe(50);
    expect(requests(header, 'podinfo-primary')).toBe(150);
    const cookie = await run(10, { rps: 20, abFraction: 0.1, abHeaders: { cookie: 'a=b;type=insider' } });
    expect(requests(cookie, 'podinfo')).toBe(20);
  });

  it('counts mirrored requests at the canary on top of the weighted split', async () => {
    putPodinfo(sandbox);
    putVirtualService(sandbox, [
      weighted(100, 0, { mirror: { host: 'podinfo-canary' }, mirrorPercentage: { value: 50 } }),
    ]);
    const sim = await run(10, { rps: 20 });
    expect(requests(sim, 'podinfo-primary')).toBe(200);
    expect(requests(sim, 'podinfo')).toBe(100);
    expect(sim.appStats(NS, 'podinfo').mirrored).toBe(100);
  });

  it('follows the apex Service selector when no mesh routes it (kubernetes provider)', async () => {
    putPodinfo(sandbox);
    const sim = await run(5, { rps: 10 });
    expect(requests(sim, 'podinfo-primary')).toBe(50);
    expect(requests(sim, 'podinfo')).toBe(0);
    putService(sandbox, 'podinfo', 'podinfo');
    const switched = await run(5, { rps: 10 });
    expect(requests(switched, 'podinfo')).toBe(50);
    expect(requests(switched, 'podinfo-primary')).toBe(0);
  });

  it('splits a Gateway API HTTPRoute by backendRef weights, header rules first', async () => {
    putPodinfo(sandbox);
    const backends = (p: number, c: number) => [
      { group: '', kind: 'Service', name: 'podinfo-primary', port: 9898, weight: p },
      { group: '', kind: 'Service', name: 'podinfo-canary', port: 9898, weight: c },
    ];
    sandbox.store.put({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'podinfo', namespace: NS },
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name: 'podinfo', port: 9898 }],
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: backends(60, 40) },
          {
            matches: [
              {
                path: { type: 'PathPrefix', value: '/' },
                headers: [{ type: 'Exact', name: 'x-canary', value: 'insider' }],
              },
            ],
            backendRefs: backends(0, 100),
          },
        ],
      },
    });
    const sim = await run(10, { rps: 20, abFraction: 0.5 });
    // 100 targeted requests all to the canary; of the other 100, 40 % to the canary.
    expect(requests(sim, 'podinfo')).toBe(140);
    expect(requests(sim, 'podinfo-primary')).toBe(60);
  });

  it('splits an App Mesh VirtualRouter through the VirtualNodes pod selectors', async () => {
    putPodinfo(sandbox);
    for (const [name, app] of [
      ['podinfo-primary', 'podinfo-primary'],
      ['podinfo-canary', 'podinfo'],
    ]) {
      sandbox.store.put({
        apiVersion: 'appmesh.k8s.aws/v1beta2',
        kind: 'VirtualNode',
        metadata: { name, namespace: NS },
        spec: {
          podSelector: { matchLabels: { app } },
          serviceDiscovery: { dns: { hostname: `${name}.test.svc.cluster.local` } },
        },
      });
    }
    sandbox.store.put({
      apiVersion: 'appmesh.k8s.aws/v1beta2',
      kind: 'VirtualRouter',
      metadata: { name: 'podinfo', namespace: NS },
      spec: {
        routes: [
          {
            name: 'podinfo',
            httpRoute: {
              match: { prefix: '/' },
              action: {
                weightedTargets: [
                  { virtualNodeRef: { name: 'podinfo-canary' }, weight: 30 },
                  { virtualNodeRef: { name: 'podinfo-primary' }, weight: 70 },
                ],
              },
            },
          },
        ],
      },
    });
    const sim = await run(10, { rps: 10 });
    expect(requests(sim, 'podinfo')).toBe(30);
    expect(requests(sim, 'podinfo-primary')).toBe(70);
    expect(sim.render()).toMatch(
      /envoy_cluster_upstream_rq\{kubernetes_namespace="test",kubernetes_pod_name="podinfo-[0-9a-f]{10}-[0-9a-f]{5}"/,
    );
  });

  it('answers 503 for a Deployment without ready replicas and applies the version behaviour', async () => {
    putPodinfo(sandbox, { image: 'podinfo:6.0.2-faulty' });
    putVirtualService(sandbox, [weighted(50, 50)]);
    putDeployment(sandbox, 'podinfo-primary', { ready: 0 });
    const sim = await run(10, { rps: 20 });
    expect(sim.totals(NS, 'podinfo-primary')).toMatchObject({
      requests: 100,
      errors: 100,
      byCode: { '503': 100 },
    });
    expect(sim.totals(NS, 'podinfo')).toMatchObject({
      requests: 100,
      errors: 30,
      byCode: { '200': 70, '500': 30 },
    });
    expect(sim.appStats(NS, 'podinfo').unavailable).toBe(100);
  });

  it('serves the counters at /metrics on 127.0.0.1', async () => {
    putPodinfo(sandbox);
    const sim = await startTrafficSimulator({ store: sandbox.store, tickMs: 50, rps: 100 });
    open.push(sim);
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const served =
      /istio_requests_total\{reporter="destination",[^}]*destination_workload="podinfo-primary"[^}]*response_code="200"\} \d+/;
    // Counters appear once the simulator has sent its first requests.
    const text = await eventually(async () => {
      const t = await (await fetch(sim.url)).text();
      return served.test(t) && t;
    });
    expect(text).toContain('# TYPE istio_requests_total counter');
    expect(text).toContain('istio_request_duration_seconds_bucket{');
    expect((await fetch(sim.url.replace('/metrics', '/other'))).status).toBe(404);
  });
});
