/**
 * A canary whose check uses a Datadog MetricTemplate, end to end: the template is registered
 * through the API (Flagger's manifest), its keys come from the secret its `secretRef` names, and a
 * local server speaking Datadog's v1 query API answers the rendered query from the sandbox traffic
 * simulator (the canary's 5xx percentage, on the control plane's clock). A healthy version is
 * promoted, a faulty one rolled back; the keys reach Datadog and nothing else.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinQuery } from '../../lib/adapters/prometheus/queries.js';
import type { Logger } from '../../lib/ports/logger.js';
import { sandboxMetricsProvider, type TrafficSimulator } from '../../sandbox/traffic/index.js';
import { startControlPlane, type ControlPlane } from '../support/controlplane.js';
import { serveDatadogApi, type DatadogApi, type DatadogRequest } from '../support/datadog-api.js';
import {
  apply,
  initializeCanary,
  podinfoCanary,
  podinfoDeployment,
  podinfoKey as key,
  simulatedSandbox,
  virtualServiceWeights,
} from '../support/release.js';
import type { Sandbox } from '../support/sandbox.js';
import { historyOf } from '../support/scenario.js';

const API_KEY = 'Datadog-Api-K3y-e2e-0001';
const APP_KEY = 'Datadog-App-K3y-e2e-0002';

/** Flagger's Datadog example, on the sandbox's workload. */
const template = (address: string) => ({
  apiVersion: 'flagger.app/v1beta1',
  kind: 'MetricTemplate',
  metadata: { name: 'error-percentage', namespace: 'test' },
  spec: {
    provider: { type: 'datadog', address, secretRef: { name: 'datadog' } },
    query: `100 - (
  sum:istio.mesh.request.count{reporter:destination,destination_workload_namespace:{{ namespace }},destination_workload:{{ target }},!response_code:500}.as_count()
  /
  sum:istio.mesh.request.count{reporter:destination,destination_workload_namespace:{{ namespace }},destination_workload:{{ target }}}.as_count()
) * 100`,
  },
});

const analysis = `threshold: 2
maxWeight: 30
stepWeight: 10
metrics:
  - { name: error-percentage, templateRef: { name: error-percentage }, thresholdRange: { max: 5 }, interval: 10s }`;

let sandbox: Sandbox;
let sim: TrafficSimulator;
let cp: ControlPlane;
let dd: DatadogApi;
let logs: unknown[];
let answers: unknown[];

beforeEach(async () => {
  logs = [];
  answers = [];
  const logger: Logger = {
    info: (message, fields) => logs.push({ message, fields }),
    warn: (message, fields) => logs.push({ message, fields }),
    error: (message, fields) => logs.push({ message, fields }),
  };
  let current: ControlPlane | undefined; // this test's, not the previous one's
  let start: number;
  ({ sandbox, sim, start } = await simulatedSandbox(() => current?.clock.now));
  dd = await serveDatadogApi({ apiKey: API_KEY, applicationKey: APP_KEY });
  dd.answer = fromSimulator;
  const secrets = (ref: { secret?: string }) =>
    ref.secret === 'datadog'
      ? Promise.resolve(JSON.stringify({ datadog_api_key: API_KEY, datadog_application_key: APP_KEY }))
      : Promise.reject(new Error(`no secret ${ref.secret}`));
  cp = current = await startControlPlane({ start, secrets, logger });
});

afterEach(async () => {
  await sim.close();
  await dd.close();
  await cp.close();
  await sandbox.close();
});

/**
 * The canary's 5xx percentage of the last interval, as the simulator counts it, when the query is
 * the template rendered for test/podinfo; Datadog's 400 otherwise.
 */
async function fromSimulator(r: DatadogRequest) {
  const rendered =
    r.query.includes('destination_workload_namespace:test,destination_workload:podinfo,') &&
    !r.query.includes('{{');
  if (!rendered) return { status: 400, body: { errors: [`unexpected query ${r.query}`] } };
  const successRate = builtinQuery('request-success-rate', {
    provider: 'istio',
    namespace: 'test',
    target: 'podinfo',
    interval: '10s',
  });
  const v = await sandboxMetricsProvider(sim).query(successRate, new AbortController().signal);
  return v.kind === 'value' ? 100 - v.value : { series: 'none' as const };
}

async function call(method: string, path: string, body?: unknown) {
  const r = await cp.api(method, path, body);
  answers.push(r);
  return r;
}

/** Traffic flows for one interval (10 s of simulated time), then the step runs. */
async function release(image: string, phase: 'Succeeded' | 'Failed') {
  await apply(sandbox, podinfoDeployment(image));
  const weights: number[] = [];
  let row;
  for (let i = 0; i < 15 && row?.status.phase !== phase; i++) {
    for (let s = 0; s < 10; s++) {
      cp.clock.now += 1000;
      sim.tick();
    }
    row = await cp.tick(key, 0);
    const w = virtualServiceWeights(sandbox)[1];
    if (weights.at(-1) !== w) weights.push(w);
  }
  const checks = (await historyOf(cp, key)).flatMap((h) => h.checks ?? []) as {
    name: string;
    verdict: string;
    value?: number;
  }[];
  return { row, weights, checks };
}

async function setUp(): Promise<void> {
  expect((await call('PUT', '/templates/test/error-percentage', template(dd.url))).status).toBe(201);
  await initializeCanary(cp, sandbox, podinfoCanary(analysis));
}

describe('a canary analysed with a Datadog MetricTemplate', () => {
  it('rejects a Datadog template without its secret, naming the field', async () => {
    const t = template(dd.url);
    const { secretRef: _, ...provider } = t.spec.provider;
    const r = await call('PUT', '/templates/test/error-percentage', { ...t, spec: { ...t.spec, provider } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      {
        path: 'spec.provider.secretRef',
        message: 'required: the secret holding datadog_api_key and datadog_application_key',
      },
    ]);
    const shown = await call('PUT', '/templates/test/default-site', {
      provider: { type: 'datadog', secretRef: { name: 'datadog' } },
      query: 'avg:system.cpu.user{*}',
    });
    expect(shown.status).toBe(201);
    expect((await call('GET', '/templates/test/default-site')).body.provider).toEqual({
      type: 'datadog',
      address: 'https://api.datadoghq.com',
      secretRef: { name: 'datadog' },
    });
  });

  it('promotes a healthy version, querying Datadog over ten intervals with the keys', async () => {
    await setUp();
    const run = await release('podinfo:6.0.1', 'Succeeded');
    expect(run.row?.status.phase).toBe('Succeeded');
    expect(run.weights).toEqual([0, 10, 20, 30, 0]);
    const analysed = run.checks.filter((c) => c.name === 'error-percentage');
    expect(analysed.length).toBeGreaterThanOrEqual(3);
    expect(analysed.every((c) => c.verdict === 'pass' && c.value === 0)).toBe(true);
    expect(dd.requests.length).toBe(analysed.length);
    for (const r of dd.requests) {
      expect(r.to - r.from).toBe(100);
      expect(r.headers['dd-api-key']).toBe(API_KEY);
      expect(r.headers['dd-application-key']).toBe(APP_KEY);
    }
  });

  it('rolls back a version that answers 30 % errors, and the keys appear in no output', async () => {
    await setUp();
    const run = await release('podinfo:6.0.1-faulty', 'Failed');
    expect(run.row?.status).toMatchObject({ phase: 'Failed', canaryWeight: 0 });
    expect(run.weights).toEqual([0, 10, 0]);
    const failing = run.checks.filter((c) => c.name === 'error-percentage' && c.verdict === 'fail');
    expect(failing.length).toBeGreaterThanOrEqual(2);
    expect(failing.every((c) => c.value! > 15 && c.value! < 45)).toBe(true);
    expect(cp.events.map((e) => e.type)).toContain('RolledBack');

    // A server error echoing the keys: the check fails with the echo masked.
    dd.answer = (r) => ({
      status: 500,
      body: {
        errors: [
          `internal error for ${String(r.headers['dd-api-key'])} ${String(r.headers['dd-application-key'])}`,
        ],
      },
    });
    const retry = await release('podinfo:6.0.2', 'Failed');
    expect(retry.row?.status.phase).toBe('Failed');
    const explained = JSON.stringify(await historyOf(cp, key));
    expect(explained).toContain('answered HTTP 500: internal error for *** ***');

    for (const path of [
      '/canaries',
      `/canaries/sandbox/test/podinfo/history`,
      '/templates/test/error-percentage',
    ])
      expect((await call('GET', path)).status).toBe(200);
    const outputs = {
      answers,
      history: await historyOf(cp, key),
      events: cp.events,
      kubeEvents: sandbox.store.list('v1', 'Event', 'test'),
      logs,
    };
    for (const [name, output] of Object.entries(outputs)) {
      const text = JSON.stringify(output);
      expect(text.includes(API_KEY) || text.includes(APP_KEY), name).toBe(false);
    }
  });
});
