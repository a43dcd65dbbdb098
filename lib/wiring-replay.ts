/**
 * Wiring of `flagger-serverless replay` (it runs in the CLI: a replay may take longer than an API
 * request may last): one Prometheus server for every query, the check resolver with the
 * MetricTemplates the user supplied, and the judge's counter queries.
 */
import type { ReplayDeps } from './app/replay.js';
import { PrometheusClient } from './adapters/prometheus/client.js';
import { PrometheusCheckQueries } from './adapters/prometheus/resolve.js';
import type { MetricTemplate } from './ports/metrics.js';

/** A range query over a long window takes longer than a step's instant query. */
const REPLAY_QUERY_TIMEOUT_MS = 60_000;

export interface ReplayWiring {
  /** Base URL of the Prometheus server. */
  prometheus: string;
  /** Bearer token for it (never printed: the client masks it in every message). */
  token?: string;
  /** MetricTemplates for `templateRef` checks (e.g. from the `-f` input). */
  templates?: readonly MetricTemplate[];
  fetch?: typeof globalThis.fetch;
}

/** Throws PrometheusConfigError for an address that is not an http(s) URL. */
export function replayDeps(o: ReplayWiring): ReplayDeps {
  const metrics = new PrometheusClient({
    address: o.prometheus,
    timeoutMs: REPLAY_QUERY_TIMEOUT_MS,
    ...(o.token && { auth: { type: 'bearer' as const, token: o.token } }),
    fetch: o.fetch,
  });
  const templates = o.templates ?? [];
  const resolver = new PrometheusCheckQueries({
    get: (namespace, name) =>
      Promise.resolve(templates.find((t) => t.namespace === namespace && t.name === name)),
  });
  return { metrics, resolver };
}
