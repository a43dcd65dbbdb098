/**
 * Who may open and close the gates of the stack's own load tester: the grants, as for the API
 * (docs/security.md, "Gates of the load tester"); the action each change needs is
 * lib/domain/authz/gates.ts. Checks (`/gate/check`, `/rollback/check`) are never asked here.
 */
import { gateRequirement } from '../domain/authz/gates.js';
import type { GateGuard } from '../ports/gates.js';
import { Access, type AccessDeps } from './access.js';
import { AccessDeniedError } from './errors.js';

/**
 * A guard over the grants: the bootstrap admins first, then the stored grants (one read, only
 * when the admins do not allow the change). A refusal is an AccessDeniedError (403) naming the
 * caller, the action, the cluster and the namespace, and nothing else.
 */
export function grantsGateGuard(deps: AccessDeps): GateGuard {
  return {
    async allow(caller, change, signal) {
      const { action, scope } = gateRequirement(change);
      const decision = await new Access(deps, caller, signal).decide(action, scope);
      if (decision.allowed) return;
      const everywhere = change.cluster
        ? ''
        : '; a body without metadata.cluster changes the gate in every cluster, which takes a grant for cluster "*": name the cluster in metadata.cluster';
      throw new AccessDeniedError(`forbidden: ${decision.reason}${everywhere}`);
    },
  };
}
