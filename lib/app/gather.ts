/**
 * Gathers the inputs decide() asks for (ask-then-decide): the answers of the hooks of one gating
 * type, or the results of this step's metric checks.
 */
import { createHash } from 'node:crypto';
import type { CheckResult } from '../domain/check.js';
import { decide, MAX_NEED_ROUNDS, type StepDecision } from '../domain/decide/index.js';
import { evaluateMetric } from '../domain/evaluate.js';
import type { GatingHookType, HookOutcome, Observations } from '../domain/observations.js';
import * as spec from '../domain/spec/accessors.js';
import type { Provider } from '../domain/spec/accessors.js';
import type { Canary, MetricSpec, WebhookSpec } from '../domain/spec/schema.js';
import type { CanaryStatus } from '../domain/status.js';
import type { ClusterRecord } from '../ports/cluster.js';
import type { ClusterHandle } from '../ports/clusters.js';
import type { HookCall, HookPayload, HookType } from '../ports/hooks.js';
import type {
  CheckCluster,
  CheckContext,
  CheckDefinition,
  CheckQueryResolver,
  MetricsProvider,
  MetricTemplate,
} from '../ports/metrics.js';
import { judgeComparisons, readJudgeReadings } from './judge-readings.js';

export interface CheckDeps {
  resolver: CheckQueryResolver;
  /** The metrics server for a template (its provider address), or the default one; see ClusterHandle.metrics. */
  metricsFor(template: MetricTemplate | undefined, intervalSeconds?: number): MetricsProvider;
  /** What the resolver may read from the cluster (the alb builtins' target groups). */
  cluster?: CheckCluster;
}

/** Flagger's webhook `checksum`: a hash of the revision and tracked configs under analysis. */
function checksum(status: CanaryStatus): string {
  const input = JSON.stringify({
    lastAppliedSpec: status.lastAppliedSpec ?? '',
    trackedConfigs: status.trackedConfigs ?? {},
  });
  return createHash('sha256').update(input).digest('hex').slice(0, 16);
}

/**
 * The call of one webhook of the spec: Flagger's payload for `phase`, plus the event fields for
 * event hooks.
 */
export function hookCall(
  canary: Canary,
  status: CanaryStatus,
  hook: WebhookSpec,
  type: HookType,
  phase: string,
  cluster: string,
  event: Pick<HookPayload, 'eventMessage' | 'eventType' | 'timestamp'> = {},
): HookCall {
  // The cluster travels in the metadata (Flagger's payload has no field for it): a load tester
  // serving several clusters keys its gates by it, so one cluster's gate never opens another's.
  const metadata = { ...hook.metadata, cluster: hook.metadata?.cluster ?? cluster };
  return {
    name: hook.name,
    type,
    url: hook.url,
    timeoutMs: spec.webhookTimeoutMs(hook),
    retries: spec.webhookRetries(hook),
    metadata,
    payload: {
      name: canary.metadata.name,
      namespace: canary.metadata.namespace,
      phase,
      checksum: checksum(status),
      metadata,
      ...event,
    },
  };
}

/**
 * Calls the hooks of one gating type in spec order. Gates and checks stop at the first hook that
 * is not ok (Flagger); rollback hooks stop at the first that is ok (it triggers the rollback).
 */
async function callGatingHooks(
  cluster: Pick<ClusterHandle, 'hooks' | 'record'>,
  canary: Canary,
  status: CanaryStatus,
  type: GatingHookType,
  signal: AbortSignal,
): Promise<HookOutcome[]> {
  const outcomes: HookOutcome[] = [];
  for (const hook of spec.webhooks(canary, type)) {
    const call = hookCall(canary, status, hook, type, status.phase, cluster.record.name);
    const r = await cluster.hooks.call(call, signal);
    outcomes.push({ name: hook.name, ok: r.ok, status: r.status, explanation: r.explanation });
    if (type === 'rollback' ? r.ok : !r.ok) break;
  }
  return outcomes;
}

/** What the template variables and builtin queries know of the canary (shared with the replay). */
export function checkContext(
  canary: Canary,
  provider: Provider,
  cluster: { name: string; labels?: Readonly<Record<string, string>> },
): CheckContext {
  return {
    name: canary.metadata.name,
    namespace: canary.metadata.namespace,
    cluster: cluster.name,
    clusterLabels: cluster.labels,
    target: spec.targetName(canary),
    service: spec.apexName(canary),
    ingress: spec.ingressName(canary),
    route: spec.routeName(canary),
    provider,
  };
}

/** One `analysis.metrics[]` entry as the resolver reads it (window defaulted). */
export function checkDefinition(m: MetricSpec): CheckDefinition {
  return {
    name: m.name,
    query: m.query,
    templateRef: m.templateRef,
    templateVariables: m.templateVariables,
    interval: `${spec.metricIntervalSeconds(m)}s`,
  };
}

/**
 * Runs every static metric check of the canary (all of them, so the history shows each value);
 * a builtin compared against the primary without a bound of its own is the judge's alone.
 */
async function runMetricChecks(
  deps: CheckDeps,
  canary: Canary,
  provider: Provider,
  cluster: ClusterRecord,
  signal: AbortSignal,
): Promise<CheckResult[]> {
  const context = checkContext(canary, provider, { name: cluster.name, labels: cluster.metrics?.labels });
  const results: CheckResult[] = [];
  for (const m of spec.metrics(canary).filter(spec.hasStaticCheck(canary))) {
    try {
      const resolved = await deps.resolver.resolve(checkDefinition(m), context, signal, deps.cluster);
      const metrics = deps.metricsFor(resolved.template, spec.metricIntervalSeconds(m));
      const outcome = await metrics.query(resolved.query, signal);
      results.push(evaluateMetric(m, outcome, { query: resolved.query, builtin: resolved.builtin }));
    } catch (e) {
      if (signal.aborted) throw e;
      results.push(evaluateMetric(m, { kind: 'error', message: (e as Error).message }));
    }
  }
  return results;
}

/** The ask-then-decide loop: gather exactly what decide() asks for, at most MAX_NEED_ROUNDS times. */
export async function decideWithInputs(
  resolver: CheckQueryResolver,
  cluster: ClusterHandle,
  canary: Canary,
  status: CanaryStatus,
  initial: Observations,
  provider: Provider,
  signal: AbortSignal,
): Promise<{ decision: StepDecision; obs: Observations }> {
  let obs = initial;
  for (let round = 0; round <= MAX_NEED_ROUNDS; round++) {
    const d = decide(canary, status, obs);
    if (d.kind === 'step') return { decision: d, obs };
    for (const need of d.inputs) {
      const checks = { resolver, metricsFor: cluster.metrics.bind(cluster), cluster };
      if (need.kind === 'metrics') {
        obs = { ...obs, metrics: await runMetricChecks(checks, canary, provider, cluster.record, signal) };
      } else if (need.kind === 'judge') {
        const context = checkContext(canary, provider, {
          name: cluster.record.name,
          labels: cluster.record.metrics?.labels,
        });
        const judge = await readJudgeReadings(checks, context, judgeComparisons(canary), obs.now, signal);
        obs = { ...obs, judge };
      } else {
        const outcomes = await callGatingHooks(cluster, canary, status, need.type, signal);
        obs = { ...obs, hooks: { ...obs.hooks, [need.type]: outcomes } };
      }
    }
  }
  throw new Error(`decide() still needed inputs after ${MAX_NEED_ROUNDS} rounds`);
}
