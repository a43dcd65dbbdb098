/**
 * Where the builtin checks of a sandbox's canaries get their numbers (the demo and local mode):
 * Prometheus scraping the traffic simulator when a `prometheus` binary is found, else the sandbox
 * metrics provider reading the simulator directly. The choice is printed either way.
 */
import type { MetricsProvider } from '../lib/ports/metrics.js';
import { sandboxMetricsProvider, type TrafficSimulator } from '../sandbox/traffic/index.js';
import { findPrometheus, startDemoPrometheus } from './demo/prometheus.js';

/** How to choose. */
export interface MetricsChoice {
  /** Use Prometheus when its binary is found (default true). */
  usePrometheus?: boolean;
  /** The prometheus binary; default: found on PATH. */
  prometheusBin?: string;
  print(line: string): void;
}

/** The chosen source: a Prometheus URL (and how to stop it) or a provider. */
export interface SandboxMetrics {
  prometheusUrl?: string;
  provider?: MetricsProvider;
  stop?: () => Promise<void>;
}

/** Prometheus scraping the simulator when the binary exists, else the sandbox metrics provider. */
export async function startMetrics(
  opts: MetricsChoice,
  simulator: TrafficSimulator,
): Promise<SandboxMetrics> {
  const bin = opts.usePrometheus === false ? undefined : (opts.prometheusBin ?? findPrometheus());
  if (!bin) {
    opts.print(
      'metrics: no prometheus binary found (or disabled): the sandbox metrics provider answers the builtin checks from the simulator',
    );
    return { provider: sandboxMetricsProvider(simulator) };
  }
  const prometheus = await startDemoPrometheus(bin, [simulator.target]);
  opts.print(
    `metrics: Prometheus (${bin}) at ${prometheus.url}, scraping the traffic simulator at ${simulator.url}`,
  );
  return { prometheusUrl: prometheus.url, stop: () => prometheus.stop() };
}
