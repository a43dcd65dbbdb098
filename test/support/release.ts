/** Fixtures shared by the end-to-end tests: the podinfo Deployment, Canary and live weights. */
import { expect } from 'vitest';
import type { CanaryStatus } from '../../lib/domain/status.js';
import type { Judgement } from '../../lib/domain/judge/index.js';
import type { CanaryRecord, HistoryRecord } from '../../lib/ports/store.js';
import { startTrafficSimulator, type TrafficSimulator } from '../../sandbox/traffic/index.js';
import type { ControlPlane } from './controlplane.js';
import { startSandbox, type Sandbox } from './sandbox.js';

export const podinfoKey = { cluster: 'sandbox', namespace: 'test', name: 'podinfo' };

/**
 * The sandbox (namespaces default and test, rollouts immediate) and a traffic simulator that serves
 * nothing and moves on `clock` — the control plane's, once there is one (the start time before).
 */
export async function simulatedSandbox(
  clock: () => number | undefined,
  opts: { rps?: number } = {},
): Promise<{ sandbox: Sandbox; sim: TrafficSimulator; start: number }> {
  const sandbox = await startSandbox({ rolloutDelayMs: 0, namespaces: ['default', 'test'] });
  const start = Date.now();
  const sim = await startTrafficSimulator({
    store: sandbox.store,
    namespaces: ['test'],
    autoStart: false,
    serve: false,
    ...opts,
    now: () => clock() ?? start,
  });
  return { sandbox, sim, start };
}

export function podinfoDeployment(image: string, annotations: Record<string, string> = {}, name = 'podinfo') {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'test' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { containers: [{ name: 'podinfo', image, ports: [{ containerPort: 9898 }] }] },
      },
    },
  };
}

/**
 * podinfo with `image`, taking C = `configs` (0 or 2: the ConfigMap `podinfo-env` and the Secret
 * `podinfo-secret` of {@link applyPodinfoConfigs}) as its environment.
 */
export function podinfoWithConfigs(image: string, configs: 0 | 2) {
  const d = podinfoDeployment(image);
  if (configs === 0) return d;
  const envFrom = [{ configMapRef: { name: 'podinfo-env' } }, { secretRef: { name: 'podinfo-secret' } }];
  const container = { ...d.spec.template.spec.containers[0], envFrom };
  return { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { containers: [container] } } } };
}

/** Applies the ConfigMap and Secret {@link podinfoWithConfigs} references (none for C = 0). */
export async function applyPodinfoConfigs(sandbox: Sandbox, configs: 0 | 2): Promise<void> {
  if (configs === 0) return;
  const metadata = (name: string) => ({ name, namespace: 'test' });
  await apply(sandbox, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata('podinfo-env'),
    data: { A: '1' },
  } as never);
  await apply(sandbox, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata('podinfo-secret'),
    data: { B: 'MQ==' },
  } as never);
}

/** Server-side applies an object to the sandbox over HTTP, as `kubectl apply --server-side` would. */
export async function apply(
  sandbox: Sandbox,
  obj: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } },
): Promise<void> {
  const plural = `${obj.kind.toLowerCase()}s`;
  const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  const res = await fetch(
    `${sandbox.httpUrl}${base}/namespaces/${obj.metadata.namespace ?? 'default'}/${plural}/${obj.metadata.name}?fieldManager=e2e&force=true`,
    {
      method: 'PATCH',
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify(obj),
    },
  );
  if (res.status >= 300)
    throw new Error(`apply ${obj.kind} ${obj.metadata.name}: HTTP ${res.status} ${await res.text()}`);
}

/** [primary, canary] weights of the podinfo VirtualService's first route. */
export function virtualServiceWeights(sandbox: Sandbox, name = 'podinfo'): [number, number] {
  const vs = sandbox.store.get('networking.istio.io/v1beta1', 'VirtualService', 'test', name) as {
    spec: { http: { route: { destination: { host: string }; weight: number }[] }[] };
  };
  const route = vs.spec.http[0].route;
  const w = (host: string) => route.find((r) => r.destination.host === host)?.weight ?? 0;
  return [w(`${name}-primary`), w(`${name}-canary`)];
}

/**
 * A judged analysis: Flagger's static checks stay, and both builtins are also compared against
 * the primary; 10 % steps to 50 %.
 */
export const JUDGED_ANALYSIS = `threshold: 2
maxWeight: 50
stepWeight: 10
judge:
  enabled: true
metrics:
  - { name: request-success-rate, thresholdRange: { min: 99 }, interval: 10s }
  - { name: request-duration, thresholdRange: { max: 500 }, interval: 10s }`;

/** A podinfo Canary (YAML) with a 10 s interval; `analysis` lines are inserted as given. */
export function podinfoCanary(
  analysis: string,
  opts: { name?: string; provider?: string; extraSpec?: string } = {},
): string {
  const name = opts.name ?? 'podinfo';
  return `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: ${name}, namespace: test }
spec:
  provider: ${opts.provider ?? 'istio'}
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: ${name} }
  progressDeadlineSeconds: 60
  service: { port: 9898 }
${opts.extraSpec ?? ''}  analysis:
    interval: 10s
${analysis.replace(/^/gm, '    ')}
`;
}

/**
 * Registers `sandbox` as cluster `sandbox`, applies `target` (default podinfo:6.0.0), registers the
 * podinfo Canary `manifest` (expects 201, Initializing) and runs the step registration queues, then
 * up to five more, until it is Initialized (expected). Returns the Initialized row.
 */
export async function initializeCanary(
  cp: ControlPlane,
  sandbox: Sandbox,
  manifest: string,
  target: ReturnType<typeof podinfoDeployment> = podinfoDeployment('podinfo:6.0.0'),
): Promise<CanaryRecord<CanaryStatus>> {
  const cluster = await cp.api('POST', '/clusters', {
    name: 'sandbox',
    kind: 'endpoint',
    server: sandbox.httpUrl,
    token: sandbox.token,
  });
  expect(cluster.status).toBe(201);
  await apply(sandbox, target);
  const created = await cp.api('POST', '/canaries', manifest, { cluster: 'sandbox' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.phase).toBe('Initializing');
  // Initialization may take a few steps (primary readiness).
  let row = await cp.tick(podinfoKey, 0);
  for (let i = 0; i < 5 && row?.status.phase !== 'Initialized'; i++) row = await cp.tick(podinfoKey, 10_000);
  expect(row?.status.phase).toBe('Initialized');
  return row!;
}

/**
 * The last history record of a release the judge rolled back for latency alone: `JudgeFailed`,
 * the static request-duration check passing, the latency judgement failing with the canary
 * slower and fewer canary requests than primary ones. Returns that judgement.
 */
export function expectJudgedSlower(last: HistoryRecord | undefined): Judgement {
  expect(last?.reason).toBe('JudgeFailed');
  const checks = last!.checks as { name: string; verdict: string }[];
  expect(checks.find((c) => c.name === 'request-duration')).toMatchObject({ verdict: 'pass' });
  const latency = (last!.judgements as Judgement[]).find((j) => j.metric === 'request-duration')!;
  expect(latency.verdict).toBe('fail');
  expect(latency.canary.requests).toBeGreaterThan(0);
  expect(latency.primary.requests).toBeGreaterThan(latency.canary.requests);
  expect(latency.effect.lower).toBeGreaterThan(1);
  return latency;
}
