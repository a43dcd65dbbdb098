/**
 * The one executor of decide()'s actions (STYLE.md habit 3). Actions run in list order (see the
 * ordering contract in lib/domain/actions.ts); the first failing effect stops the list and the
 * step is not saved, so the next step re-observes and converges. Notifications (Kubernetes
 * Events, post-rollout and event hooks) never stop the list: their failures are returned.
 */
import type { Action } from '../domain/actions.js';
import * as spec from '../domain/spec/accessors.js';
import type { Canary } from '../domain/spec/schema.js';
import type { CanaryStatus } from '../domain/status.js';
import type { ClusterHandle } from '../ports/clusters.js';
import type { Router } from '../ports/router.js';
import { hookCall } from './gather.js';

export interface ExecuteContext {
  canary: Canary;
  /** The status decide() returned (hook payloads carry its phase and checksum). */
  status: CanaryStatus;
  cluster: ClusterHandle;
  router: Router;
  now: number;
  signal: AbortSignal;
}

export interface ExecuteResult {
  /** The actions that took effect, in order (the history records them). */
  done: Action[];
  /** Failures of notification actions (the step still counts). */
  warnings: string[];
}

/**
 * Raised when an effect fails; names the action so the history explains the step, and keeps the
 * actions that took effect before it (they happened: the history says so).
 */
export class ActionFailedError extends Error {
  override name = 'ActionFailedError';
  constructor(
    readonly action: Action['kind'],
    readonly done: readonly Action[],
    options: { cause: unknown },
  ) {
    super(`${action} failed: ${(options.cause as Error)?.message ?? String(options.cause)}`, options);
  }
}

export async function execute(actions: readonly Action[], ctx: ExecuteContext): Promise<ExecuteResult> {
  const result: ExecuteResult = { done: [], warnings: [] };
  for (const action of actions) {
    if (action.kind === 'recordEvent' || action.kind === 'runHooks') {
      await notify(action, ctx).catch((e: Error) => result.warnings.push(`${action.kind}: ${e.message}`));
      result.done.push(action);
      continue;
    }
    try {
      await effect(action, ctx);
    } catch (e) {
      throw new ActionFailedError(action.kind, result.done, { cause: e });
    }
    result.done.push(action);
  }
  return result;
}

/** The actions that change the cluster, in one line: `setRoutes 80/20, scaleTargetToZero`. */
export function describeEffects(actions: readonly Action[]): string {
  const effects = actions.filter((a) => a.kind !== 'recordEvent' && a.kind !== 'runHooks');
  if (effects.length === 0) return 'nothing in the cluster';
  return effects
    .map((a) =>
      a.kind === 'setRoutes' ? `setRoutes ${a.primary}/${a.canary}${a.mirror ? ' mirrored' : ''}` : a.kind,
    )
    .join(', ');
}

async function effect(action: Action, ctx: ExecuteContext): Promise<void> {
  const { canary, signal, cluster } = ctx;
  switch (action.kind) {
    case 'bootstrap':
      return cluster.workloads.bootstrap(canary, signal);
    case 'pointApexAtPrimary':
      return cluster.workloads.pointApex(canary, 'primary', signal);
    case 'reconcileRoutes': {
      // A routing object taken over from its team is said so on the target (a Kubernetes Event).
      const notes = (await ctx.router.reconcile(canary, signal)) ?? [];
      for (const message of notes) {
        const event = { type: 'Normal' as const, reason: 'RoutesAdopted', message };
        await cluster.events.record(canary, event, new Date(ctx.now), signal).catch(() => undefined);
      }
      return;
    }
    case 'setRoutes':
      return ctx.router.setRoutes(
        canary,
        { primary: action.primary, canary: action.canary, mirrored: action.mirror },
        signal,
      );
    case 'finalizeRoutes':
      return ctx.router.finalize(canary, signal);
    case 'scaleTargetUp':
      await cluster.scaler.scaleUp(canary, action.replicas, signal);
      return;
    case 'scaleTargetToZero':
      return cluster.scaler.scaleToZero(canary, signal);
    case 'promote':
      return cluster.workloads.promote(canary, signal);
    case 'pointApexAtTarget':
      return cluster.workloads.pointApex(canary, 'target', signal);
    case 'recordEvent':
    case 'runHooks':
      return;
    default: {
      const never: never = action;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}

async function notify(
  action: Extract<Action, { kind: 'recordEvent' | 'runHooks' }>,
  ctx: ExecuteContext,
): Promise<void> {
  if (action.kind === 'recordEvent') {
    const event = { type: action.type, reason: action.reason, message: action.message };
    return ctx.cluster.events.record(ctx.canary, event, new Date(ctx.now), ctx.signal);
  }
  const failures: string[] = [];
  const event =
    action.type === 'event'
      ? { eventMessage: action.eventMessage, eventType: action.eventType, timestamp: ctx.now }
      : {};
  for (const hook of spec.webhooks(ctx.canary, action.type)) {
    const call = hookCall(
      ctx.canary,
      ctx.status,
      hook,
      action.type,
      action.phase,
      ctx.cluster.record.name,
      event,
    );
    const r = await ctx.cluster.hooks.call(call, ctx.signal);
    if (!r.ok) failures.push(r.explanation);
  }
  if (failures.length > 0) throw new Error(failures.join('; '));
}
