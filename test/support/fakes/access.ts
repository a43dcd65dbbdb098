/**
 * Authorization for app-layer tests: a real Access (lib/app/access.ts) over in-memory grants.
 * `anAdmin('alice')` may do everything (a bootstrap admin); `aCaller` holds only the grants given.
 */
import { Access } from '../../../lib/app/access.js';
import type { Grant } from '../../../lib/domain/authz/authorize.js';
import { bootstrapGrants } from '../../../lib/domain/authz/authorize.js';
import { FakeDocuments } from './store.js';

const signal = new AbortController().signal;

/** A caller who is one of the deployment's admins (JWT subject `actor`). */
export function anAdmin(actor = 'alice'): Access {
  const principal = `jwt:sub:${actor}`;
  return new Access(
    { grants: new FakeDocuments<Grant>(), bootstrapAdmins: bootstrapGrants([principal]) },
    { actor, principals: [principal] },
    signal,
  );
}

/** A caller with `principals` and only the stored `grants` (no bootstrap admin among them). */
export function aCaller(o: { actor: string; principals: string[]; grants: Grant[] }): {
  access: Access;
  grants: FakeDocuments<Grant>;
} {
  const grants = new FakeDocuments<Grant>(Object.fromEntries(o.grants.map((g) => [g.name, g])));
  return {
    access: new Access({ grants, bootstrapAdmins: [] }, { actor: o.actor, principals: o.principals }, signal),
    grants,
  };
}

/**
 * The authorization of each principal when only `allowed` hold a grant, for every action in every
 * cluster and namespace (the Slack handler's `accessOf`).
 */
export function grantedTo(allowed: string[]): (principal: string) => Access {
  const grants = allowed.map((principal, i): Grant => ({
    name: `g${i}`,
    principal,
    actions: ['approve', 'operate'],
    cluster: '*',
    namespace: '*',
  }));
  return (principal) => aCaller({ actor: principal, principals: [principal], grants }).access;
}
