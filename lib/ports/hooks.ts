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
  /** Response body of the last attempt, redacted, then truncated to about 1 KB. */
  body?: string;
  /** Attempts made (1 + retries used). */
  attempts: number;
  /** Wall time of all attempts and back-offs. */
  durationMs: number;
  /** One line for logs/history/events; URLs appear as scheme://host/path only, secrets masked. */
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
