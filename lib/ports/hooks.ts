/**
 * Webhooks as the analysis sees them (docs/flagger-compatibility.md#webhooks): one HTTP call per hook,
 * an outcome that never throws for HTTP-level problems, and the gate semantics of each hook type as
 * data.
 */

/** The hook types Flagger knows. Flagger's empty type means `rollout`; the spec parser normalises it. */
export type HookType =
  | 'confirm-rollout'
  | 'pre-rollout'
  | 'rollout'
  | 'confirm-traffic-increase'
  | 'confirm-promotion'
  | 'post-rollout'
  | 'rollback'
  | 'event';

/** Every hook type, in the order a release meets them. */
export const HOOK_TYPES: readonly HookType[] = [
  'confirm-rollout',
  'pre-rollout',
  'rollout',
  'confirm-traffic-increase',
  'confirm-promotion',
  'post-rollout',
  'rollback',
  'event',
];

/**
 * What the canary tells the hook. The adapter serialises it as Flagger does:
 * `{name, namespace, phase, checksum, metadata}`; for `event` hooks `eventMessage`, `eventType` and
 * `timestamp` (unix ms, as a string) are written into `metadata` and win over user keys.
 */
export interface HookPayload {
  /** Canary name. */
  name: string;
  /** Canary namespace. */
  namespace: string;
  /** Canary phase at call time (`Progressing`, `Succeeded`, …); the final phase for post-rollout. */
  phase: string;
  /** Checksum of the canary's last applied spec and tracked configs. */
  checksum: string;
  /** Extra metadata for this call only; merged over {@link HookCall.metadata}. */
  metadata?: Record<string, string>;
  /** Event hooks: the event text. */
  eventMessage?: string;
  /** Event hooks: `Normal` or `Warning`. */
  eventType?: string;
  /** Event hooks: event time in unix milliseconds. */
  timestamp?: number;
}

/** One hook invocation, as resolved from the canary spec (defaults already applied). */
export interface HookCall {
  /** Hook name from the spec (`acceptance-test`); used in explanations. */
  name: string;
  type: HookType;
  /** Target URL; may embed secrets (userinfo, query) and is never echoed in full. */
  url: string;
  /** Per-attempt timeout (Flagger default 10s). */
  timeoutMs: number;
  /** Extra attempts after the first one (0 = call once). */
  retries: number;
  /** The hook's `metadata` from the spec. */
  metadata?: Record<string, string>;
  payload: HookPayload;
}

/** The outcome of one hook call, whatever happened on the wire. */
export interface HookResult {
  /** True iff the last attempt answered with HTTP status ≤ 202 (Flagger: 203/204 fail). */
  ok: boolean;
  /** HTTP status of the last attempt, if one answered. */
  status?: number;
  /** Response body of the last attempt, truncated to about 1 KB. */
  body?: string;
  /** Attempts made (1 + retries used). */
  attempts: number;
  /** Wall time of all attempts and back-offs. */
  durationMs: number;
  /** One line for logs/history/events; URLs appear as scheme://host/path only. */
  explanation: string;
}

/** Calls webhooks. Implementations never throw for HTTP or network failures (see {@link HookResult}). */
export interface Hooks {
  /**
   * Calls one hook, retrying as configured.
   * @throws {HookAbortedError} when `signal` aborts: the caller gave up, the hook did not fail.
   */
  call(hook: HookCall, signal: AbortSignal): Promise<HookResult>;
}

/** The caller's signal aborted a hook call; not a hook failure, so no failed check is counted. */
export class HookAbortedError extends Error {
  override readonly name = 'HookAbortedError';
  constructor(hook: Pick<HookCall, 'name' | 'type'>, options?: { cause?: unknown }) {
    super(`${hook.type} hook "${hook.name}" aborted by the caller`, options);
  }
}

/**
 * What a hook's answer means for the analysis:
 * - `proceed`: go on with the step;
 * - `wait`: halt without counting a failure (re-polled next tick);
 * - `failedCheck`: halt and count `failedChecks + 1`;
 * - `rollBack`: roll the canary back now;
 * - `logOnly`: record the result, change nothing;
 * - `none`: nothing at all (fire and forget).
 */
export type GateOutcome = 'proceed' | 'wait' | 'failedCheck' | 'rollBack' | 'logOnly' | 'none';

/** The gate semantics of one hook type. */
export interface HookGate {
  /** Whether the analysis waits for the answer before acting. */
  blocking: boolean;
  onOk: GateOutcome;
  onFail: GateOutcome;
  /** When Flagger calls it. */
  when: string;
}

/** Gate semantics per hook type (docs/flagger-compatibility.md#webhook-types). */
export const HOOK_GATES: Readonly<Record<HookType, HookGate>> = Object.freeze({
  'confirm-rollout': {
    blocking: true,
    onOk: 'proceed',
    onFail: 'wait',
    when: 'before scaling the canary up; phase Waiting while it fails',
  },
  'pre-rollout': {
    blocking: true,
    onOk: 'proceed',
    onFail: 'failedCheck',
    when: 'once, before the first traffic shift',
  },
  rollout: {
    blocking: true,
    onOk: 'proceed',
    onFail: 'failedCheck',
    when: 'every analysis tick, before metrics',
  },
  'confirm-traffic-increase': {
    blocking: true,
    onOk: 'proceed',
    onFail: 'wait',
    when: 'before each weight increase',
  },
  'confirm-promotion': {
    blocking: true,
    onOk: 'proceed',
    onFail: 'wait',
    when: 'just before promotion; WaitingPromotion while it fails',
  },
  'post-rollout': { blocking: false, onOk: 'logOnly', onFail: 'logOnly', when: 'after Succeeded or Failed' },
  rollback: {
    blocking: true,
    onOk: 'rollBack',
    onFail: 'proceed',
    when: 'every tick in Progressing/Waiting/WaitingPromotion',
  },
  event: { blocking: false, onOk: 'none', onFail: 'none', when: 'every event the controller emits' },
});

/** What `result` means for a hook of `type`, per {@link HOOK_GATES}. Pure. */
export function gateOutcome(type: HookType, result: Pick<HookResult, 'ok'>): GateOutcome {
  const gate = HOOK_GATES[type];
  return result.ok ? gate.onOk : gate.onFail;
}
