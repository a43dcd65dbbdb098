/**
 * The analysis checks of one step (docs/flagger-compatibility.md#metrics): on the first analysis
 * step the pre-rollout hooks; afterwards the rollout hooks, then every metric in spec order. The
 * first failure counts one failed check and ends the step (the weight is held, not reduced).
 */
import type { CheckResult } from '../check.js';
import * as spec from '../spec/accessors.js';
import { liveCanaryWeight, liveMirrored, targetId, type Ctx } from './context.js';
import type { Decision, NeedDecision } from './decision.js';
import { hookChecks, isNeed } from './gates.js';
import { judgeBaseline, judgeChecks, judgeNeed } from './judged.js';
import { failedCheck } from './rollback.js';
import { kubeEvent, need } from './step.js';

/** Whether this is the first analysis step: no traffic, no iteration, no mirroring yet. */
function isFirstAnalysisStep(ctx: Ctx): boolean {
  return liveCanaryWeight(ctx) === 0 && ctx.status.iterations === 0 && !liveMirrored(ctx);
}

/**
 * Runs the checks; undefined when they all passed (the step goes on to advance), otherwise the
 * decision (a need, or a failed check — which rolls back when it reaches the threshold).
 */
export function runChecks(ctx: Ctx): Decision | undefined {
  if (isFirstAnalysisStep(ctx)) {
    const pre = hookChecks(ctx, 'pre-rollout');
    if (isNeed(pre)) return pre;
    if (pre) return failedCheck(ctx, pre, 'PreRolloutHookFailed');
    const baseline = judgeBaseline(ctx);
    if (baseline) return baseline;
    ctx.prefix.push(
      kubeEvent('Normal', 'CanaryWeightIncreased', `Starting canary analysis for ${targetId(ctx)}`),
    );
    const names = spec.webhooks(ctx.canary, 'pre-rollout').map((h) => h.name);
    if (names.length > 0)
      ctx.prefix.push(
        kubeEvent('Normal', 'CanaryWeightIncreased', `Pre-rollout check ${names.join(', ')} passed`),
      );
    return undefined;
  }
  const rollout = hookChecks(ctx, 'rollout');
  if (isNeed(rollout)) return rollout;
  if (rollout) return failedCheck(ctx, rollout, 'CheckFailed');
  const metric = metricChecks(ctx);
  if (isNeed(metric)) return metric;
  // The judge looks even when a static check failed: its failure rolls back now (failFast).
  const judged = judgeChecks(ctx, metric !== undefined);
  if (metric === undefined || judged !== undefined) return judged;
  return failedCheck(ctx, metric, metric.verdict === 'noData' ? 'MetricsNoData' : 'CheckFailed');
}

/**
 * The first metric (spec order) that did not pass, undefined when all passed, or a need. A
 * configured metric without a result counts as no data: a step never advances or promotes on a
 * metric that was not measured.
 */
function metricChecks(ctx: Ctx): CheckResult | undefined | NeedDecision {
  const metrics = spec.metrics(ctx.canary).filter(spec.hasStaticCheck(ctx.canary));
  if (metrics.length === 0) return judgeNeed(ctx);
  const results = ctx.obs.metrics;
  if (results === undefined) {
    // The judge's readings are taken in the same round, as close in time to the checks as can be.
    const judge = judgeNeed(ctx);
    const asked = need({ kind: 'metrics' }, `evaluate ${metrics.length} metric check(s)`);
    return judge ? { ...asked, inputs: [...asked.inputs, ...judge.inputs] } : asked;
  }
  for (const m of metrics) {
    const r = results.find((x) => x.kind === 'metric' && x.name === m.name);
    if (r === undefined)
      return {
        name: m.name,
        kind: 'metric',
        verdict: 'noData',
        explanation: `${m.name}: not evaluated this step`,
      };
    if (r.verdict !== 'pass') return r;
  }
  return undefined;
}
