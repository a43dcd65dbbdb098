/**
 * Starts and stops everything the demo runs on one machine: the sandbox cluster, the traffic
 * simulator, Prometheus (when its binary exists) or the sandbox metrics provider, a Slack-compatible
 * receiver and the local stack with the sandbox cluster registered. Anything started is closed by
 * `close()`, in reverse order, also when a later start fails.
 */
import { randomBytes } from 'node:crypto';
import { silentLogger, type Logger } from '../../lib/ports/logger.js';
import { startSandbox, type Sandbox } from '../../sandbox/apiserver/index.js';
import { sandboxMetricsProvider, startTrafficSimulator, type TrafficSimulator } from '../../sandbox/traffic/index.js';
import { startStack, type Stack } from '../stack.js';
import { DEMO } from './manifests.js';
import { findPrometheus, startDemoPrometheus } from './prometheus.js';
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
    const simulator = await startTrafficSimulator({ store: sandbox.store, namespaces: [DEMO.namespace], rps: 20 });
    closers.push(() => simulator.close());
    const bin = opts.usePrometheus === false ? undefined : (opts.prometheusBin ?? findPrometheus());
    const prometheus = bin ? await startDemoPrometheus(bin, [simulator.target]) : undefined;
    if (prometheus) closers.push(() => prometheus.stop());
    opts.print(
      prometheus
        ? `metrics: Prometheus (${bin}) at ${prometheus.url}, scraping the traffic simulator at ${simulator.url}`
        : 'metrics: no prometheus binary found (or disabled): the sandbox metrics provider answers the builtin checks from the simulator',
    );
    const slack = await startSlackReceiver();
    closers.push(() => slack.close());
    const stack = await startStack({
      token: randomBytes(18).toString('base64url'),
      prometheusUrl: prometheus?.url,
      defaultMetrics: prometheus ? undefined : sandboxMetricsProvider(simulator),
      slackUrl: slack.url,
      logger: opts.logger ?? silentLogger,
    });
    closers.push(() => stack.close());
    await stack.registerCluster({
      name: DEMO.cluster,
      kind: 'endpoint',
      server: sandbox.url,
      caData: sandbox.caData,
      token: sandbox.token,
      defaultProvider: 'istio',
    });
    return { sandbox, simulator, slack, stack, metrics: prometheus ? 'prometheus' : 'sandbox', close };
  } catch (e) {
    await close();
    throw e;
  }
}
