/**
 * The traffic simulator against a real sandbox store: weighted splits for each mesh, A/B header
 * and cookie routes, mirroring, the kubernetes selector switch, unready Deployments, behaviours,
 * random arrivals, errors and latencies (seeded), the request-rate annotation, and the exposition
 * served at /metrics. Arrivals are Poisson, so counts are checked against the model's bounds
 * (test/support/stochastic.ts) and routing shares against the requests actually sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startTrafficSimulator,
  type TrafficOptions,
  type TrafficSimulator,
} from '../../../sandbox/traffic/index.js';
import { lognormalCdf, lognormalWithP99 } from '../../../sandbox/traffic/random.js';
import { eventually, startSandbox, type Sandbox } from '../../support/sandbox.js';
import { binomialBounds, expectShare, expectWithin, poissonBounds } from '../../support/stochastic.js';
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
/** Requests podinfo's clients sent, checked against Poisson arrivals of mean `mean`. */
const sent = (sim: TrafficSimulator, mean: number): number => {
  const n = sim.appStats(NS, 'podinfo').sent;
  expectWithin(n, poissonBounds(mean), 'requests sent');
  return n;
};

describe('traffic simulator', () => {
  it('splits an Istio VirtualService 80/20 between primary and canary', async () => {
    putPodinfo(sandbox);
    putVirtualService(sandbox, [weighted(80, 20)]);
    const sim = await run(10, { rps: 20 });
    const n = sent(sim, 200);
    expectShare(requests(sim, 'podinfo'), n, 0.2);
    expect(requests(sim, 'podinfo-primary') + requests(sim, 'podinfo')).toBe(n);
    expect(sim.appStats(NS, 'podinfo').unrouted).toBe(0);
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
    const n = sent(header, 200);
    expectShare(requests(header, 'podinfo'), n, 0.25);
    expect(requests(header, 'podinfo-primary')).toBe(n - requests(header, 'podinfo'));
    const cookie = await run(10, { rps: 20, abFraction: 0.1, abHeaders: { cookie: 'a=b;type=insider' } });
    expectShare(requests(cookie, 'podinfo'), sent(cookie, 200), 0.1);
  });

  it('counts mirrored requests at the canary on top of the weighted split', async () => {
    putPodinfo(sandbox);
    putVirtualService(sandbox, [
      weighted(100, 0, { mirror: { host: 'podinfo-canary' }, mirrorPercentage: { value: 50 } }),
    ]);
    const sim = await run(10, { rps: 20 });
    const n = sent(sim, 200);
    expect(requests(sim, 'podinfo-primary')).toBe(n);
    expectShare(requests(sim, 'podinfo'), n, 0.5);
    expect(sim.appStats(NS, 'podinfo').mirrored).toBe(requests(sim, 'podinfo'));
  });

  it('follows the apex Service selector when no mesh routes it (kubernetes provider)', async () => {
    putPodinfo(sandbox);
    const sim = await run(5, { rps: 10 });
    expect(requests(sim, 'podinfo-primary')).toBe(sent(sim, 50));
    expect(requests(sim, 'podinfo')).toBe(0);
    putService(sandbox, 'podinfo', 'podinfo');
    const switched = await run(5, { rps: 10 });
    expect(requests(switched, 'podinfo')).toBe(sent(switched, 50));
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
    // Half the requests are targeted, all to the canary; of the other half, 40 % to the canary.
    const n = sent(sim, 200);
    expectShare(requests(sim, 'podinfo'), n, 0.5 + 0.5 * 0.4, 2);
    expect(requests(sim, 'podinfo-primary')).toBe(n - requests(sim, 'podinfo'));
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
    const n = sent(sim, 100);
    expectShare(requests(sim, 'podinfo'), n, 0.3);
    expect(requests(sim, 'podinfo-primary')).toBe(n - requests(sim, 'podinfo'));
    expect(sim.render()).toMatch(
      /envoy_cluster_upstream_rq\{kubernetes_namespace="test",kubernetes_pod_name="podinfo-[0-9a-f]{10}-[0-9a-f]{5}"/,
    );
  });

  it('answers 503 for a Deployment without ready replicas and applies the version behaviour', async () => {
    putPodinfo(sandbox, { image: 'podinfo:6.0.2-faulty' });
    putVirtualService(sandbox, [weighted(50, 50)]);
    putDeployment(sandbox, 'podinfo-primary', { ready: 0 });
    const sim = await run(10, { rps: 20 });
    const n = sent(sim, 200);
    const unavailable = sim.appStats(NS, 'podinfo').unavailable;
    expectShare(unavailable, n, 0.5);
    expect(sim.totals(NS, 'podinfo-primary')).toEqual({
      requests: unavailable,
      errors: unavailable,
      byCode: { '503': unavailable },
    });
    const canary = sim.totals(NS, 'podinfo');
    expect(canary.requests).toBe(n - unavailable);
    // Each request is a 500 with probability 0.3, independently.
    expectWithin(canary.errors, binomialBounds(canary.requests, 0.3), 'canary errors');
    expect(canary.byCode).toEqual({ '200': canary.requests - canary.errors, '500': canary.errors });
  });

  it('draws the same traffic for the same seed, and other traffic for another seed', async () => {
    putPodinfo(sandbox, { image: 'podinfo:6.0.2-faulty' });
    putVirtualService(sandbox, [weighted(50, 50)]);
    const [a, b, other] = [
      await run(10, { seed: 7 }),
      await run(10, { seed: 7 }),
      await run(10, { seed: 8 }),
    ];
    expect(b.render()).toBe(a.render());
    expect(other.render()).not.toBe(a.render());
    // The default seed is fixed too.
    expect((await run(10)).render()).toBe((await run(10)).render());
  });

  it('sends each app the request rate its Deployment annotates, others the rps option', async () => {
    putPodinfo(sandbox);
    putDeployment(sandbox, 'other-primary');
    putService(sandbox, 'other', 'other-primary');
    putService(sandbox, 'other-primary', 'other-primary');
    // On the Deployment's own metadata, not its pod template.
    const target = sandbox.store.get('apps/v1', 'Deployment', NS, 'podinfo')!;
    const annotations = { 'sandbox.flagger.app/request-rate': '50' };
    sandbox.store.put({
      ...target,
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...target.metadata, annotations },
    });
    const sim = await run(10, { rps: 5 });
    sent(sim, 500);
    expectWithin(sim.appStats(NS, 'other').sent, poissonBounds(50), 'other app');
  });

  it('times requests from a lognormal with the annotated P99, in Istio’s and Linkerd’s buckets', async () => {
    putPodinfo(sandbox, { annotations: { 'sandbox.flagger.app/latency-ms': '300' } });
    putVirtualService(sandbox, [weighted(0, 100)]);
    const sim = await run(20, { rps: 200 });
    const n = requests(sim, 'podinfo');
    // Median 100 ms, P99 300 ms: the bench's primary.
    const latency = lognormalWithP99(300);
    const buckets = (name: string, label: string) =>
      sim
        .samples()
        .filter((x) => x.name === name && x.labels[label] === 'podinfo')
        .reduce((m, x) => m.set(x.labels.le, (m.get(x.labels.le) ?? 0) + x.value), new Map<string, number>());
    for (const [name, label] of [
      ['istio_request_duration_milliseconds_bucket', 'destination_workload'],
      ['response_latency_ms_bucket', 'deployment'],
    ]) {
      const counts = buckets(name, label);
      expect(counts.get('+Inf')).toBe(n);
      for (const [le, count] of counts) {
        const p = lognormalCdf(latency, le === '+Inf' ? Infinity : Number(le));
        expectWithin(count, binomialBounds(n, p), `${name}{le="${le}"}`);
      }
    }
    expect([...buckets('istio_request_duration_milliseconds_bucket', 'destination_workload').keys()]).toEqual(
      [
        '0.5',
        '1',
        '5',
        '10',
        '25',
        '50',
        '100',
        '250',
        '500',
        '1000',
        '2500',
        '5000',
        '10000',
        '30000',
        '60000',
        '300000',
        '600000',
        '1800000',
        '3600000',
        '+Inf',
      ],
    );
    expect([...buckets('response_latency_ms_bucket', 'deployment').keys()]).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '10',
      '20',
      '30',
      '40',
      '50',
      '100',
      '200',
      '300',
      '400',
      '500',
      '1000',
      '2000',
      '3000',
      '4000',
      '5000',
      '10000',
      '20000',
      '30000',
      '40000',
      '50000',
      '+Inf',
    ]);
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
