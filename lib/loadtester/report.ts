/** What a load run observed. */
export interface LoadReport {
  /** Requests completed (responses plus errors). */
  requests: number;
  /** Responses per HTTP status code. */
  statusCodes: Record<string, number>;
  /** Failed requests per reason (`timeout`, `ECONNREFUSED`, …). */
  errors: Record<string, number>;
  durationMs: number;
  requestsPerSecond: number;
  /** Latency summary over every completed request; absent when none completed. */
  latencyMs?: { fastest: number; slowest: number; average: number; p50: number; p90: number; p99: number };
  /** True when the caller's signal stopped the run early. */
  aborted: boolean;
}

/** Latency samples kept for percentiles; later samples still count in totals. */
const MAX_SAMPLES = 1_000_000;

/** Accumulates the outcome of each request of a run. */
export class LoadStats {
  private readonly statusCodes = new Map<number, number>();
  private readonly errors = new Map<string, number>();
  private readonly latencies: number[] = [];
  private count = 0;
  private sum = 0;

  /** Records a response. */
  response(status: number, latencyMs: number): void {
    this.statusCodes.set(status, (this.statusCodes.get(status) ?? 0) + 1);
    this.sample(latencyMs);
  }

  /** Records a failed request. */
  error(reason: string, latencyMs: number): void {
    this.errors.set(reason, (this.errors.get(reason) ?? 0) + 1);
    this.sample(latencyMs);
  }

  /** The report so far. */
  report(durationMs: number, aborted: boolean): LoadReport {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number): number =>
      round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
    return {
      requests: this.count,
      statusCodes: Object.fromEntries([...this.statusCodes].map(([k, v]) => [String(k), v])),
      errors: Object.fromEntries(this.errors),
      durationMs: round(durationMs),
      requestsPerSecond: durationMs > 0 ? round((this.count * 1000) / durationMs) : 0,
      latencyMs:
        sorted.length === 0
          ? undefined
          : {
              fastest: round(sorted[0]),
              slowest: round(sorted.at(-1)!),
              average: round(this.sum / this.count),
              p50: at(0.5),
              p90: at(0.9),
              p99: at(0.99),
            },
      aborted,
    };
  }

  private sample(latencyMs: number): void {
    this.count += 1;
    this.sum += latencyMs;
    if (this.latencies.length < MAX_SAMPLES) this.latencies.push(latencyMs);
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** A hey-like text summary of a run, for `logCmdOutput`. */
export function formatReport(report: LoadReport): string {
  const lines = ['Summary:', `  Total:\t${(report.durationMs / 1000).toFixed(4)} secs`];
  if (report.latencyMs) {
    const l = report.latencyMs;
    lines.push(
      `  Slowest:\t${sec(l.slowest)} secs`,
      `  Fastest:\t${sec(l.fastest)} secs`,
      `  Average:\t${sec(l.average)} secs`,
    );
  }
  lines.push(`  Requests/sec:\t${report.requestsPerSecond.toFixed(4)}`);
  if (report.latencyMs) {
    const l = report.latencyMs;
    lines.push(
      '',
      'Latency distribution:',
      `  50% in ${sec(l.p50)} secs`,
      `  90% in ${sec(l.p90)} secs`,
      `  99% in ${sec(l.p99)} secs`,
    );
  }
  lines.push('', 'Status code distribution:');
  for (const [code, n] of Object.entries(report.statusCodes)) lines.push(`  [${code}]\t${n} responses`);
  if (Object.keys(report.errors).length > 0) {
    lines.push('', 'Error distribution:');
    for (const [reason, n] of Object.entries(report.errors)) lines.push(`  [${n}]\t${reason}`);
  }
  if (report.aborted) lines.push('', 'Run aborted before completion.');
  return lines.join('\n');
}

const sec = (ms: number): string => (ms / 1000).toFixed(4);
