/**
 * Runs Debian's `prometheus` binary for the demo when it is installed: 127.0.0.1 on a free port,
 * scraping the traffic simulator every second, with a temp config and TSDB removed on stop.
 */
import { findPrometheus, startPrometheusProcess } from '../../sandbox/prometheus.js';

export { findPrometheus };

/** A running Prometheus. */
export interface DemoPrometheus {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** SIGTERM (SIGKILL after 5 s), then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `targets` (`host:port`) every second; resolves once `/-/ready` answers. */
export async function startDemoPrometheus(bin: string, targets: readonly string[]): Promise<DemoPrometheus> {
  const prometheus = await startPrometheusProcess(bin, { targets, job: 'sandbox-traffic' });
  return { url: prometheus.url, stop: () => prometheus.stop() };
}
