/**
 * In-memory fake of the button claims port (lib/ports/buttons.ts) with the DynamoDB adapter's
 * semantics: the first claim of a nonce wins, later ones get it back, release forgets it.
 */
import type { ButtonClaim, ButtonClaims } from '../../../lib/ports/buttons.js';
import { Calls } from './calls.js';

export class FakeButtonClaims implements ButtonClaims {
  readonly calls = new Calls();
  readonly claims = new Map<string, ButtonClaim>();

  async claim(nonce: string, claim: ButtonClaim): Promise<ButtonClaim | undefined> {
    await this.calls.enter('claim', nonce, claim);
    const earlier = this.claims.get(nonce);
    if (earlier) return structuredClone(earlier);
    this.claims.set(nonce, structuredClone(claim));
    return undefined;
  }

  async release(nonce: string): Promise<void> {
    await this.calls.enter('release', nonce);
    this.claims.delete(nonce);
  }
}
