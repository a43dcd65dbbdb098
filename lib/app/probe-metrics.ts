/**
 * Flagger's checkMetricProviderAvailability: while a canary initializes, ask each metrics provider
 * its checks use whether it answers, and warn (a Kubernetes Event and a log line each) about the
 * ones that do not. Like Flagger it never stops the step: the checks themselves fail safely later.
 *
 * One probe per distinct provider: the cluster's default server for builtin and inline checks;
 * for `templateRef` checks, each template's provider (Prometheus `vector(1)`, Datadog
 * `GET /api/v1/validate` with the keys, CloudWatch an empty GetMetricData). Two checks on one
 * template, or two templates with the same provider in one namespace, are probed once. Warnings
 * name the template, never its address or secret.
 */
import * as spec from '../domain/spec/accessors.js';
import type { Canary, MetricSpec } from '../domain/spec/schema.js';
import type { ClusterHandle } from '../ports/clusters.js';
import type { Logger } from '../ports/logger.js';
import type { CheckQueryResolver, MetricsProvider, MetricTemplate } from '../ports/metrics.js';
import { keyString } from '../ports/store.js';
import { checkContext, checkDefinition } from './gather.js';

const PROBE_REASON = 'MetricsProviderUnavailable';

export interface ProbeDeps {
  resolver: CheckQueryResolver;
  logger: Logger;
}

/** What a probe needs of the cluster: its metrics servers and where Events go. */
export type ProbedCluster = Pick<ClusterHandle, 'record' | 'events' | 'metrics'>;

/** One provider to probe, and what a warning about it says it is. */
interface Target {
  metrics: MetricsProvider;
  /** The template provider's type; none for the default server. */
  type?: MetricTemplate['provider']['type'];
  /** The templates served by it (`namespace/name`). */
  templates: string[];
  /** What the provider failed to answer. */
  probe: string;
}

/** Probes every distinct provider of `canary`'s metrics; resolves once each was asked (never throws but on abort). */
export async function probeMetrics(
  deps: ProbeDeps,
  canary: Canary,
  cluster: ProbedCluster,
  provider: spec.Provider,
  now: number,
  signal: AbortSignal,
): Promise<void> {
  const warn = (message: string) => warning(deps.logger, canary, cluster, now, message, signal);
  const { targets, problems } = await targetsOf(deps.resolver, canary, cluster, provider, signal);
  for (const p of problems) await warn(`Error checking metric providers: ${p}`);
  for (const t of targets) {
    const online = await t.metrics.isOnline(signal).catch((e: unknown) => {
      if (signal.aborted) throw e;
      return false;
    });
    if (!online)
      await warn(
        `Error checking metric providers: ${what(t)} did not answer ${t.probe}; checks on it will fail until it does`,
      );
  }
}

/** The distinct providers of the canary's metrics, and why a templateRef could not be followed. */
async function targetsOf(
  resolver: CheckQueryResolver,
  canary: Canary,
  cluster: ProbedCluster,
  provider: spec.Provider,
  signal: AbortSignal,
): Promise<{ targets: Target[]; problems: string[] }> {
  const metrics = spec.metrics(canary);
  const targets = new Map<string, Target>();
  const problems: string[] = [];
  if (metrics.some((m) => m.templateRef === undefined))
    targets.set('', { metrics: cluster.metrics(undefined), templates: [], probe: 'vector(1)' });
  const context = checkContext(canary, provider, {
    name: cluster.record.name,
    labels: cluster.record.metrics?.labels,
  });
  for (const m of distinctTemplateRefs(metrics, canary.metadata.namespace)) {
    let template: MetricTemplate | undefined;
    try {
      template = (await resolver.resolve(checkDefinition(m), context, signal)).template;
    } catch (e) {
      if (signal.aborted) throw e;
      problems.push((e as Error).message);
      continue;
    }
    if (!template) continue;
    // A secretRef is read in the template's namespace: the same provider elsewhere is another one.
    const key = `${template.namespace}|${JSON.stringify(template.provider)}`;
    const seen = targets.get(key);
    if (seen) seen.templates.push(nameOf(template));
    else
      targets.set(key, {
        metrics: cluster.metrics(template),
        type: template.provider.type,
        templates: [nameOf(template)],
        probe: probeOf(template),
      });
  }
  return { targets: [...targets.values()], problems };
}

/** The first check of each template (by namespace and name). */
function distinctTemplateRefs(metrics: readonly MetricSpec[], namespace: string): MetricSpec[] {
  const byRef = new Map<string, MetricSpec>();
  for (const m of metrics) {
    if (!m.templateRef) continue;
    const ref = `${m.templateRef.namespace ?? namespace}/${m.templateRef.name}`;
    if (!byRef.has(ref)) byRef.set(ref, m);
  }
  return [...byRef.values()];
}

/** `the metrics server`, `datadog in metric template ns/name`, `… in metric templates a/x, a/y`. */
function what(t: Target): string {
  if (t.templates.length === 0) return 'the metrics server';
  const noun = t.templates.length === 1 ? 'metric template' : 'metric templates';
  return `${t.type} in ${noun} ${t.templates.join(', ')}`;
}

function nameOf(t: MetricTemplate): string {
  return `${t.namespace}/${t.name}`;
}

function probeOf(t: MetricTemplate): string {
  switch (t.provider.type) {
    case 'prometheus':
      return 'vector(1)';
    case 'datadog':
      return 'the key validation (GET /api/v1/validate)';
    case 'cloudwatch':
      return 'an empty GetMetricData';
    default: {
      const never: never = t.provider;
      return `a probe of ${JSON.stringify(never)}`;
    }
  }
}

async function warning(
  logger: Logger,
  canary: Canary,
  cluster: ProbedCluster,
  now: number,
  message: string,
  signal: AbortSignal,
): Promise<void> {
  const { name, namespace } = canary.metadata;
  logger.warn(message, {
    canary: keyString({ cluster: cluster.record.name, namespace, name }),
    reason: PROBE_REASON,
  });
  await cluster.events
    .record(canary, { type: 'Warning', reason: PROBE_REASON, message }, new Date(now), signal)
    .catch(() => undefined);
}
