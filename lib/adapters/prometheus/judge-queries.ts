/**
 * The canary-vs-primary judge's queries (docs/analysis.md#integration): **raw cumulative**
 * counters of one side, as instant queries without `rate()` or `increase()`, so nothing is
 * extrapolated and a fresh series loses no first sample. The judge differences consecutive
 * readings itself. Pure: same input, same strings.
 *
 * Selectors are the builtin checks' (queries.ts, from the provider's observer in observers.ts),
 * for the canary (`<target>`) or the primary (`<target>-primary`), with the cluster's matchers.
 */
import { CheckResolutionError } from './errors.js';
import type { Side } from './observers.js';
import {
  assertQueryInputs,
  clusterMatchers,
  observerForSide,
  renderForSide,
  withMatchers,
  type BuiltinQueryInput,
} from './queries.js';

/** What a judge query needs: a builtin query's input without a window or a side. */
export type JudgeQueryInput = Omit<BuiltinQueryInput, 'interval' | 'side'>;

/** The counters of the error comparison for one side; errors = requests − ok. */
export interface JudgeCountQueries {
  /** `sum(<requests>{<selector>})`: every request. */
  requests: string;
  /** `sum(<requests>{<selector>,<ok>})`: the successful ones (not 5xx). */
  ok: string;
}

/** The latency histogram for one side. */
export interface JudgeBucketQuery {
  /** `sum by (le) (<bucket>{<selector>})`: one series per `le`, cumulative counts. */
  buckets: string;
  /** Multiplies a bucket bound into milliseconds (1000 for a seconds histogram, else 1). */
  scale: number;
}

/**
 * Both sides must be selectable: the judge compares them. Throws {@link CheckResolutionError}
 * `BuiltinNotAvailable` for the `kubernetes` provider (no metrics) and for providers whose series
 * do not tell the primary apart (APISIX).
 */
function observerOf(what: string, input: JudgeQueryInput) {
  observerForSide(what, input.provider, 'primary');
  return observerForSide(what, input.provider, 'canary');
}

/** The request and success counters of one side; throws as {@link judgeQueries} does. */
export function judgeCountQueries(input: JudgeQueryInput, side: Side): JudgeCountQueries {
  assertQueryInputs(input);
  const observer = observerOf('comparing "request-success-rate" against the primary', input);
  const r = withMatchers(observer.requests(side), clusterMatchers(input.clusterLabels));
  return {
    requests: renderForSide(`sum(${r.metric}{${r.selector}})`, input, side),
    ok: renderForSide(`sum(${r.metric}{${r.selector},${r.ok}})`, input, side),
  };
}

/**
 * The latency histogram of one side; throws as {@link judgeQueries} does, and for providers that
 * export a mean instead of buckets (NGINX).
 */
export function judgeBucketQuery(input: JudgeQueryInput, side: Side): JudgeBucketQuery {
  assertQueryInputs(input);
  const what = 'comparing "request-duration" against the primary';
  const observer = observerOf(what, input);
  const d = observer.duration(input.istioDurationUnit, side);
  if (d.kind === 'mean') {
    throw new CheckResolutionError(
      'BuiltinNotAvailable',
      `${what} needs a latency histogram; provider "${input.provider}" exports only a mean duration (${d.sum} / ${d.count})`,
    );
  }
  const h = withMatchers(d, clusterMatchers(input.clusterLabels));
  return { buckets: renderForSide(`sum by (le) (${h.bucket}{${h.selector}})`, input, side), scale: d.scale };
}

/**
 * Every judge query of one side. Throws {@link CheckResolutionError}: `BuiltinNotAvailable` when
 * the provider has no metrics, no primary side or no latency histogram; `InvalidInput` for
 * unsafe names or cluster labels.
 */
export function judgeQueries(input: JudgeQueryInput, side: Side): JudgeCountQueries & JudgeBucketQuery {
  return { ...judgeCountQueries(input, side), ...judgeBucketQuery(input, side) };
}
