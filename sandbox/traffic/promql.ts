/**
 * Recognises the PromQL of the builtin checks (lib/adapters/prometheus/queries.ts) — nothing
 * more: a success rate `sum(rate(M{…}[w])) / sum(rate(M{…}[w])) * 100`, NGINX's mean latency
 * `sum(rate(H_sum{…}[w])) / sum(rate(H_count{…}[w])) * 1000` and a P99
 * `histogram_quantile(q, sum(rate(B{…}[w])) by (le))`, optionally `* 1000`; and the judge's raw
 * counters (lib/adapters/prometheus/judge-queries.ts): `sum(M{…})` and `sum by (le) (B{…})`. Pure.
 */

/** One label matcher of a selector. */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** A `metric{matchers}[window]` range selector. */
export interface RangeSelector {
  metric: string;
  matchers: LabelMatcher[];
  windowMs: number;
}

/** A recognised builtin query. */
export type BuiltinExpr =
  | { kind: 'ratio'; numerator: RangeSelector; denominator: RangeSelector; factor: number }
  | { kind: 'quantile'; q: number; buckets: RangeSelector; factor: number };

/** A `metric{matchers}` instant selector. */
interface InstantSelector {
  metric: string;
  matchers: LabelMatcher[];
}

/** A recognised judge query: the sum of a counter's series, or of a histogram's per bucket. */
export type JudgeExpr =
  { kind: 'sum'; series: InstantSelector } | { kind: 'sumByLe'; series: InstantSelector };

/** Counters the success-rate form may use. */
const RATIO_METRICS = [
  'istio_requests_total',
  'envoy_cluster_upstream_rq',
  'nginx_ingress_controller_requests',
  'traefik_service_request_duration_seconds_bucket',
  'apisix_http_status',
  'response_total',
] as const;
/** `[sum, count]` of the histograms whose mean the latency form may take. */
const MEAN_METRICS = [
  [
    'nginx_ingress_controller_response_duration_seconds_sum',
    'nginx_ingress_controller_response_duration_seconds_count',
  ],
] as const;
/** Histograms the P99 form may use. */
const QUANTILE_METRICS = [
  'istio_request_duration_milliseconds_bucket',
  'istio_request_duration_seconds_bucket',
  'envoy_cluster_upstream_rq_time_bucket',
  'traefik_service_request_duration_seconds_bucket',
  'apisix_http_latency_bucket',
  'response_latency_ms_bucket',
] as const;

const SELECTOR = String.raw`rate\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}\s*\[\s*([0-9a-z]+)\s*\]\s*\)`;
const RATIO = new RegExp(
  String.raw`^sum\(\s*${SELECTOR}\s*\)\s*/\s*sum\(\s*${SELECTOR}\s*\)\s*\*\s*([0-9.]+)$`,
);
const QUANTILE = new RegExp(
  String.raw`^histogram_quantile\(\s*([0-9.]+)\s*,\s*sum\(\s*${SELECTOR}\s*\)\s*by\s*\(\s*le\s*\)\s*\)(?:\s*\*\s*([0-9.]+))?$`,
);

const INSTANT = String.raw`([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}`;
const SUM = new RegExp(String.raw`^sum\(\s*${INSTANT}\s*\)$`);
const SUM_BY_LE = new RegExp(String.raw`^sum\s+by\s*\(\s*le\s*\)\s*\(\s*${INSTANT}\s*\)$`);

/** Parses a judge query (raw counters, no window); undefined for anything else. */
export function parseJudge(query: string): JudgeExpr | undefined {
  const text = query.trim();
  const c = SUM.exec(text);
  if (c) {
    const matchers = parseMatchers(c[2]);
    if (!matchers || !(RATIO_METRICS as readonly string[]).includes(c[1])) return undefined;
    return { kind: 'sum', series: { metric: c[1], matchers } };
  }
  const h = SUM_BY_LE.exec(text);
  if (h) {
    const matchers = parseMatchers(h[2]);
    if (!matchers || !(QUANTILE_METRICS as readonly string[]).includes(h[1])) return undefined;
    return { kind: 'sumByLe', series: { metric: h[1], matchers } };
  }
  return undefined;
}

/** Parses a builtin query; undefined for anything else. */
export function parseBuiltin(query: string): BuiltinExpr | undefined {
  const text = query.trim();
  const r = RATIO.exec(text);
  if (r) {
    const numerator = selector(r[1], r[2], r[3]);
    const denominator = selector(r[4], r[5], r[6]);
    if (!numerator || !denominator || !knownRatio(numerator.metric, denominator.metric)) return undefined;
    return { kind: 'ratio', numerator, denominator, factor: Number(r[7]) };
  }
  const h = QUANTILE.exec(text);
  if (h) {
    const buckets = selector(h[2], h[3], h[4]);
    const q = Number(h[1]);
    if (!buckets || !(QUANTILE_METRICS as readonly string[]).includes(buckets.metric)) return undefined;
    if (!(q >= 0 && q <= 1)) return undefined;
    return { kind: 'quantile', q, buckets, factor: h[5] === undefined ? 1 : Number(h[5]) };
  }
  return undefined;
}

function knownRatio(numerator: string, denominator: string): boolean {
  if (numerator === denominator) return (RATIO_METRICS as readonly string[]).includes(numerator);
  return MEAN_METRICS.some(([sum, count]) => sum === numerator && count === denominator);
}

function selector(metric: string, body: string, window: string): RangeSelector | undefined {
  const matchers = parseMatchers(body);
  const windowMs = parseDuration(window);
  return matchers && windowMs ? { metric, matchers, windowMs } : undefined;
}

const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

/** `a="x",b=~"y"` → matchers; undefined when the text is not a list of matchers. */
function parseMatchers(body: string): LabelMatcher[] | undefined {
  const out: LabelMatcher[] = [];
  MATCHER.lastIndex = 0;
  while (MATCHER.lastIndex < body.length && out.length < 50) {
    const at = MATCHER.lastIndex;
    const m = MATCHER.exec(body);
    if (!m || MATCHER.lastIndex === at) return undefined;
    out.push({ name: m[1], op: m[2] as LabelMatcher['op'], value: m[3].replace(/\\(.)/g, '$1') });
  }
  return out;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** A Prometheus duration (`30s`, `1m30s`, `500ms`) in ms; undefined when invalid or zero. */
function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]], 0);
  return ms > 0 ? ms : undefined;
}

const anchored = new Map<string, RegExp | null>();

/** PromQL label matching: regexes are fully anchored; an absent label is the empty string. */
export function matchesLabels(
  labels: Readonly<Record<string, string>>,
  matchers: readonly LabelMatcher[],
): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? '';
    if (m.op === '=') return v === m.value;
    if (m.op === '!=') return v !== m.value;
    let re = anchored.get(m.value);
    if (re === undefined) {
      try {
        re = new RegExp(`^(?:${m.value})$`);
      } catch {
        re = null;
      }
      if (anchored.size < 500) anchored.set(m.value, re);
    }
    const hit = re !== null && re.test(v);
    return m.op === '=~' ? hit : !hit;
  });
}
