/**
 * The canary's share of the recorded requests per step (what the release really routed), from
 * cumulative request counters of both workloads. Pure. The judge's evidence across a replayed
 * analysis is the live step's (judge/evidence.ts `judgeReadings`).
 */
/** Cumulative requests of both workloads at one instant. */
export interface TrafficReading {
  canary: number;
  primary: number;
}

/**
 * The canary's share (percent, rounded to 0.1) of the requests between two cumulative readings;
 * undefined without both readings, without requests, or when a counter went down (a restart).
 */
export function recordedShare(
  prev: TrafficReading | undefined,
  now: TrafficReading | undefined,
): number | undefined {
  if (!prev || !now) return undefined;
  const c = now.canary - prev.canary;
  const p = now.primary - prev.primary;
  if (c < 0 || p < 0 || c + p <= 0) return undefined;
  return Math.round((1000 * c) / (c + p)) / 10;
}
