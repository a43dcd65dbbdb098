/**
 * The sandbox's mesh traffic simulator and the metrics provider built on it. See simulator.ts
 * (what traffic is sent and where), behaviour.ts (how a version behaves), provider.ts (answering
 * builtin checks without Prometheus).
 */
export { sandboxMetricsProvider, UNSUPPORTED_QUERY, UNSUPPORTED_VECTOR_QUERY } from './provider.js';
export { startTrafficSimulator, type TrafficOptions, type TrafficSimulator } from './simulator.js';
