/** The soak benchmark's report (markdown): one row per sample, trends, and what reached stderr. */
import type { ListenerCount, Probe } from './probe.js';

/** One sample of the local-mode process. */
export interface Sample {
  atS: number;
  heapMb: number;
  rssMb: number;
  handles: number;
  handleTypes: string;
  listeners: ListenerCount;
  queued: number;
  phases: string;
  events: number;
  releases: number;
}

interface ReportInput {
  title: string;
  samples: Sample[];
  sampleMs: number;
  probe: Probe;
  /** What the stack logged at warn or error, with counts. */
  logged: Map<string, number>;
  closeMs: number;
  /** Active resources after closing (stdout/stderr and the world's child process left out). */
  left: string[];
}

export function render(r: ReportInput): string {
  const s = r.samples;
  // Registration and the first releases are a ramp: trends count from the third sample on.
  const steady = s.slice(Math.min(2, Math.max(0, s.length - 2)));
  const slope = (f: (x: Sample) => number) => round(perMinute(steady.map((x) => [x.atS, f(x)])));
  const warnings = [...new Set(r.probe.warnings)];
  const logged = [...r.logged].map(([m, n]) => `${m} ×${n}`);
  return [
    `# Soak report — ${new Date().toISOString()}`,
    '',
    `Node ${process.version}; ${r.title}; samples every ${r.sampleMs / 1000} s` +
      `${global.gc ? ', heap after GC' : ' (run with --expose-gc for the heap after GC)'}.`,
    '',
    '| t (s) | heap MB | RSS MB | handles | abort listeners (max on one signal) | queue | events | releases ended | phases | handle types |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...s.map(
      (x) =>
        `| ${x.atS} | ${x.heapMb} | ${x.rssMb} | ${x.handles} | ${x.listeners.total} (${x.listeners.max}) | ${x.queued} | ${x.events} | ${x.releases} | ${x.phases} | ${x.handleTypes} |`,
    ),
    '',
    `Trend from the third sample on, per minute: heap ${slope((x) => x.heapMb)} MB, handles ` +
      `${slope((x) => x.handles)}, abort listeners ${slope((x) => x.listeners.total)}.`,
    `Warnings: ${r.probe.warnings.length}${warnings.length ? ` (${warnings.slice(0, 5).join('; ')})` : ''}.`,
    `Lines on stderr: ${r.probe.stderr.length}${r.probe.stderr.length ? ` (first: ${r.probe.stderr.slice(0, 5).join(' | ')})` : ''}.`,
    `Logged by the stack at warn or error: ${logged.length ? logged.join('; ') : 'nothing'}.`,
    `Closing took ${r.closeMs} ms; handles left after closing: ${r.left.length ? r.left.join(', ') : 'none'}.`,
    '',
  ].join('\n');
}

/** Least-squares slope of `points` ([seconds, value]) per minute. */
function perMinute(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : (sxy / sxx) * 60;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
