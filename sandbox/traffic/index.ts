/**
 * The sandbox's mesh traffic simulator and the metrics provider built on it. See simulator.ts
 * (what traffic is sent and where), behaviour.ts (how a version behaves), provider.ts (answering
 * builtin checks without Prometheus).
 */
export {
  behaviourOf,
  ERROR_RATE_ANNOTATION,
  FAULTY_ERROR_RATE,
  HEALTHY,
  LATENCY_ANNOTATION,
  SLOW_P99_MS,
  type Behaviour,
} from './behaviour.js';
export { BUCKETS_MS, renderExposition, type Sample, type WorkloadTotals } from './counters.js';
export type { AppStats } from './engine.js';
export { sandboxMetricsProvider, UNSUPPORTED_QUERY, type MetricsSource } from './provider.js';
export {
  DEFAULT_AB_HEADERS,
  startTrafficSimulator,
  type TrafficOptions,
  type TrafficSimulator,
} from './simulator.js';
