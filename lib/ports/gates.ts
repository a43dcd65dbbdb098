import type { GateChangeRequest } from '../domain/authz/gates.js';
import type { Identity } from '../domain/authz/principals.js';

/**
 * Manual gates of the load tester (`/gate/*`, `/rollback/*`;
 * docs/flagger-compatibility.md#load-tester). The state must outlive one process (Lambda instances come
 * and go), so it is kept behind this port.
 */
export interface GateStore {
  /** Whether the gate `key` is open; undefined when it was never opened or closed. */
  get(key: string, signal: AbortSignal): Promise<boolean | undefined>;
  /** Opens or closes the gate `key` (recording who did); idempotent. */
  set(key: string, change: GateChange, signal: AbortSignal): Promise<void>;
}

/** Who calls the load tester: their principals (lib/domain/authz) and the name records show (`by`). */
export interface GateCaller extends Identity {
  actor: string;
}

/**
 * Who may open and close gates. The stack's own load tester asks the grants (lib/app/gate-access.ts);
 * a load tester without a guard lets whoever reaches it change any gate, as Flagger's.
 */
export interface GateGuard {
  /**
   * Resolves when `caller` may make `change`; otherwise rejects with a ForbiddenError
   * (lib/ports/errors.ts) whose message names the action, cluster and namespace needed.
   */
  allow(caller: GateCaller, change: GateChangeRequest, signal: AbortSignal): Promise<void>;
}

/** One opening or closing of a gate, and who asked for it (IAM principal, token holder). */
export interface GateChange {
  open: boolean;
  by?: string;
}

/** Which of the two gate families a key belongs to. */
export type GateKind = 'gate' | 'rollback';

/** The canary a gate belongs to; `cluster` comes from payload metadata when present. */
export interface GateOwner {
  name: string;
  namespace: string;
  cluster?: string;
}

/**
 * The store key of a gate: `gate:<namespace>/<name>` or `gate:<cluster>/<namespace>/<name>`
 * (`rollback:` for rollback gates). Kubernetes names cannot hold `/` or `:`, so keys are unambiguous.
 */
export function gateKey(kind: GateKind, owner: GateOwner): string {
  const cluster = owner.cluster ? `${owner.cluster}/` : '';
  return `${kind}:${cluster}${owner.namespace}/${owner.name}`;
}
