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
