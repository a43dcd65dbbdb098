/**
 * The status page's sign-in (docs/status-page.md): single-use login tickets and browser sessions,
 * each kept under an id that is the SHA-256 of its secret (the secret itself is never stored).
 * Both expire: readers compare `until` with the clock, and the store drops them later (TTL).
 */
export interface SignedIn {
  /** Whose identity the ticket or session carries (IAM ARN, JWT subject, local token). */
  actor: string;
  /** That caller's principals (lib/domain/authz): what the page may do is what they may. */
  principals: readonly string[];
  /** When it stops being valid (epoch ms). */
  until: number;
}

/** A signed-in browser: its identity and the token its state-changing requests must carry. */
export interface Session extends SignedIn {
  csrf: string;
}

export interface SignInStore {
  putTicket(id: string, ticket: SignedIn, signal: AbortSignal): Promise<void>;
  /** Removes the ticket and returns what it was, in one write: of two takes, one finds nothing. */
  takeTicket(id: string, signal: AbortSignal): Promise<SignedIn | undefined>;
  putSession(id: string, session: Session, signal: AbortSignal): Promise<void>;
  getSession(id: string, signal: AbortSignal): Promise<Session | undefined>;
  deleteSession(id: string, signal: AbortSignal): Promise<void>;
}
