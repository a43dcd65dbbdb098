/**
 * Local mode's sandbox (`npm start -- --sandbox`): the embedded cluster, its objects kept in
 * `<data-dir>/sandbox.json` so that a restart finds the cluster the stored canaries were made
 * against; on its first start it is seeded with podinfo (Deployment and HorizontalPodAutoscaler in
 * namespace `test`). Around it run the traffic simulator (every namespace) and the metrics of the
 * builtin checks (metrics.ts). Once the stack is up, {@link registerPodinfo} registers the cluster
 * as `sandbox` and applies the podinfo Canary, whose webhooks call local mode's own load tester.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox/apiserver/index.js';
import { startTrafficSimulator, type TrafficSimulator } from '../sandbox/traffic/index.js';
import { registerSandbox } from './demo/environment.js';
import {
  DEMO,
  INITIAL_IMAGE,
  podinfoAutoscaler,
  podinfoCanary,
  podinfoDeployment,
  type Manifest,
} from './demo/manifests.js';
import { startMetrics, type SandboxMetrics } from './metrics.js';
import { callApi, type Stack } from './stack.js';

/** The files local mode keeps for the sandbox, under its data directory. */
const SANDBOX_FILES = { data: 'sandbox.json', kubeconfig: 'sandbox-kubeconfig.yaml' } as const;

/** The seeded canary's key, as the API and the CLI name it (`sandbox/test/podinfo`). */
export const PODINFO = { cluster: DEMO.cluster, namespace: DEMO.namespace, name: DEMO.name } as const;

/** Options of {@link startLocalSandbox}. */
export interface LocalSandboxOptions {
  /** Where lines for the user go. */
  print: (line: string) => void;
  dataDir: string;
  /** Prometheus given by the user: used as is, none started. */
  prometheusUrl?: string;
  /** Start Prometheus when its binary is found (default true). */
  usePrometheus?: boolean;
  prometheusBin?: string;
}

/** The running sandbox with its traffic and metrics. */
export interface LocalSandbox {
  sandbox: Sandbox;
  simulator: TrafficSimulator;
  metrics: SandboxMetrics;
  /** Where its kubeconfig was written (https, the context's namespace `test`). */
  kubeconfigPath: string;
  /** True when its objects came from the data file; false when it was seeded now. */
  restored: boolean;
  /** Stops metrics, traffic and the sandbox (which writes its data file last). */
  close(): Promise<void>;
}

/** Starts (or restores) the sandbox, seeds podinfo when it is new, starts traffic and metrics. */
export async function startLocalSandbox(opts: LocalSandboxOptions): Promise<LocalSandbox> {
  const dataFile = join(opts.dataDir, SANDBOX_FILES.data);
  const restored = existsSync(dataFile);
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const sandbox = await startSandbox({
      name: DEMO.cluster,
      rolloutDelayMs: 2000,
      autoCreateNamespaces: true,
      namespaces: ['default', DEMO.namespace],
      dataFile,
    });
    closers.push(() => sandbox.close());
    if (restored) opts.print(`sandbox: objects restored from ${dataFile}`);
    else await seedPodinfo(sandbox, opts.print);
    const kubeconfigPath = join(opts.dataDir, SANDBOX_FILES.kubeconfig);
    await sandbox.writeKubeconfig(kubeconfigPath, { namespace: DEMO.namespace });
    const simulator = await startTrafficSimulator({ store: sandbox.store, rps: 50 });
    closers.push(() => simulator.close());
    opts.print(`traffic: 50 requests/s to every app of the sandbox (simulated, at ${simulator.url})`);
    const metrics = opts.prometheusUrl
      ? given(opts.prometheusUrl, simulator, opts.print)
      : await startMetrics(opts, simulator);
    if (metrics.stop) closers.push(metrics.stop);
    return { sandbox, simulator, metrics, kubeconfigPath, restored, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function given(url: string, simulator: TrafficSimulator, print: (l: string) => void): SandboxMetrics {
  print(
    `metrics: Prometheus at ${url} (--prometheus-url); it must scrape the traffic simulator at ${simulator.url}`,
  );
  return { prometheusUrl: url };
}

async function seedPodinfo(sandbox: Sandbox, print: (l: string) => void): Promise<void> {
  await applyToSandbox(sandbox, podinfoDeployment(INITIAL_IMAGE));
  await applyToSandbox(sandbox, podinfoAutoscaler());
  print(
    `sandbox: new; seeded Deployment ${DEMO.namespace}/${DEMO.name} (${INITIAL_IMAGE}) and its HorizontalPodAutoscaler`,
  );
}

/**
 * Registers the sandbox as cluster `sandbox` and applies the podinfo Canary (unchanged: nothing
 * written). A stored canary of a sandbox that is gone (its data file was removed) is deleted
 * first, so that it starts over against the new one instead of missing its primary.
 */
export async function registerPodinfo(
  stack: Stack,
  local: Pick<LocalSandbox, 'sandbox' | 'restored'>,
  print: (l: string) => void,
): Promise<void> {
  await registerSandbox(stack, local.sandbox);
  const signal = AbortSignal.timeout(10_000);
  if (!local.restored && (await stack.core.store.get(PODINFO, signal))) {
    await stack.core.store.delete(PODINFO, signal);
    print(
      `canary ${key()}: its sandbox's objects were gone, so the stored canary was deleted and is registered anew`,
    );
  }
  // Five failed checks roll back (the demo's two are tuned for its 10 s steps): with
  // `--step-every` the first steps after a traffic shift may come before the canary's first
  // scrapes, and "no data" counts as a failed check.
  const manifest = podinfoCanary({ loadtester: `${stack.url}/loadtester`, autoscaler: true, threshold: 5 });
  const res = await callApi(stack, 'POST', `/canaries?cluster=${PODINFO.cluster}`, manifest);
  if (res.status >= 300)
    throw new Error(`registering the canary ${key()} failed: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as { unchanged?: boolean } | undefined;
  const what = res.status === 201 ? 'registered' : body?.unchanged ? 'already registered' : 'updated';
  print(`canary ${key()} ${what} (webhooks: ${stack.url}/loadtester/…)`);
}

/**
 * Waits until the podinfo canary has left `Initializing` (its primary is ready), so that a release
 * made after the commands are printed is a release and not part of the initialization. False when
 * `timeoutMs` passes first.
 */
export async function waitForPodinfo(stack: Stack, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = await stack.core.store.get(PODINFO, AbortSignal.timeout(10_000));
    if (record && record.status.phase !== 'Initializing') return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function key(): string {
  return `${PODINFO.cluster}/${PODINFO.namespace}/${PODINFO.name}`;
}

/** Server-side applies an object to the sandbox over HTTP, as `kubectl apply --server-side` would. */
export async function applyToSandbox(sandbox: Sandbox, obj: Manifest): Promise<void> {
  const group = obj.apiVersion.includes('/') ? `apis/${obj.apiVersion}` : `api/${obj.apiVersion}`;
  const plural = `${obj.kind.toLowerCase()}s`;
  const url = `${sandbox.httpUrl}/${group}/namespaces/${obj.metadata.namespace}/${plural}/${obj.metadata.name}?fieldManager=demo&force=true`;
  const res = await fetch(url, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/apply-patch+yaml' },
    body: JSON.stringify(obj),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status >= 300)
    throw new Error(`applying ${obj.kind} ${obj.metadata.name}: HTTP ${res.status} ${await res.text()}`);
}
