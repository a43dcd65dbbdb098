/**
 * Starts and stops everything the demo runs on one machine: the sandbox cluster, the traffic
 * simulator, Prometheus (when its binary exists) or the sandbox metrics provider, a Slack-compatible
 * receiver and the local stack with the sandbox cluster registered. Anything started is closed by
 * `close()`, in reverse order, also when a later start fails.
 */
import { randomBytes } from 'node:crypto';
import {
  makeLoadtester,
  MemoryGateStore,
  silentLogger as quietLoadtester,
  startLoadtesterServer,
} from '../../lib/loadtester/index.js';
import { silentLogger, type Logger } from '../../lib/ports/logger.js';
import { startSandbox, type Sandbox } from '../../sandbox/apiserver/index.js';
import { startTrafficSimulator, type TrafficSimulator } from '../../sandbox/traffic/index.js';
import { startMetrics } from '../metrics.js';
import { startStack, type Stack } from '../stack.js';
import { DEMO } from './manifests.js';
import { startSlackReceiver, type SlackReceiver } from './slack.js';

/** Everything running for one demo. */
export interface DemoEnvironment {
  sandbox: Sandbox;
  simulator: TrafficSimulator;
  slack: SlackReceiver;
  stack: Stack;
  /** Which metrics source answers the checks. */
  metrics: 'prometheus' | 'sandbox';
  close(): Promise<void>;
}

/** Options of {@link startEnvironment}. */
export interface EnvironmentOptions {
  /** Use Prometheus when its binary is found (default true). */
  usePrometheus?: boolean;
  /** The prometheus binary; default: found on PATH. */
  prometheusBin?: string;
  /** Seed of the simulated traffic; default the simulator's fixed seed. */
  trafficSeed?: number;
  print(line: string): void;
  logger?: Logger;
}

/** Starts the environment; on failure closes what was already started and rethrows. */
export async function startEnvironment(opts: EnvironmentOptions): Promise<DemoEnvironment> {
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const sandbox = await startSandbox({ rolloutDelayMs: 1500, namespaces: [DEMO.namespace] });
    closers.push(() => sandbox.close());
    await startInClusterLoadtester(sandbox, closers);
    const simulator = await startTrafficSimulator({
      store: sandbox.store,
      namespaces: [DEMO.namespace],
      // Enough requests for the judge to vouch for a good version within the demo's few steps.
      rps: 100,
      seed: opts.trafficSeed,
    });
    closers.push(() => simulator.close());
    const metrics = await startMetrics(opts, simulator);
    if (metrics.stop) closers.push(metrics.stop);
    const slack = await startSlackReceiver();
    closers.push(() => slack.close());
    const stack = await startStack({
      token: randomBytes(18).toString('base64url'),
      prometheusUrl: metrics.prometheusUrl,
      defaultMetrics: metrics.provider,
      slackUrl: slack.url,
      logger: opts.logger ?? silentLogger,
    });
    closers.push(() => stack.close());
    await registerSandbox(stack, sandbox);
    return {
      sandbox,
      simulator,
      slack,
      stack,
      metrics: metrics.prometheusUrl ? 'prometheus' : 'sandbox',
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Flagger's load tester as it runs in a cluster: Service `flagger-loadtester` in the demo
 * namespace, port 80, unauthenticated (the cluster network protects it), served by our load tester
 * behind the sandbox's service proxy.
 */
export async function startInClusterLoadtester(
  sandbox: Sandbox,
  closers: (() => Promise<void>)[],
): Promise<void> {
  const server = await startLoadtesterServer(
    makeLoadtester({ gates: new MemoryGateStore(), logger: quietLoadtester }),
  );
  closers.push(() => server.close());
  sandbox.store.put({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'flagger-loadtester', namespace: DEMO.namespace },
    spec: { selector: { app: 'flagger-loadtester' }, ports: [{ name: 'http', port: 80 }] },
  });
  sandbox.proxyTargets.set({ namespace: DEMO.namespace, service: 'flagger-loadtester' }, server.url);
}

/**
 * Registers the sandbox as cluster `sandbox` (https with its CA and token; Istio by default), with
 * in-cluster addresses reached through its service proxy.
 */
export function registerSandbox(stack: Stack, sandbox: Sandbox): Promise<void> {
  const { url: server, caData, token } = sandbox;
  return stack.registerCluster({
    name: DEMO.cluster,
    kind: 'endpoint',
    server,
    caData,
    token,
    defaultProvider: 'istio',
    serviceProxy: { enabled: true },
  });
}
