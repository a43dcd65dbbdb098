/**
 * The per-call working context of decide(). It is created fresh on every call and never escapes
 * it, so the few mutable fields (`status`, `prefix`, `commandUsed`) do not break purity.
 */
import type { Action } from '../actions.js';
import type { Observations, TargetRevision } from '../observations.js';
import type { Provider, Strategy } from '../spec/accessors.js';
import * as spec from '../spec/accessors.js';
import type { Canary } from '../spec/schema.js';
import type { Judgement } from '../judge/index.js';
import type { CanaryStatus, JudgeState, OperatorCommand } from '../status.js';

/** How long to wait before re-checking readiness, at most (the dispatcher's granularity is 10s). */
export const READINESS_POLL_MS = 10_000;

export interface Ctx {
  readonly canary: Canary;
  readonly obs: Observations;
  /** The status this step starts from; stages may refine it (e.g. clear a finished wait). */
  status: CanaryStatus;
  readonly command: OperatorCommand | undefined;
  /** Set when a stage acted on `command`; an unused command is reported as ignored. */
  commandUsed: boolean;
  readonly provider: Provider;
  readonly strategy: Strategy;
  /** False for the `kubernetes` provider: no routing object, the apex Service is the only switch. */
  readonly routed: boolean;
  /** Actions gathered by earlier stages (events such as "Starting canary analysis"). */
  readonly prefix: Action[];
  /**
   * Set by the judge stage (judged.ts): its new state, kept in the status of whatever step this
   * one becomes, its verdicts for the record, and a sentence the step's explanation ends with.
   */
  judged?: { state: JudgeState; judgements: readonly Judgement[]; note?: string };
}

/** Builds the context; the command comes from the observation, else from the persisted status. */
export function context(canary: Canary, status: CanaryStatus, obs: Observations): Ctx {
  const provider = spec.provider(canary, obs.clusterDefaultProvider);
  return {
    canary,
    obs,
    status,
    command: obs.operator ?? status.pendingCommand,
    commandUsed: false,
    provider,
    strategy: spec.strategy(canary, provider),
    routed: provider !== 'kubernetes',
    prefix: [],
  };
}

/** The command if it has this kind (and marks it used). */
export function takeCommand<K extends OperatorCommand['kind']>(
  ctx: Ctx,
  kind: K,
): Extract<OperatorCommand, { kind: K }> | undefined {
  const c = ctx.command;
  if (c?.kind !== kind) return undefined;
  ctx.commandUsed = true;
  return c as Extract<OperatorCommand, { kind: K }>;
}

/**
 * The target with its tracked configs, for the stages that compare or snapshot them: they run only
 * in phases whose steps read the configs (lib/domain/reads.ts), after preflight found the target.
 */
export function observedTarget(ctx: Ctx): Required<TargetRevision> {
  const target = ctx.obs.target!;
  if (target.trackedConfigs === undefined)
    throw new Error(`decide(): the tracked configs were not observed in phase ${ctx.status.phase}`);
  return { ...target, trackedConfigs: target.trackedConfigs };
}

/** `<name>.<namespace>` of the Canary, as in Flagger's messages. */
export function canaryId(ctx: Ctx): string {
  return `${ctx.canary.metadata.name}.${ctx.canary.metadata.namespace}`;
}

/** `<target>.<namespace>`. */
export function targetId(ctx: Ctx): string {
  return `${spec.targetName(ctx.canary)}.${ctx.canary.metadata.namespace}`;
}

/** `<target>-primary.<namespace>` (the primary workload). */
export function primaryId(ctx: Ctx): string {
  return `${spec.targetName(ctx.canary)}-primary.${ctx.canary.metadata.namespace}`;
}

/**
 * Idempotent reconciliation run at the start of every step after initialization (the tick
 * contract, docs/state-machine.md): Services and primary autoscaler, apex → primary, routing objects (weights kept).
 * With the kubernetes provider the apex selector *is* the route: while it sends traffic to the
 * canary, only `setRoutes` may move it back, so the apex is left alone.
 */
export function baseActions(ctx: Ctx): Action[] {
  const out: Action[] = [{ kind: 'bootstrap' }];
  const apexIsRoute = !ctx.routed && (ctx.obs.routes?.canary ?? 0) > 0;
  if (!apexIsRoute) out.push({ kind: 'pointApexAtPrimary' });
  if (ctx.routed) out.push({ kind: 'reconcileRoutes' });
  return out;
}

/** The canary weight in force: the live routes when observed, else the persisted status. */
export function liveCanaryWeight(ctx: Ctx): number {
  return ctx.obs.routes?.canary ?? ctx.status.canaryWeight;
}

/** The primary weight in force. */
export function livePrimaryWeight(ctx: Ctx): number {
  return ctx.obs.routes?.primary ?? ctx.status.primaryWeight ?? 100 - ctx.status.canaryWeight;
}

/** Whether traffic is mirrored right now. */
export function liveMirrored(ctx: Ctx): boolean {
  return ctx.obs.routes?.mirrored ?? ctx.status.mirrored;
}

/** A `setRoutes` action for a canary weight (no-op list for unrouted providers). */
export function routesTo(ctx: Ctx, canary: number, mirror = false): Action[] {
  if (!ctx.routed) return [];
  const action: Action = { kind: 'setRoutes', primary: 100 - canary, canary, mirror };
  if (mirror) action.mirrorWeight = spec.mirrorWeight(ctx.canary);
  return [action];
}
