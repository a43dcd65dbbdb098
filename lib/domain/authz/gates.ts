/**
 * What opening or closing a gate of the stack's own load tester requires (docs/security.md,
 * "Gates of the load tester"): the action the API requires for the same effect, in the gate's
 * cluster and namespace. Pure.
 */
import type { Action, Scope } from './authorize.js';

/** One opening or closing of a load tester gate (`/gate/open`, `/rollback/close`, …). */
export interface GateChangeRequest {
  /** `gate`: what confirm and other hooks check (`/gate/check`); `rollback`: `/rollback/check`. */
  kind: 'gate' | 'rollback';
  open: boolean;
  namespace: string;
  /**
   * The cluster the body names (`metadata.cluster`). None (Flagger's body): the canary's gate that
   * every cluster without a gate of its own follows — a change in every cluster.
   */
  cluster?: string;
}

/**
 * The action each change needs, as the API's operator actions (lib/app/operator-actions.ts):
 * - opening a gate lets the hooks that check it pass (confirm-rollout, confirm-promotion, a
 *   pre-rollout gate): `approve`, as `POST …/actions/approve`;
 * - closing one makes them fail: it holds a release at its confirm hooks (Flagger's "pause"), and
 *   a pre-rollout or rollout hook's failures count toward the rollback threshold: `operate`;
 * - opening a rollback gate rolls the canary back (`abort`), closing it withdraws that: `operate`.
 */
const REQUIRED: Readonly<Record<GateChangeRequest['kind'], Readonly<Record<'open' | 'close', Action>>>> = {
  gate: { open: 'approve', close: 'operate' },
  rollback: { open: 'operate', close: 'operate' },
};

/**
 * The action `change` needs and where: the named cluster and the namespace, or every cluster
 * (`*`, which only a grant for cluster `*` covers) when the body names none.
 */
export function gateRequirement(change: GateChangeRequest): { action: Action; scope: Scope } {
  return {
    action: REQUIRED[change.kind][change.open ? 'open' : 'close'],
    scope: { cluster: change.cluster ? change.cluster : '*', namespace: change.namespace },
  };
}
