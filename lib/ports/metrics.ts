/**
 * Metrics ports, owned by the analysis use case: run one query against a metrics server, look up
 * a MetricTemplate, and turn a canary's metric check into the query to run.
 *
 * "No data" is a value, not an exception (STYLE.md habit 8): the domain decides what an empty
 * result means (Flagger counts it as a failed check).
 */
import type { Provider } from '../domain/spec/accessors.js';

/** The outcome of one instant query. */
export type QueryResult =
  { kind: 'value'; value: number } | { kind: 'noData'; message: string } | { kind: 'error'; message: string };

/** One time series of a range query: its labels and its `[epoch ms, value]` points, oldest first. */
export interface RangeSeries {
  labels: Readonly<Record<string, string>>;
  /** Values as Prometheus wrote them: `NaN` and ±`Infinity` are kept (the caller decides). */
  points: readonly (readonly [number, number])[];
}

/** The outcome of one range query: the series (none when nothing matched), or why there are none. */
export type RangeResult =
  { kind: 'series'; series: readonly RangeSeries[] } | { kind: 'error'; message: string };

/** The instants of a range query: `start`, `start + step`, … up to `end` (epoch ms). */
export interface QueryRange {
  start: number;
  end: number;
  stepSeconds: number;
}
/** One series of an instant vector: its labels and its value. */
export interface VectorSample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

/**
 * The outcome of one instant query read as a vector (every series, e.g. one per `le` bucket). No
 * matching series is a valid `vector` with no samples: a counter that does not exist yet.
 */
export type VectorResult = { kind: 'vector'; samples: VectorSample[] } | { kind: 'error'; message: string };

/**
 * One metrics server. Query failures (HTTP errors, timeouts, refused connections) are returned as
 * `error`, never thrown; the promise rejects only when the caller's `signal` aborts.
 */
export interface MetricsProvider {
  /** Runs an instant query that must yield exactly one number. */
  query(q: string, signal: AbortSignal): Promise<QueryResult>;
  /**
   * Evaluates `q` at every instant of `range` (as an instant query at each, e.g. a past release's
   * steps); same error contract as `query`. Providers that only know the present answer `error`.
   */
  queryRange(q: string, range: QueryRange, signal: AbortSignal): Promise<RangeResult>;
  /** Runs an instant query and returns every series it yields (raw counters of the judge). */
  queryVector(q: string, signal: AbortSignal): Promise<VectorResult>;
  /** True when the server answers a trivial query correctly. */
  isOnline(signal: AbortSignal): Promise<boolean>;
}

/** A Prometheus-compatible server (Flagger's `type: prometheus`). */
export interface PrometheusTemplateProvider {
  type: 'prometheus';
  /** Base URL of the server API, e.g. `http://prometheus.istio-system:9090`. */
  address: string;
  /** Secret (same namespace as the template) with `token`, or `username` + `password`. */
  secretRef?: { name: string };
  /** Extra HTTP headers sent with each query. */
  headers?: Record<string, string[]>;
  insecureSkipVerify?: boolean;
}

/** Datadog's metrics query API (Flagger's `type: datadog`); lib/adapters/datadog. */
export interface DatadogTemplateProvider {
  type: 'datadog';
  /** API site, e.g. `https://api.datadoghq.eu`; defaulted to `https://api.datadoghq.com` when parsed. */
  address: string;
  /** Secret with `datadog_api_key` and `datadog_application_key`. */
  secretRef: { name: string };
}

/**
 * Amazon CloudWatch (Flagger's `cloudwatch` provider type): the query is a JSON array of
 * MetricDataQueries sent to GetMetricData with the step function's role; `region` defaults to
 * the deployment's region (Flagger requires it).
 */
interface CloudWatchTemplateProvider {
  type: 'cloudwatch';
  region?: string;
}

/** Flagger's `MetricTemplate` (`flagger.app/v1beta1`), the subset we support. */
export interface MetricTemplate {
  name: string;
  namespace: string;
  provider: PrometheusTemplateProvider | DatadogTemplateProvider | CloudWatchTemplateProvider;
  /** Query text with template variables such as `{{ namespace }}` and `{{ interval }}`. */
  query: string;
  /**
   * Set on a template sourced from that cluster (docs/gitops.md): it serves that cluster's canaries
   * only, and its `secretRef` names a Kubernetes Secret of the cluster, in the template's namespace
   * (read when a query runs). Absent: registered through the API, `secretRef` in Secrets Manager.
   */
  cluster?: string;
  /** Names the source in answers; default `template <namespace>/<name>` (set for builtins). */
  label?: string;
}

/** Where MetricTemplates live (a store, the cluster, a fixture). */
export interface TemplateLookup {
  /**
   * The template, or undefined when there is none with that name. With `cluster` (the canary's),
   * a template sourced from that cluster comes before an API-registered one.
   */
  get(
    namespace: string,
    name: string,
    signal: AbortSignal,
    cluster?: string,
  ): Promise<MetricTemplate | undefined>;
}

/** One `analysis.metrics[]` entry, as far as query selection is concerned. */
export interface CheckDefinition {
  name: string;
  /** Inline query (rendered with the template variables). */
  query?: string;
  templateRef?: { name: string; namespace?: string };
  templateVariables?: Record<string, string>;
  /** Query window, already defaulted by the caller (`1m`, `60s`). */
  interval: string;
}

/** What the template variables and builtin checks need to know about the canary. */
export interface CheckContext {
  /** Canary name. */
  name: string;
  namespace: string;
  /** `targetRef.name`. */
  target: string;
  /** `service.name`, or the target's name. */
  service: string;
  /** `ingressRef.name`; defaults to the target. */
  ingress?: string;
  /** `routeRef.name`; defaults to the target. */
  route?: string;
  /** Routing provider family; it selects the builtin queries. */
  provider: Provider;
  /** The cluster record's name (`{{ cluster }}` in templates). */
  cluster?: string;
  /** Labels telling this cluster's series apart (ClusterMetrics.labels); added to builtin selectors. */
  clusterLabels?: Readonly<Record<string, string>>;
}

/** The builtin check kinds; they decide how a threshold is read (minimum % vs maximum ms). */
export type BuiltinCheck = 'request-success-rate' | 'request-duration';

/** Which workload of a canary: the canary (`targetRef.name`) or the primary (`<target>-primary`). */
export type WorkloadSide = 'canary' | 'primary';

/** Istio's latency histogram in milliseconds (Istio ≥ 1.5, the default) or the older seconds one. */
export type IstioDurationUnit = 'milliseconds' | 'seconds';

/** A metric compared against the primary by the judge (lib/domain/judge), as its queries need it. */
export interface JudgeComparison {
  /** Metric name as written in the spec. */
  name: string;
  /** `errors`: request and 5xx counts (`request-success-rate`); `latency`: histogram buckets. */
  kind: 'errors' | 'latency';
  /** Forces the Istio latency histogram (the `istio_request_duration_seconds_bucket` alias). */
  istioDurationUnit?: IstioDurationUnit;
}

/**
 * The judge's queries of one side: raw cumulative counters (no rate), read with
 * {@link MetricsProvider.queryVector}. `workload` names the side's workload in messages.
 */
export type JudgeSideQueries =
  | { kind: 'errors'; workload: string; requests: string; ok: string }
  | {
      kind: 'latency';
      workload: string;
      /** One series per `le`, cumulative counts. */
      buckets: string;
      /** Multiplies a bucket bound into milliseconds. */
      scale: number;
    };

/** A check turned into the query to run. */
export interface ResolvedCheck {
  query: string;
  source: 'builtin' | 'inline' | 'template';
  /** Set for builtin checks (including legacy aliases such as `istio_requests_total`). */
  builtin?: BuiltinCheck;
  /**
   * Set for `templateRef` checks (the server address and credentials come from it), and for the
   * `alb` builtins, whose queries are CloudWatch's (a template synthesized by the resolver).
   */
  template?: MetricTemplate;
}

/** What resolving a check may read from the canary's cluster (the step's cluster handle). */
export interface CheckCluster {
  /**
   * The ARNs of the load balancer target groups `service` is registered in (the AWS Load Balancer
   * Controller's TargetGroupBindings); none when nothing binds it. One request per namespace and
   * step, however often it is asked.
   */
  targetGroups(namespace: string, service: string, signal: AbortSignal): Promise<readonly string[]>;
}

/** Resolves a check to its query; throws a typed error when it cannot (unknown name, missing template). */
export interface CheckQueryResolver {
  /** `cluster` is what the `alb` builtins read (their target groups); without it they are refused. */
  resolve(
    check: CheckDefinition,
    canary: CheckContext,
    signal: AbortSignal,
    cluster?: CheckCluster,
  ): Promise<ResolvedCheck>;
  /**
   * The judge's queries of one compared metric for one side; throws a typed error when the
   * provider cannot tell the sides apart or has no such counters (no mesh metrics, no histogram).
   */
  judgeQueries(
    comparison: Pick<JudgeComparison, 'kind' | 'istioDurationUnit'>,
    canary: CheckContext,
    side: WorkloadSide,
  ): JudgeSideQueries;
}
