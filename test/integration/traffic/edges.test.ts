/**
 * The traffic simulator behind the ingress controllers: it routes by the objects the NGINX,
 * Contour, Gloo, Traefik and APISIX routers write (built here by their pure builders), reports
 * each request as that controller does, and both the sandbox metrics provider and a real
 * Prometheus answer the providers' builtin queries — canary and primary sides — from it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { canaryRouteSpec } from '../../../lib/adapters/routers/apisix/apisix-route.js';
import { httpProxySpec } from '../../../lib/adapters/routers/contour/http-proxy.js';
import { routeTableSpec, upstreamName, upstreamSpec } from '../../../lib/adapters/routers/gloo/objects.js';
import { canaryIngressSpec, canaryState } from '../../../lib/adapters/routers/nginx/ingress.js';
import { traefikServiceSpec } from '../../../lib/adapters/routers/traefik/traefik-service.js';
import { PrometheusClient } from '../../../lib/adapters/prometheus/client.js';
import { builtinQuery, type BuiltinQueryInput } from '../../../lib/adapters/prometheus/queries.js';
import type { Provider } from '../../../lib/domain/spec/accessors.js';
import type { Canary } from '../../../lib/domain/spec/schema.js';
import {
  sandboxMetricsProvider,
  startTrafficSimulator,
  type TrafficSimulator,
} from '../../../sandbox/traffic/index.js';
import { prometheusAvailability, startPrometheus, type PrometheusServer } from '../../support/prometheus.js';
import { startSandbox, type Sandbox } from '../../support/sandbox.js';
import {
  binomialBounds,
  expectShare,
  expectWithin,
  poissonBounds,
  successRateBounds,
} from '../../support/stochastic.js';
import { specCanary } from '../../unit/routers/ingress-fixtures.js';
import { manualClock, NS, putDeployment, putService } from './world.js';

const W = { primary: 80, canary: 20, mirrored: false };
const PROVIDERS = ['nginx', 'contour', 'gloo', 'traefik', 'apisix'] as const;

let sandbox: Sandbox | undefined;
let sim: TrafficSimulator | undefined;
let prom: PrometheusServer | undefined;
afterEach(async () => {
  await prom?.stop();
  await sim?.close();
  await sandbox?.close();
  sandbox = sim = prom = undefined;
});

/** App `app` (its own apex, -primary, -canary): a healthy primary and a canary answering 30 % errors. */
function putApp(s: Sandbox, app: string): void {
  putDeployment(s, `${app}-primary`);
  putDeployment(s, app, { annotations: { 'sandbox.flagger.app/error-rate': '0.3' } });
  putService(s, app, `${app}-primary`);
  putService(s, `${app}-primary`, `${app}-primary`);
  putService(s, `${app}-canary`, app);
}

function canaryFor(provider: Provider, app: string): Canary {
  const c = specCanary({
    provider,
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app },
    ingressRef: { kind: 'Ingress', name: `${app}-ing` },
    routeRef: { kind: 'ApisixRoute', name: `${app}-route` },
  });
  return { ...c, metadata: { ...c.metadata, name: app } };
}

/** The objects the provider's router would have written for `c` at 80/20 (plus the user's own). */
function putRouting(s: Sandbox, provider: Provider, c: Canary): void {
  const app = c.spec.targetRef.name;
  const meta = (name: string, annotations?: Record<string, string>) => ({ name, namespace: NS, annotations });
  const put = (
    apiVersion: string,
    kind: string,
    name: string,
    spec: unknown,
    annotations?: Record<string, string>,
  ): void => {
    s.store.put({
      apiVersion,
      kind,
      metadata: meta(name, annotations),
      spec: spec as Record<string, unknown>,
    });
  };
  switch (provider) {
    case 'nginx': {
      const backend = { service: { name: app, port: { number: 9898 } } };
      const source = {
        rules: [
          { host: `${app}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } },
        ],
      };
      put('networking.k8s.io/v1', 'Ingress', `${app}-ing`, source);
      put(
        'networking.k8s.io/v1',
        'Ingress',
        `${app}-ing-canary`,
        canaryIngressSpec(c, source),
        canaryState(c, W),
      );
      return;
    }
    case 'contour':
      return put('projectcontour.io/v1', 'HTTPProxy', app, httpProxySpec(c, W));
    case 'gloo':
      for (const side of ['primary', 'canary'] as const) {
        const svc = {
          name: `${app}-${side}`,
          selector: { app: side === 'primary' ? `${app}-primary` : app },
        };
        put('gloo.solo.io/v1', 'Upstream', upstreamName(c, side), upstreamSpec(c, svc));
      }
      return put('gateway.solo.io/v1', 'RouteTable', app, routeTableSpec(c, W));
    case 'traefik':
      return put('traefik.io/v1alpha1', 'TraefikService', app, traefikServiceSpec(c, W));
    case 'apisix': {
      const source = {
        http: [
          { name: 'rule', match: { paths: ['/*'] }, backends: [{ serviceName: app, servicePort: 9898 }] },
        ],
      };
      put('apisix.apache.org/v2', 'ApisixRoute', `${app}-route`, source);
      return put(
        'apisix.apache.org/v2',
        'ApisixRoute',
        `${app}-route-${app}-canary`,
        canaryRouteSpec(c, source, W),
      );
    }
    default:
      throw new Error(`not an ingress provider: ${provider}`);
  }
}

function input(
  provider: Provider,
  app: string,
  interval: string,
  side: 'canary' | 'primary',
): BuiltinQueryInput {
  return {
    provider,
    namespace: NS,
    target: app,
    interval,
    side,
    ingress: `${app}-ing`,
    route: `${app}-route`,
  };
}

async function world(): Promise<Sandbox> {
  const s = await startSandbox({ namespaces: [NS] });
  for (const provider of PROVIDERS) {
    const app = `${provider}-app`;
    putApp(s, app);
    putRouting(s, provider, canaryFor(provider, app));
  }
  return s;
}

const signal = new AbortController().signal;

describe('the simulator behind the ingress controllers (sandbox metrics provider)', () => {
  it.each(PROVIDERS)(
    '%s: splits 80/20 by its objects and answers both sides of the builtins',
    async (provider) => {
      sandbox = await world();
      const clock = manualClock();
      sim = await startTrafficSimulator({
        store: sandbox.store,
        autoStart: false,
        serve: false,
        now: clock.now,
        rps: 20,
      });
      for (let i = 0; i < 10; i++) {
        clock.advance(1000);
        sim.tick();
      }
      const app = `${provider}-app`;
      // 20 % of the requests to the canary, each a 500 with probability 0.3; the rest to the primary.
      const sent = sim.appStats(NS, app).sent;
      expectWithin(sent, poissonBounds(200), 'requests sent');
      const canary = sim.totals(NS, app);
      expectShare(canary.requests, sent, 0.2);
      expectWithin(canary.errors, binomialBounds(canary.requests, 0.3), 'canary errors');
      expect(sim.totals(NS, `${app}-primary`)).toMatchObject({ requests: sent - canary.requests, errors: 0 });
      const metrics = sandboxMetricsProvider(sim);
      const rate = (side: 'canary' | 'primary') =>
        metrics.query(builtinQuery('request-success-rate', input(provider, app, '10s', side)), signal);
      // APISIX reports the canary route, which carries both backends: the errors among all requests.
      const served = provider === 'apisix' ? sent : canary.requests;
      const canaryRate = await rate('canary');
      expect(canaryRate.kind === 'value' && canaryRate.value).toBeCloseTo(
        (100 * (served - canary.errors)) / served,
        9,
      );
      if (provider === 'apisix') {
        expect(() => builtinQuery('request-success-rate', input(provider, app, '10s', 'primary'))).toThrow(
          /no primary side/,
        );
      } else {
        expect(await rate('primary')).toEqual({ kind: 'value', value: 100 });
      }
      const latency = await metrics.query(
        builtinQuery('request-duration', input(provider, app, '10s', 'canary')),
        signal,
      );
      expect(latency.kind).toBe('value');
      if (latency.kind === 'value') expect(latency.value).toBeGreaterThan(10);
      if (latency.kind === 'value') expect(latency.value).toBeLessThan(120);
    },
  );
});

const availability = prometheusAvailability('ingress controller metrics in Prometheus');

describe.skipIf(availability.skip)('the ingress controllers’ metrics scraped by a real Prometheus', () => {
  it('gives the answers of the traffic model for every provider and side', async () => {
    sandbox = await world();
    const rps = 400;
    sim = await startTrafficSimulator({ store: sandbox.store, rps, tickMs: 100 });
    const started = Date.now();
    prom = await startPrometheus({ bin: availability.bin, targets: [sim.target] });
    const client = new PrometheusClient({ address: prom.url });
    // Query once Prometheus holds a full 10 s window of traffic (scrapes start ≈ 5 s after launch).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 16_000 - Date.now())));
    for (const provider of PROVIDERS) {
      const app = `${provider}-app`;
      const sides = provider === 'apisix' ? (['canary'] as const) : (['canary', 'primary'] as const);
      for (const side of sides) {
        const rate = builtinQuery('request-success-rate', input(provider, app, '10s', side));
        // 400 req/s, 20 % to the canary answering 500 with probability 0.3; APISIX's canary route
        // carries both backends (6 % errors); the primary has none. rate() over 10 s sees the
        // increase of ≈ 9 s of scrapes: the bounds are those of 8 s of requests.
        const want: [number, number] =
          side === 'primary'
            ? [100, 100]
            : provider === 'apisix'
              ? successRateBounds(8 * rps, 0.06)
              : successRateBounds(8 * rps * 0.2, 0.3);
        expectWithin(await prom.waitForValue(rate, { timeoutMs: 25_000 }), want, `${provider} ${side}`);
        const latency = await client.query(
          builtinQuery('request-duration', input(provider, app, '10s', side)),
          AbortSignal.timeout(5000),
        );
        expect(latency.kind, `${provider} ${side} latency`).toBe('value');
      }
    }
  }, 120_000);
});
