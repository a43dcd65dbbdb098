/**
 * Who may do what: grants give principals actions in a scope (a cluster and a namespace, either
 * `*`), and `authorize` answers one question — may this caller do this here — with the grant
 * that allowed it or why none did. Deny by default: no grant, no access. Pure (no I/O, no clock).
 */
import { principalMatches, type Identity } from './principals.js';

/**
 * The actions, from least to most:
 * - `read`: see canaries, their history, cluster records, templates and alert providers;
 * - `register`: apply and delete canaries (and put/delete templates and alert providers);
 * - `approve`: open a canary's confirm gates (`approve`);
 * - `operate`: promote, abort, pause, resume, retry — and approve;
 * - `admin`: register and remove clusters, manage grants — and everything above.
 */
export const actions = ['read', 'register', 'approve', 'operate', 'admin'] as const;
export type Action = (typeof actions)[number];

/**
 * What holding an action gives. Every action implies `read`; `operate` implies `approve` (whoever
 * may promote past every gate may open one); `admin` implies all. `register` and `approve` are
 * independent, so the pipeline that applies canaries need not be able to wave them through.
 */
const implied: Readonly<Record<Action, readonly Action[]>> = {
  read: ['read'],
  register: ['register', 'read'],
  approve: ['approve', 'read'],
  operate: ['operate', 'approve', 'read'],
  admin: actions,
};

/** Where an action applies; `*` means every cluster or every namespace. */
export interface Scope {
  cluster: string;
  namespace: string;
}

/** One grant: `principal` (a pattern, principals.ts) may do `actions` in `cluster`/`namespace`. */
export interface Grant extends Scope {
  /** Its name (the record's key); `(bootstrap)` for the deployment's admins. */
  name: string;
  principal: string;
  actions: readonly Action[];
}

/** The answer, with its reason: the grant that allowed the action, or that none did. */
export type Decision =
  { allowed: true; grant: string; principal: string } | { allowed: false; reason: string };

/**
 * Whether a grant's scope covers `scope`: its cluster is `*` or the same, and so is its namespace.
 * A `*` in the scope asked for (every cluster, every namespace) is covered only by a `*`.
 */
function covers(grant: Scope, scope: Scope): boolean {
  return (
    (grant.cluster === '*' || grant.cluster === scope.cluster) &&
    (grant.namespace === '*' || grant.namespace === scope.namespace)
  );
}

/** Whether `identity` may do `action` in `scope`: the first grant that allows it, or why none does. */
export function authorize(
  identity: Identity,
  action: Action,
  scope: Scope,
  grants: readonly Grant[],
): Decision {
  for (const g of grants) {
    if (!covers(g, scope) || !g.actions.some((a) => implied[a].includes(action))) continue;
    const principal = identity.principals.find((p) => principalMatches(g.principal, p));
    if (principal) return { allowed: true, grant: g.name, principal };
  }
  const who = identity.principals[0] ?? '(no principal)';
  return {
    allowed: false,
    reason: `${who} may not ${action} in ${describeScope(scope)}: no grant allows it`,
  };
}

/** `cluster "prod", namespace "team-a"`; `*` reads "every cluster" / "every namespace". */
function describeScope(s: Scope): string {
  const c = s.cluster === '*' ? 'every cluster' : `cluster "${s.cluster}"`;
  const n = s.namespace === '*' ? 'every namespace' : `namespace "${s.namespace}"`;
  return `${c}, ${n}`;
}

/** The name given to the deployment's bootstrap admins (ADMIN_PRINCIPALS). */
const BOOTSTRAP = '(bootstrap)';

/** The deployment's admins: admin in every cluster and namespace, whatever the stored grants say. */
export function bootstrapGrants(principals: readonly string[]): Grant[] {
  return principals.map((principal) => ({
    name: BOOTSTRAP,
    principal,
    actions: ['admin'],
    cluster: '*',
    namespace: '*',
  }));
}
