/**
 * Just enough of Prometheus to compute Flagger's builtin Istio checks the way a real server would:
 * scraped counter samples per series, `rate()` with Prometheus' extrapolation (a series' first
 * sample is never counted as an increase; a series with one sample in the window has no rate), and
 * `histogram_quantile` (lib/domain/judge/histogram.ts). Only the canary's series are kept — the
 * static checks never read the primary.
 */
import { histogramQuantile, type Bucket } from '../../../lib/domain/judge/histogram.js';
import { ISTIO_BOUNDS, type ArmCounters, type CodeCounters } from './traffic.js';

interface Sample {
  t: number;
  v: number;
}

/**
 * `rate()` of one counter series over (end − range, end], as Prometheus' extrapolatedRate: the
 * increase between the first and last sample in the window (resets handled), extrapolated to the
 * window edges when the samples come close to them, never below the counter's zero.
 * Undefined (no result) with fewer than two samples.
 */
function extrapolatedRate(all: readonly Sample[], end: number, range: number): number | undefined {
  const start = end - range;
  const s = all.filter((x) => x.t > start && x.t <= end);
  if (s.length < 2) return undefined;
  let increase = s[s.length - 1].v - s[0].v;
  for (let i = 1; i < s.length; i++) if (s[i].v < s[i - 1].v) increase += s[i - 1].v;
  const sampled = s[s.length - 1].t - s[0].t;
  const average = sampled / (s.length - 1);
  let toStart = s[0].t - start;
  const toEnd = end - s[s.length - 1].t;
  if (increase > 0 && s[0].v >= 0) {
    const toZero = sampled * (s[0].v / increase);
    if (toZero < toStart) toStart = toZero;
  }
  const threshold = average * 1.1;
  let interval = sampled;
  interval += toStart < threshold ? toStart : average / 2;
  interval += toEnd < threshold ? toEnd : average / 2;
  return (increase * (interval / sampled)) / range;
}

/** The canary's scraped series: per response code, the request counter and the latency buckets. */
export class CanarySeries {
  private readonly codes = new Map<'ok' | 'err', { requests: Sample[]; buckets: Sample[][] }>();

  /** Records a scrape at `t` of every series that exists (a code's series appear with its first request). */
  scrape(t: number, canary: ArmCounters): void {
    for (const code of ['ok', 'err'] as const) {
      const c: CodeCounters = canary[code];
      if (c.count === 0) continue;
      let s = this.codes.get(code);
      if (!s) this.codes.set(code, (s = { requests: [], buckets: c.bins.map(() => []) }));
      s.requests.push({ t, v: c.count });
      let run = 0;
      c.bins.forEach((n, j) => {
        run += n;
        s.buckets[j].push({ t, v: run });
      });
    }
  }

  /** Flagger's success rate in percent at `t`, or undefined (no data: "no values found"). */
  successRate(t: number, window: number): number | undefined {
    let ok: number | undefined;
    let all: number | undefined;
    for (const [code, s] of this.codes) {
      const r = extrapolatedRate(s.requests, t, window);
      if (r === undefined) continue;
      all = (all ?? 0) + r;
      if (code === 'ok') ok = (ok ?? 0) + r;
    }
    if (all === undefined || ok === undefined || all === 0) return undefined;
    return (ok / all) * 100;
  }

  /** Flagger's P99 in ms at `t`: histogram_quantile(0.99, sum by (le) (rate(…_bucket[window]))). */
  p99(t: number, window: number): number | undefined {
    const sums = new Array<number | undefined>(ISTIO_BOUNDS.length + 1).fill(undefined);
    for (const s of this.codes.values()) {
      s.buckets.forEach((series, j) => {
        const r = extrapolatedRate(series, t, window);
        if (r !== undefined) sums[j] = (sums[j] ?? 0) + r;
      });
    }
    if (sums.every((v) => v === undefined)) return undefined;
    const h: Bucket[] = sums.map((v, j) => ({
      le: j < ISTIO_BOUNDS.length ? ISTIO_BOUNDS[j] : Infinity,
      count: v ?? 0,
    }));
    const q = histogramQuantile(0.99, h);
    return Number.isNaN(q) ? undefined : q;
  }
}
