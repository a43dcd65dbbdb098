/**
 * Turns one `analysis.metrics[]` entry into the PromQL to run.
 *
 * Precedence: `templateRef`, then an inline `query`, then the builtin named by `name`. Explicit
 * beats implicit: upstream runs both the builtin and the inline query when a check named
 * `request-success-rate` also has a `query`; we run only the query. A check with none of the three
 * is an error ("no usable metrics template and query"), as in newest Flagger.
 */
import type {
  CheckCluster,
  CheckContext,
  CheckDefinition,
  CheckQueryResolver,
  JudgeComparison,
  JudgeSideQueries,
  ResolvedCheck,
  TemplateLookup,
  WorkloadSide,
} from '../../ports/metrics.js';
import { resolveAlbBuiltin } from '../cloudwatch/alb-resolve.js';
import { CheckResolutionError, TemplateRenderError } from './errors.js';
import { judgeBucketQuery, judgeCountQueries, type JudgeQueryInput } from './judge-queries.js';
import { sideWorkload } from './observers.js';
import {
  assertQueryInputs,
  builtinAlias,
  builtinQuery,
  clusterMatchers,
  type IstioDurationUnit,
} from './queries.js';
import { renderTemplate, type TemplateVariables } from './template.js';

/** Cluster-wide choices that affect query selection. */
export interface ResolveOptions {
  /** Istio latency histogram for `request-duration`; default `milliseconds`. */
  istioDurationUnit?: IstioDurationUnit;
  /** Flagger's `-no-cross-namespace-refs`: templateRef must stay in the canary's namespace. */
  noCrossNamespaceRefs?: boolean;
}

/**
 * The query for `check` on `canary`; throws {@link CheckResolutionError} with a message naming the
 * check (unknown builtin, builtin not available for the provider, template not found, unknown
 * template variable, no target group for an alb builtin). Errors of `templates.get` and
 * `cluster.targetGroups` propagate unchanged. The `alb` builtins are CloudWatch queries
 * (cloudwatch/alb-resolve.ts), read from the target group `cluster` names.
 */
export async function resolveCheckQuery(
  check: CheckDefinition,
  canary: CheckContext,
  templates: TemplateLookup,
  signal: AbortSignal,
  options: ResolveOptions = {},
  cluster?: CheckCluster,
): Promise<ResolvedCheck> {
  const inputs = { namespace: canary.namespace, target: canary.target, interval: check.interval };
  assertQueryInputs(inputs, `metric "${check.name}": `);
  if (check.templateRef) {
    return resolveTemplate(check, canary, templates, signal, options);
  }
  if (check.query !== undefined) {
    return { query: render(check, canary, check.query, 'query'), source: 'inline' };
  }
  const alias = builtinAlias(check.name);
  if (!alias) {
    throw new CheckResolutionError(
      'UnknownBuiltin',
      `metric "${check.name}": not a builtin check (request-success-rate, request-duration) and has no query or templateRef`,
    );
  }
  if (alias.providers && !alias.providers.includes(canary.provider)) {
    throw new CheckResolutionError(
      'BuiltinNotAvailable',
      `metric "${check.name}": builtin is only available for ${alias.providers.join(', ')}, not for provider "${canary.provider}"`,
    );
  }
  if (canary.provider === 'alb') return resolveAlbBuiltin(alias.check, check, canary, cluster, signal);
  const query = builtinQuery(alias.check, {
    provider: canary.provider,
    namespace: canary.namespace,
    target: canary.target,
    service: canary.service,
    ingress: canary.ingress,
    route: canary.route,
    interval: check.interval,
    istioDurationUnit: alias.istioDurationUnit ?? options.istioDurationUnit,
    clusterLabels: canary.clusterLabels,
  });
  return { query, source: 'builtin', builtin: alias.check };
}

async function resolveTemplate(
  check: CheckDefinition,
  canary: CheckContext,
  templates: TemplateLookup,
  signal: AbortSignal,
  options: ResolveOptions,
): Promise<ResolvedCheck> {
  const ref = check.templateRef!;
  const namespace = ref.namespace ?? canary.namespace;
  if (options.noCrossNamespaceRefs && namespace !== canary.namespace) {
    throw new CheckResolutionError(
      'InvalidInput',
      `metric "${check.name}": templateRef ${namespace}/${ref.name} is in another namespace and cross-namespace refs are disabled`,
    );
  }
  const template = await templates.get(namespace, ref.name, signal, canary.cluster);
  if (!template) {
    throw new CheckResolutionError(
      'TemplateNotFound',
      `metric "${check.name}": MetricTemplate ${namespace}/${ref.name} not found`,
    );
  }
  const where = `MetricTemplate ${namespace}/${ref.name}`;
  return { query: render(check, canary, template.query, where), source: 'template', template };
}

function render(check: CheckDefinition, canary: CheckContext, text: string, where: string): string {
  const vars: TemplateVariables = {
    name: canary.name,
    namespace: canary.namespace,
    target: canary.target,
    primary: sideWorkload(canary.target, 'primary'),
    service: canary.service,
    ingress: canary.ingress ?? canary.target,
    route: canary.route ?? canary.target,
    interval: check.interval,
    cluster: canary.cluster ?? '',
    clusterLabels: clusterLabelsVariable(canary.clusterLabels),
    variables: check.templateVariables ?? {},
  };
  try {
    return renderTemplate(text, vars);
  } catch (err) {
    if (!(err instanceof TemplateRenderError)) throw err;
    throw new CheckResolutionError('TemplateRender', `metric "${check.name}": ${where}: ${err.message}`, {
      cause: err,
    });
  }
}

/**
 * `{{ clusterLabels }}`: the cluster's matchers followed by a comma (`cluster="prod-eu",`), or
 * nothing, so a template writes `metric{ {{ clusterLabels }}namespace="{{ namespace }}" }`.
 */
function clusterLabelsVariable(labels: Readonly<Record<string, string>> | undefined): string {
  const m = clusterMatchers(labels);
  return m ? `${m},` : '';
}

/** {@link resolveCheckQuery} behind the {@link CheckQueryResolver} port. */
export class PrometheusCheckQueries implements CheckQueryResolver {
  constructor(
    private readonly templates: TemplateLookup,
    private readonly options: ResolveOptions = {},
  ) {}

  resolve(
    check: CheckDefinition,
    canary: CheckContext,
    signal: AbortSignal,
    cluster?: CheckCluster,
  ): Promise<ResolvedCheck> {
    return resolveCheckQuery(check, canary, this.templates, signal, this.options, cluster);
  }

  /** judge-queries.ts for the comparison; the cluster's Istio unit unless the metric forces one. */
  judgeQueries(
    comparison: Pick<JudgeComparison, 'kind' | 'istioDurationUnit'>,
    canary: CheckContext,
    side: WorkloadSide,
  ): JudgeSideQueries {
    const input: JudgeQueryInput = {
      provider: canary.provider,
      namespace: canary.namespace,
      target: canary.target,
      service: canary.service,
      ingress: canary.ingress,
      route: canary.route,
      istioDurationUnit: comparison.istioDurationUnit ?? this.options.istioDurationUnit,
      clusterLabels: canary.clusterLabels,
    };
    const workload = sideWorkload(canary.target, side);
    return comparison.kind === 'errors'
      ? { kind: 'errors', workload, ...judgeCountQueries(input, side) }
      : { kind: 'latency', workload, ...judgeBucketQuery(input, side) };
  }
}
