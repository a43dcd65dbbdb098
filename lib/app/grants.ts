/**
 * Managing grants (the API's `/grants`): an admin of a scope manages the grants within it — lists
 * them, puts and deletes them. A grant that is replaced must also lie within the caller's admin
 * scope, so no one can take over a wider grant by its name. The bootstrap admins (ADMIN_PRINCIPALS)
 * are not stored: they are listed, to admins of everything, and change only with the deployment.
 */
import type { Grant } from '../domain/authz/authorize.js';
import { parseGrant } from '../domain/authz/grants.js';
import type { Documents } from '../ports/store.js';
import type { Access, AccessDeps } from './access.js';
import { NotFoundError, ValidationError } from './errors.js';

export interface GrantDeps extends AccessDeps {
  grants: Documents<Grant>;
}

const everything = { cluster: '*', namespace: '*' };

/** The stored grants within the caller's admin scope; the bootstrap admins to admins of everything. */
export async function listGrants(
  deps: GrantDeps,
  access: Access,
  signal: AbortSignal,
): Promise<{ grants: Grant[]; bootstrapAdmins?: string[] }> {
  const all = (await deps.grants.list(signal)).map((g) => g.doc);
  const grants = await access.filter(all, (g) => g, 'admin');
  const everywhere = (await access.decide('admin', everything)).allowed;
  return everywhere ? { grants, bootstrapAdmins: deps.bootstrapAdmins.map((g) => g.principal) } : { grants };
}

/** Puts the grant `name` from the API's body; `created` when the name is new. */
export async function putGrant(
  deps: GrantDeps,
  access: Access,
  name: string,
  body: unknown,
  signal: AbortSignal,
): Promise<{ created: boolean; grant: Grant }> {
  const parsed = parseGrant(body, name);
  if (!parsed.ok)
    throw new ValidationError(
      `invalid grant: ${parsed.errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; ')}`,
      parsed.errors,
    );
  await access.require('admin', parsed.grant);
  const existing = await deps.grants.get(name, signal);
  if (existing) await access.require('admin', existing);
  await deps.grants.put(name, parsed.grant, signal);
  return { created: !existing, grant: parsed.grant };
}

/**
 * Deletes the grant `name` (admin of its scope). A name that does not exist is a 404 only to an
 * admin of everything (any other caller gets the 403 it would get for a grant beyond its scope, so
 * it cannot probe which grants exist).
 */
export async function removeGrant(
  deps: GrantDeps,
  access: Access,
  name: string,
  signal: AbortSignal,
): Promise<void> {
  const existing = await deps.grants.get(name, signal);
  await access.require('admin', existing ?? everything);
  if (!existing) throw new NotFoundError(`grant "${name}" not found`);
  await deps.grants.delete(name, signal);
}
