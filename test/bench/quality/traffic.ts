/**
 * Stochastic traffic of one release in virtual time: Poisson arrivals at `rps`, each request routed
 * to the canary with probability weight/100 (as Envoy's weighted clusters do), answered 500 with
 * the version's error probability, and timed from a lognormal distribution (long right tail),
 * counted into Istio's own latency buckets. Counters are cumulative from the moment the canary
 * first gets traffic; a scrape hook sees them at Prometheus scrape instants.
 */
import { ENVOY_BUCKETS_MS } from '../../../sandbox/traffic/buckets.js';
import { lognormalWithP99, type Lognormal, type Rng } from '../../../sandbox/traffic/random.js';

/** Istio's default `istio_request_duration_milliseconds` bucket bounds (Envoy's defaults). */
export const ISTIO_BOUNDS: readonly number[] = ENVOY_BUCKETS_MS;

/** How a version answers: error probability and a lognormal latency. */
export interface Behaviour extends Lognormal {
  errorRate: number;
}

/** The primary of the bench: 0.5 % errors, median 100 ms, P99 300 ms. */
export const PRIMARY: Behaviour = { errorRate: 0.005, ...lognormalWithP99(300) };

/** Counters of one response code of one version: requests and latency bins (bins.length = bounds + 1). */
export interface CodeCounters {
  count: number;
  bins: number[];
}

/** Counters of one version. */
export interface ArmCounters {
  ok: CodeCounters;
  err: CodeCounters;
}

function emptyArm(): ArmCounters {
  const code = (): CodeCounters => ({ count: 0, bins: new Array<number>(ISTIO_BOUNDS.length + 1).fill(0) });
  return { ok: code(), err: code() };
}

/** The bin of a latency: the first bound ≥ ms (Prometheus `le` semantics), or the +Inf bin. */
function binOf(ms: number): number {
  let lo = 0;
  let hi = ISTIO_BOUNDS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ISTIO_BOUNDS[mid] >= ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** One release's traffic; time `t` in seconds since the canary first got traffic. */
export class ReleaseTraffic {
  t = 0;
  /** Canary weight in percent; change it between `runUntil` calls. */
  weight = 0;
  readonly canary = emptyArm();
  readonly primary = emptyArm();
  private nextArrival: number;

  constructor(
    private readonly rng: Rng,
    private readonly rps: number,
    private readonly canaryBehaviour: Behaviour,
    private readonly primaryBehaviour: Behaviour,
  ) {
    this.nextArrival = rng.exponential(rps);
  }

  /** Serves every request arriving before `until`; `scrape(at)` runs at each scrape instant passed. */
  runUntil(until: number, scrapes?: { every: number; phase: number; hook: (at: number) => void }): void {
    let nextScrape = scrapes ? this.firstScrapeAfter(this.t, scrapes) : Infinity;
    while (Math.min(this.nextArrival, nextScrape) < until) {
      if (nextScrape <= this.nextArrival) {
        scrapes!.hook(nextScrape);
        nextScrape += scrapes!.every;
        continue;
      }
      this.serve();
      this.nextArrival += this.rng.exponential(this.rps);
    }
    this.t = until;
  }

  private firstScrapeAfter(t: number, s: { every: number; phase: number }): number {
    const k = Math.floor((t - s.phase) / s.every) + 1;
    return s.phase + k * s.every;
  }

  private serve(): void {
    const toCanary = this.rng.bernoulli(this.weight / 100);
    const b = toCanary ? this.canaryBehaviour : this.primaryBehaviour;
    const arm = toCanary ? this.canary : this.primary;
    const code = this.rng.bernoulli(b.errorRate) ? arm.err : arm.ok;
    const ms = this.rng.lognormal(b);
    code.count++;
    code.bins[binOf(ms)]++;
  }
}

/** Requests and errors of an arm. */
export function totals(a: ArmCounters): { requests: number; errors: number } {
  return { requests: a.ok.count + a.err.count, errors: a.err.count };
}

/** Cumulative `le` buckets of an arm (all codes). */
export function buckets(a: ArmCounters): { le: number; count: number }[] {
  let run = 0;
  return a.ok.bins.map((n, j) => {
    run += n + a.err.bins[j];
    return { le: j < ISTIO_BOUNDS.length ? ISTIO_BOUNDS[j] : Infinity, count: run };
  });
}
