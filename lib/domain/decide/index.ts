/**
 * decide(): the whole canary state machine as one pure function (STYLE.md habit 3). See
 * docs/state-machine.md for the phases, the step order and the differences from Flagger.
 */
import type { Observations } from '../observations.js';
import type { Canary } from '../spec/schema.js';
import type { CanaryStatus } from '../status.js';
import { analysis } from './analysis.js';
import { context, type Ctx } from './context.js';
import type { Decision, StepDecision } from './decision.js';
import { initializing } from './initialize.js';
import { preflight } from './preflight.js';
import { steady } from './revision.js';
import { step } from './step.js';

export type { Decision, NeedInput, StepDecision } from './decision.js';
export { MAX_NEED_ROUNDS } from './decision.js';

/**
 * Decides one analysis step of `canary` from its persisted `status` and the observations. Pure:
 * no I/O, no clock (`obs.now`), no environment; same inputs, same Decision.
 *
 * **Ask-then-decide.** Hooks and metric queries are I/O with side effects and cost, so the app
 * layer does not run them up front. When the step needs an input that `obs` lacks (the hooks of
 * one gating type, or the metric results), decide() returns `{ kind: 'need', inputs }`; the
 * caller gathers exactly that, adds it to `obs` (`obs.hooks[type]`, `obs.metrics`) and calls
 * decide() again with the **same** canary and status. A need is returned only for an absent input,
 * so each round adds one and a step takes at most {@link MAX_NEED_ROUNDS} rounds.
 *
 * Otherwise it returns `{ kind: 'step', status, actions, reason, explanation, nextRunAt, events }`:
 * save `status` (with a version condition), execute `actions` in order (see actions.ts for the
 * ordering contract), publish `events`, and schedule the next step at `nextRunAt` — normally one
 * analysis interval later, sooner (≤ 10s) while waiting for a workload to become ready, never
 * once Terminated.
 *
 * **Rollback timing** (deliberate difference from Flagger): the rollback happens on the step where
 * `failedChecks` reaches the threshold, not one interval later.
 *
 * @throws Error when the Canary names an unsupported provider (validation rejects it earlier).
 */
export function decide(canary: Canary, status: CanaryStatus, obs: Observations): Decision {
  const ctx = context(canary, status, obs);
  const d = preflight(ctx) ?? initializing(ctx) ?? steady(ctx) ?? analysis(ctx);
  // An action-only step never asks for hooks or metrics: the command waits for the analysis.
  return obs.actionOnly && d.kind === 'need' ? deferred(ctx) : d;
}

/** The operator's command needs an analysis step to take effect: keep it pending, change nothing. */
function deferred(ctx: Ctx): StepDecision {
  ctx.commandUsed = true;
  const kind = ctx.command?.kind ?? 'command';
  return step(ctx, {
    status: { pendingCommand: ctx.command },
    reason: 'CommandDeferred',
    explanation: `${kind} takes effect at the next analysis step (it needs this step's checks)`,
    reconcile: false,
  });
}
export { assessReadiness, type WorkloadSnapshot } from './workload.js';
