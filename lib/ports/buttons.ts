/**
 * Buttons on chat messages (docs/slack.md): the click as the chat platform delivered it (its
 * signature already verified by the function), the one-decision-per-message claim, and the
 * answers to the person who clicked. Owned by lib/app/button-actions.ts.
 */

/** Where the answers to one click go (Slack: the click's `response_url`). */
export interface ReplyTarget {
  url: string;
  /** The message the button was on, as the platform sent it (to keep its text when settling it). */
  message?: unknown;
}

/** One click on one of our buttons. */
export interface ButtonClick {
  /** Who clicked, as the authorization model names them: `slack:<team id>/<user id>`. */
  principal: string;
  /** How the chat shows that person in a message (Slack: `<@U123>`). */
  mention: string;
  /** The button's value, untrusted (lib/domain/buttons.ts decodes it). */
  value: string;
  reply: ReplyTarget;
}

/** The decision taken on a message. */
export interface ButtonClaim {
  action: string;
  by: string;
  mention: string;
  /** Epoch ms. */
  at: number;
}

/** The first decision on a message claims its nonce; a replayed or later click finds the claim. */
export interface ButtonClaims {
  /** Claims `nonce` in one conditional write; undefined when claimed now, else the earlier claim. */
  claim(nonce: string, claim: ButtonClaim, signal: AbortSignal): Promise<ButtonClaim | undefined>;
  /** Gives the claim back (the action was refused: the message's buttons stay usable). */
  release(nonce: string, signal: AbortSignal): Promise<void>;
}

/** Answers to a click, through the chat platform. */
export interface ClickReplies {
  /** Replaces the message's buttons with `text`, for everyone who sees the message. */
  settle(target: ReplyTarget, text: string, signal: AbortSignal): Promise<void>;
  /** Tells `text` to the person who clicked only; the message stays as it is. */
  tell(target: ReplyTarget, text: string, signal: AbortSignal): Promise<void>;
}
