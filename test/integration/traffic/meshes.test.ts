/**
 * The traffic simulator routing by the objects of the SMI meshes, Consul and Kuma, and the
 * Linkerd, Consul and Kuma series it exports for each request.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTrafficSimulator, type TrafficSimulator } from '../../../sandbox/traffic/index.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import { binomialBounds, expectShare, expectWithin, poissonBounds } from '../../support/stochastic.js';
import { manualClock, NS, putDeployment, putPodinfo, putService } from './world.js';

let sandbox: Sandbox;
const open: TrafficSimulator[] = [];

beforeEach(async () => {
  sandbox = await startSandbox({ namespaces: [NS] });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await sandbox.close();
});

/** 10 s of traffic at 20 requests per second (200 per app on average), on a manual clock. */
async function run(): Promise<TrafficSimulator> {
  const clock = manualClock();
  const sim = await startTrafficSimulator({
    store: sandbox.store,
    autoStart: false,
    serve: false,
    now: clock.now,
    rps: 20,
  });
  open.push(sim);
  for (let i = 0; i < 10; i++) {
    clock.advance(1000);
    sim.tick();
  }
  return sim;
}

const requests = (sim: TrafficSimulator, workload: string) => sim.totals(NS, workload).requests;
/** Requests podinfo's clients sent (Poisson, mean 200). */
const sent = (sim: TrafficSimulator): number => {
  const n = sim.appStats(NS, 'podinfo').sent;
  expectWithin(n, poissonBounds(200), 'requests sent');
  return n;
};
/** Asserts the canary got the share `p` of what was sent, and the primary the rest. */
const expectSplit = (sim: TrafficSimulator, p: number, slack = 1) => {
  const n = sent(sim);
  expectShare(requests(sim, 'podinfo'), n, p, slack);
  expect(requests(sim, 'podinfo-primary')).toBe(n - requests(sim, 'podinfo'));
};
const put = (apiVersion: string, kind: string, spec: object, extra: object = {}) =>
  sandbox.store.put({ apiVersion, kind, metadata: { name: 'podinfo', namespace: NS }, spec, ...extra });

/** podinfo's two Deployments registered as the Consul service podinfo, with Flagger's Services. */
function putConsulPodinfo(canary: { annotations?: Record<string, string>; image?: string } = {}): void {
  const connect = { 'consul.hashicorp.com/connect-service': 'podinfo' };
  putDeployment(sandbox, 'podinfo-primary', { annotations: connect });
  putDeployment(sandbox, 'podinfo', { ...canary, annotations: { ...connect, ...canary.annotations } });
  putService(sandbox, 'podinfo', 'podinfo-primary');
  putService(sandbox, 'podinfo-primary', 'podinfo-primary');
  putService(sandbox, 'podinfo-canary', 'podinfo');
}

const RESOLVER = {
  defaultSubset: 'primary',
  subsets: {
    primary: {
      filter: 'Service.ID matches "^podinfo-primary-[a-z0-9]+-[a-z0-9]+-podinfo$"',
      onlyPassing: true,
    },
    canary: { filter: 'Service.ID matches "^podinfo-[a-z0-9]+-[a-z0-9]+-podinfo$"', onlyPassing: true },
  },
};

describe('SMI TrafficSplit', () => {
  it('splits by relative weights, v1alpha1 quantities included', async () => {
    putPodinfo(sandbox);
    put('split.smi-spec.io/v1alpha1', 'TrafficSplit', {
      service: 'podinfo',
      backends: [
        { service: 'podinfo-canary', weight: '250m' },
        { service: 'podinfo-primary', weight: '750m' },
      ],
    });
    expectSplit(await run(), 0.25);
  });
});

describe('Consul config entries', () => {
  it('splits between the resolver subsets of the one Consul service', async () => {
    putConsulPodinfo();
    put('consul.hashicorp.com/v1alpha1', 'ServiceResolver', RESOLVER);
    put('consul.hashicorp.com/v1alpha1', 'ServiceSplitter', {
      splits: [
        { weight: 90, serviceSubset: 'primary' },
        { weight: 10, serviceSubset: 'canary' },
      ],
    });
    expectSplit(await run(), 0.1);
  });

  it('routes matched requests by the ServiceRouter, the rest by the resolver default', async () => {
    putConsulPodinfo();
    put('consul.hashicorp.com/v1alpha1', 'ServiceResolver', RESOLVER);
    put('consul.hashicorp.com/v1alpha1', 'ServiceRouter', {
      routes: [
        {
          match: { http: { header: [{ name: 'x-canary', exact: 'insider' }] } },
          destination: { serviceSubset: 'canary' },
        },
      ],
    });
    // The matched share: the simulator's 10 % of requests with the A/B headers.
    expectSplit(await run(), 0.1);
  });

  it('finds no canary instance without the connect-service annotation (it registers as podinfo-canary)', async () => {
    putPodinfo(sandbox);
    put('consul.hashicorp.com/v1alpha1', 'ServiceResolver', RESOLVER);
    put('consul.hashicorp.com/v1alpha1', 'ServiceSplitter', {
      splits: [
        { weight: 50, serviceSubset: 'primary' },
        { weight: 50, serviceSubset: 'canary' },
      ],
    });
    const sim = await run();
    expect(requests(sim, 'podinfo')).toBe(0);
    expectShare(sim.appStats(NS, 'podinfo').unrouted, sent(sim), 0.5);
  });
});

describe('Kuma TrafficRoute', () => {
  const tag = (s: string) => ({ 'kuma.io/service': `${s}_test_svc_9898` });

  it('splits the apex by the cluster-scoped route, L7 rules first', async () => {
    putPodinfo(sandbox);
    sandbox.store.put({
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'TrafficRoute',
      mesh: 'default',
      metadata: { name: 'podinfo' },
      spec: {
        sources: [{ match: { 'kuma.io/service': '*' } }],
        destinations: [{ match: tag('podinfo') }],
        conf: {
          http: [
            {
              match: { headers: { 'x-canary': { exact: 'insider' } } },
              split: [
                { weight: 0, destination: tag('podinfo-primary') },
                { weight: 100, destination: tag('podinfo-canary') },
              ],
            },
          ],
          split: [
            { weight: 80, destination: tag('podinfo-primary') },
            { weight: 20, destination: tag('podinfo-canary') },
          ],
        },
      },
    });
    // 10 % of the requests matched, to the canary, then 20 % of the other 90 %.
    expectSplit(await run(), 0.1 + 0.9 * 0.2, 2);
  });

  it('ignores a route to the same apex name in another namespace', async () => {
    putPodinfo(sandbox);
    sandbox.store.put({
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'TrafficRoute',
      metadata: { name: 'podinfo' },
      spec: {
        destinations: [{ match: { 'kuma.io/service': 'podinfo_prod_svc_9898' } }],
        conf: { split: [{ weight: 100, destination: tag('podinfo-canary') }] },
      },
    });
    const sim = await run();
    expect(requests(sim, 'podinfo')).toBe(0);
  });
});

describe('mesh series', () => {
  it('counts each request in the Linkerd, Consul and Kuma vocabularies', async () => {
    putConsulPodinfo({ image: 'podinfo:6.0.1-faulty' });
    put('consul.hashicorp.com/v1alpha1', 'ServiceResolver', RESOLVER);
    put('consul.hashicorp.com/v1alpha1', 'ServiceSplitter', {
      splits: [
        { weight: 50, serviceSubset: 'primary' },
        { weight: 50, serviceSubset: 'canary' },
      ],
    });
    const sim = await run();
    const n = sent(sim);
    const sum = (name: string, labels: Record<string, string>) =>
      sim
        .samples()
        .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((n, s) => n + s.value, 0);
    // Half the requests to the canary, each answered 500 with probability 0.3.
    const canary = sim.totals(NS, 'podinfo');
    expectShare(canary.requests, n, 0.5);
    expectWithin(canary.errors, binomialBounds(canary.requests, 0.3), 'canary errors');
    expect(sum('response_total', { deployment: 'podinfo', direction: 'inbound' })).toBe(canary.requests);
    expect(
      sum('response_total', { deployment: 'podinfo', classification: 'failure', status_code: '500' }),
    ).toBe(canary.errors);
    expect(sum('response_latency_ms_bucket', { deployment: 'podinfo', le: '+Inf' })).toBe(canary.requests);
    expect(
      sum('envoy_cluster_upstream_rq', {
        namespace: NS,
        envoy_cluster_name: 'local_app',
        envoy_response_code: '500',
      }),
    ).toBe(canary.errors);
    expect(sum('envoy_cluster_upstream_rq', { service: 'podinfo_test_svc_9898' })).toBe(n);
    const pods = new Set(
      sim
        .samples()
        .filter((s) => s.name === 'envoy_cluster_upstream_rq' && s.labels.envoy_cluster_name === 'local_app')
        .map((s) => s.labels.pod),
    );
    expect([...pods].map((p) => p.replace(/-[0-9a-f]+-[0-9a-f]+$/, '')).sort()).toEqual([
      'podinfo',
      'podinfo-primary',
    ]);
    expect(sim.render()).toContain('# TYPE response_latency_ms histogram');
  });
});
