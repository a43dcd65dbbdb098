/**
 * What the app layer observed (or gathered on request) for one step. decide() reads the world only
 * through this object; `now` is injected (STYLE.md habit 5).
 */
import type { CheckResult } from './check.js';
import type { CountSnapshot, HistogramSnapshot } from './judge/index.js';
import type { Provider } from './spec/accessors.js';
import type { WebhookType } from './spec/schema.js';
import type { OperatorCommand } from './status.js';
import type { Stamps } from './sweep/seen.js';

/**
 * Readiness of a workload (docs/flagger-compatibility.md#progress-deadline-and-readiness).
 * `retriable: false` means it will not recover by waiting (e.g. the Deployment's own progress deadline
 * was exceeded).
 */
export type Readiness = { ready: true } | { ready: false; retriable: boolean; message: string };

/**
 * The split between primary and canary, in percent, and whether traffic is mirrored; as read from
 * the routing object (the source of truth) or written to it.
 */
export interface RouteWeights {
  /** Percent of (unmatched) traffic served by the primary pods. */
  primary: number;
  /** Percent of (matched, for A/B) traffic served by the canary pods. */
  canary: number;
  /** True while a copy of the traffic is mirrored to the canary (responses dropped). */
  mirrored: boolean;
}

/** The answer of one webhook call; a subset of the Hooks port's `HookResult` plus the hook name. */
export interface HookOutcome {
  /** Hook name as written in the spec. */
  name: string;
  /** True iff it answered with HTTP status ≤ 202. */
  ok: boolean;
  status?: number;
  /** One line; URLs without secrets. */
  explanation: string;
}

/** Hook types whose answer decide() waits for; post-rollout and event hooks are fire-and-forget. */
export type GatingHookType = Exclude<WebhookType, 'post-rollout' | 'event'>;

/** The target workload as observed now. */
export interface TargetRevision {
  /** Stable hash of the target's pod template (metadata included, as newest Flagger). */
  revision: string;
  /**
   * Tracked ConfigMaps/Secrets: `configmap/<name>` / `secret/<name>` → checksum of `.data`. Absent
   * when the step did not read them (while promoting, lib/domain/reads.ts).
   */
  trackedConfigs?: Readonly<Record<string, string>>;
}

/**
 * What one compared metric (lib/domain/judge) read this step: **cumulative** counters of the
 * canary and the primary at the same instant (raw counters, not rates), or why there are none.
 * The judge differences consecutive readings itself.
 */
export type JudgeReading =
  | { kind: 'errors'; snapshot: CountSnapshot }
  | { kind: 'latency'; snapshot: HistogramSnapshot }
  | { kind: 'unavailable'; message: string };

/** Everything decide() knows about the world for one step. */
export interface Observations {
  /** Epoch ms of this step. */
  now: number;
  /** Cluster name; part of every domain event's canary identity. */
  cluster: string;
  /** The cluster's routing provider, used when the Canary has no `spec.provider`. */
  clusterDefaultProvider: Provider;
  /** Undefined when the target workload does not exist. */
  target?: TargetRevision;
  /**
   * The stamps (sweep/seen.ts) of the tracked configs this step read, when it read them: the step
   * that enters Promoting keeps them in the status (`configStamps`).
   */
  configStamps?: Stamps;
  /** Primary workload readiness; undefined when the primary workload does not exist. */
  primary?: Readiness;
  /** Target (canary) workload readiness; undefined when not observed. */
  canary?: Readiness;
  /** Live route weights; undefined when there is no routing object (yet), or none for the provider. */
  routes?: RouteWeights;
  /**
   * Outcomes of the hooks of each gating type, in call order. A type is absent until decide()
   * asked for it (ask-then-decide); `[]` is a valid answer.
   */
  hooks: Partial<Record<GatingHookType, readonly HookOutcome[]>>;
  /** Metric check results of this step (see evaluate.ts); absent until decide() asked for them. */
  metrics?: readonly CheckResult[];
  /**
   * Readings of the metrics compared against the primary, by metric name (spec order); gathered
   * with `metrics` when the analysis has compared metrics, absent otherwise.
   */
  judge?: Readonly<Record<string, JudgeReading>>;
  /** An operator command for this step; falls back to `status.pendingCommand`. */
  operator?: OperatorCommand;
  /**
   * An action-only step: the operator's command takes effect now, and nothing else — no hook, no
   * metric check, no failure counted. What the command cannot do without them waits for the next
   * analysis step (the command stays pending).
   */
  actionOnly?: boolean;
  /**
   * Set when the deployment sweeps idle canaries (lib/app/sweep.ts): a step that leaves the canary
   * idle schedules the next full step this long ahead (at least one interval) instead of after one
   * interval; the sweep asks for a step as soon as something the canary saw changes. Absent: idle
   * canaries are stepped every interval.
   */
  idleReconcileMs?: number;
}
