/**
 * Who may do what, for one request (lib/domain/authz, docs/security.md): the caller's principals,
 * the deployment's bootstrap admins and the stored grants. Every use case the API calls asks its
 * Access before it reads or writes what the caller names; lists keep only what the caller may read.
 *
 * Reads: the bootstrap admins are asked first, without I/O; the stored grants are read once per
 * request (one Query), only when the bootstrap admins do not already allow the action.
 */
import { authorize, type Action, type Decision, type Grant, type Scope } from '../domain/authz/authorize.js';
import type { Identity } from '../domain/authz/principals.js';
import type { Documents } from '../ports/store.js';
import { AccessDeniedError } from './errors.js';

/** Who called: the principals to authorize and the name history records show (`by`). */
export interface Caller extends Identity {
  actor: string;
}

/** What authorization reads. */
export interface AccessDeps {
  grants: Pick<Documents<Grant>, 'list'>;
  /** The deployment's admins (ADMIN_PRINCIPALS) as grants (`bootstrapGrants`, lib/domain/authz/authorize.ts). */
  bootstrapAdmins: readonly Grant[];
}

/** One request's authorization. */
export class Access {
  private stored?: Promise<Grant[]>;

  constructor(
    private readonly deps: AccessDeps,
    readonly caller: Caller,
    private readonly signal: AbortSignal,
  ) {}

  /** The caller's name for history records and pending commands. */
  get actor(): string {
    return this.caller.actor;
  }

  /** May the caller do `action` in `scope`: the bootstrap admins first, then the stored grants. */
  async decide(action: Action, scope: Scope): Promise<Decision> {
    const first = authorize(this.caller, action, scope, this.deps.bootstrapAdmins);
    if (first.allowed) return first;
    return authorize(this.caller, action, scope, await this.grants());
  }

  /** Throws AccessDeniedError (403) naming the caller, the action and the scope unless allowed. */
  async require(action: Action, scope: Scope): Promise<void> {
    const d = await this.decide(action, scope);
    if (!d.allowed) throw new AccessDeniedError(`forbidden: ${d.reason}`);
  }

  /** The items the caller may do `action` on (default `read`); the others are left out silently. */
  async filter<T>(items: readonly T[], scopeOf: (item: T) => Scope, action: Action = 'read'): Promise<T[]> {
    const allowed = await Promise.all(
      items.map(async (i) => (await this.decide(action, scopeOf(i))).allowed),
    );
    return items.filter((_, n) => allowed[n]);
  }

  private grants(): Promise<Grant[]> {
    this.stored ??= this.deps.grants.list(this.signal).then((all) => all.map((g) => g.doc));
    return this.stored;
  }
}

/**
 * The authority of a cluster's own Canary objects (docs/gitops.md), for the sweep that registers
 * them: whoever turned sourcing on for the cluster (an admin of it) let its objects `register`
 * canaries in that cluster, every namespace — and nothing in any other cluster.
 */
export function clusterObjectsAccess(cluster: string, actor: string, signal: AbortSignal): Access {
  const principal = `cluster:${cluster}`;
  const grant: Grant = {
    name: '(cluster objects)',
    principal,
    actions: ['register'],
    cluster,
    namespace: '*',
  };
  return new Access(
    { grants: { list: () => Promise.resolve([]) }, bootstrapAdmins: [grant] },
    { actor, principals: [principal] },
    signal,
  );
}
