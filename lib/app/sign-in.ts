/**
 * Sign-in of the status page (docs/status-page.md). A caller the API already authenticated (IAM,
 * JWT, local token) mints a login ticket bound to its identity; the browser exchanges the ticket,
 * once and within minutes, for a session of bounded life that carries the same identity and a
 * CSRF token. Secrets are random (injected), stored only as their SHA-256.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Session, SignInStore } from '../ports/sessions.js';
import { ForbiddenError } from '../ports/errors.js';
import { SignInError } from './errors.js';
import type { Caller } from './access.js';

/** How long a login ticket may wait for its first (and only) use. */
const TICKET_MS = 5 * 60_000;
/** How long a session lasts from sign-in (no sliding renewal). */
export const SESSION_MS = 8 * 3_600_000;

export interface SignInDeps {
  signIn: SignInStore;
  now: () => number;
  /** A fresh random secret (≥ 256 bits, URL-safe). */
  secret: () => string;
}

const idOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** A ticket for `caller` (its name and principals), valid for {@link TICKET_MS}. */
export async function mintTicket(
  deps: SignInDeps,
  caller: Caller,
  signal: AbortSignal,
): Promise<{ ticket: string; until: number }> {
  const ticket = deps.secret();
  const until = deps.now() + TICKET_MS;
  await deps.signIn.putTicket(
    idOf(ticket),
    { actor: caller.actor, principals: caller.principals, until },
    signal,
  );
  return { ticket, until };
}

/** Uses up `ticket` and opens a session for its actor; SignInError when it is unknown, used or expired. */
export async function redeemTicket(
  deps: SignInDeps,
  ticket: string,
  signal: AbortSignal,
): Promise<{ session: string } & Session> {
  // Taken before it is checked: an expired ticket is used up too.
  const grant = ticket ? await deps.signIn.takeTicket(idOf(ticket), signal) : undefined;
  const now = deps.now();
  if (!grant || grant.until <= now)
    throw new SignInError('this sign-in link is unknown, used or expired; ask for a new one');
  const session = deps.secret();
  const open: Session = {
    actor: grant.actor,
    principals: grant.principals,
    until: now + SESSION_MS,
    csrf: deps.secret(),
  };
  await deps.signIn.putSession(idOf(session), open, signal);
  return { session, ...open };
}

/** The live session `session` names; SignInError when there is none. */
export async function sessionOf(
  deps: SignInDeps,
  session: string | undefined,
  signal: AbortSignal,
): Promise<Session> {
  const found = session ? await deps.signIn.getSession(idOf(session), signal) : undefined;
  if (!found || found.until <= deps.now()) throw new SignInError('not signed in, or the session expired');
  return found;
}

/** Ends the session (sign-out); nothing happens for an unknown one. */
export function endSession(deps: SignInDeps, session: string, signal: AbortSignal): Promise<void> {
  return deps.signIn.deleteSession(idOf(session), signal);
}

/** ForbiddenError unless `given` is the session's CSRF token (compared in constant time). */
export function checkCsrf(s: Session, given: string | undefined): void {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(s.csrf);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new ForbiddenError('missing or wrong CSRF token (x-csrf-token); reload the page');
}
