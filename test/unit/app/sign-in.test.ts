/** The status page's sign-in use cases over an in-memory store, with a frozen clock and counted secrets. */
import { describe, expect, it } from 'vitest';
import { SignInError } from '../../../lib/app/errors.js';
import { checkCsrf, mintTicket, redeemTicket, sessionOf, SESSION_MS } from '../../../lib/app/sign-in.js';
import { ForbiddenError } from '../../../lib/ports/errors.js';
import type { Session, SignedIn, SignInStore } from '../../../lib/ports/sessions.js';

class MemorySignIn implements SignInStore {
  readonly tickets = new Map<string, SignedIn>();
  readonly sessions = new Map<string, Session>();
  putTicket(id: string, g: SignedIn) {
    this.tickets.set(id, g);
    return Promise.resolve();
  }
  takeTicket(id: string) {
    const g = this.tickets.get(id);
    this.tickets.delete(id);
    return Promise.resolve(g);
  }
  putSession(id: string, s: Session) {
    this.sessions.set(id, s);
    return Promise.resolve();
  }
  getSession(id: string) {
    return Promise.resolve(this.sessions.get(id));
  }
  deleteSession(id: string) {
    this.sessions.delete(id);
    return Promise.resolve();
  }
}

const signal = new AbortController().signal;
const alice = 'arn:aws:iam::123456789012:user/alice';
const aliceCaller = { actor: alice, principals: [`iam:${alice}`] };

function world() {
  const clock = { now: 1_700_000_000_000 };
  let n = 0;
  const store = new MemorySignIn();
  const deps = { signIn: store, now: () => clock.now, secret: () => `secret-${++n}` };
  return { clock, store, deps };
}

describe('sign-in', () => {
  it('a ticket opens one session as its minter; the store keeps neither secret', async () => {
    const { store, deps, clock } = world();
    const { ticket, until } = await mintTicket(deps, aliceCaller, signal);
    expect(until).toBe(clock.now + 5 * 60_000);
    const s = await redeemTicket(deps, ticket, signal);
    expect(s).toEqual({
      session: 'secret-2',
      ...aliceCaller,
      csrf: 'secret-3',
      until: clock.now + SESSION_MS,
    });
    // The session carries the minter's principals: the page may do what they may, no more.
    expect(await sessionOf(deps, s.session, signal)).toEqual({
      ...aliceCaller,
      csrf: 'secret-3',
      until: s.until,
    });
    expect(store.tickets.size).toBe(0);
    expect([...store.sessions.keys()].join()).not.toContain('secret');
    await expect(redeemTicket(deps, ticket, signal)).rejects.toThrow(SignInError);
  });

  it.each([
    { name: 'an expired ticket', ticketAge: 5 * 60_000, sessionAge: 0 },
    { name: 'an expired session', ticketAge: 0, sessionAge: SESSION_MS },
  ])('refuses $name', async ({ ticketAge, sessionAge }) => {
    const { deps, clock, store } = world();
    const { ticket } = await mintTicket(deps, aliceCaller, signal);
    clock.now += ticketAge;
    if (ticketAge > 0) {
      await expect(redeemTicket(deps, ticket, signal)).rejects.toThrow(SignInError);
      expect(store.tickets.size).toBe(0);
      return;
    }
    const { session } = await redeemTicket(deps, ticket, signal);
    clock.now += sessionAge;
    await expect(sessionOf(deps, session, signal)).rejects.toThrow(SignInError);
  });

  it('refuses forged tickets and sessions, and a missing cookie', async () => {
    const { deps } = world();
    await expect(redeemTicket(deps, 'forged', signal)).rejects.toThrow(SignInError);
    await expect(redeemTicket(deps, '', signal)).rejects.toThrow(SignInError);
    await expect(sessionOf(deps, 'forged', signal)).rejects.toThrow(SignInError);
    await expect(sessionOf(deps, undefined, signal)).rejects.toThrow(SignInError);
  });

  it.each([undefined, '', 'csrf-wrong', 'csrf-toke', 'csrf-token-'])('refuses the CSRF token %j', (given) => {
    expect(() => checkCsrf({ ...aliceCaller, until: 0, csrf: 'csrf-token' }, given)).toThrow(ForbiddenError);
  });

  it('accepts the session CSRF token', () => {
    expect(() => checkCsrf({ ...aliceCaller, until: 0, csrf: 'csrf-token' }, 'csrf-token')).not.toThrow();
  });
});
