/**
 * Use case: one click on a chat message's button (Approve, Abort, Pause; docs/slack.md). Order:
 *   1. the button's value is ours (lib/domain/buttons.ts), else the click is ignored;
 *   2. the person's principal `slack:<team>/<user>` may take the action on that canary by the
 *      authorization model (grants, docs/security.md), else they alone are told "not allowed" and
 *      nothing happens;
 *   3. the message's nonce is claimed — one decision per message, so a replayed request or a
 *      second click finds the first decision and applies nothing;
 *   4. the canary is still in the state the message was about (not stale);
 *   5. the action goes through the API's use case, requestAction, with the person as the caller
 *      (history records `slack:<team>/<user>`);
 *   6. the message's buttons are replaced with "Approved by @person" for everyone.
 * A refusal in 4 or 5 gives the claim back and tells the person why.
 */
import { decodeButton, staleness, type ButtonAction } from '../domain/buttons.js';
import type { ButtonClaims, ButtonClick, ClickReplies } from '../ports/buttons.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../ports/errors.js';
import { keyString, type CanaryKey } from '../ports/store.js';
import type { Access } from './access.js';
import { requestAction, toCommand, type OperatorDeps } from './operator-actions.js';

export interface ButtonDeps extends OperatorDeps {
  claims: ButtonClaims;
  replies: ClickReplies;
  /** The authorization of `principal` (`slack:<team>/<user>`): its grants, as for an API caller. */
  accessOf: (principal: string, signal: AbortSignal) => Access;
}

/** What became of a click. */
export type ButtonOutcome =
  | { kind: 'applied'; action: ButtonAction; canary: CanaryKey }
  /** Not one of our buttons. */
  | { kind: 'invalid' }
  | { kind: 'forbidden' }
  /** The message's decision was taken already (by this click, replayed, or another one). */
  | { kind: 'taken'; action: string; by: string }
  /** The canary left the state the message was about, or the action does not apply now. */
  | { kind: 'refused'; why: string };

const done: Readonly<Record<string, string>> = { approve: 'Approved', abort: 'Aborted', pause: 'Paused' };

/** Applies one click; answers the person through `deps.replies`. */
export async function clickButton(
  deps: ButtonDeps,
  click: ButtonClick,
  signal: AbortSignal,
): Promise<ButtonOutcome> {
  const tell = (text: string) => deps.replies.tell(click.reply, text, signal);
  const button = decodeButton(click.value);
  if (!button) {
    await tell('This button was not made by Flagger Serverless; nothing was done.');
    return { kind: 'invalid' };
  }
  const key = button.canary;
  const target = keyString(key);
  const notAllowed = `You are not allowed to ${button.action} ${target}; nothing was done.`;
  const access = deps.accessOf(click.principal, signal);
  if (!(await access.decide(button.action === 'approve' ? 'approve' : 'operate', key)).allowed) {
    await tell(notAllowed);
    return { kind: 'forbidden' };
  }
  const claim = { action: button.action, by: click.principal, mention: click.mention, at: deps.now() };
  const earlier = await deps.claims.claim(button.nonce, claim, signal);
  if (earlier) {
    await tell(
      `Already decided on this message: ${done[earlier.action] ?? earlier.action} by ${earlier.mention}.`,
    );
    return { kind: 'taken', action: earlier.action, by: earlier.by };
  }
  try {
    const record = await deps.store.get(key, signal);
    if (!record) throw new NotFoundError(`canary ${target} not found`);
    const stale = staleness(button, record.status);
    if (stale) throw new ConflictError(`${button.action} refused for canary ${target}: ${stale}`);
    await requestAction(deps, access, key, toCommand(button.action, click.principal, button.gate), signal);
  } catch (e) {
    await deps.claims.release(button.nonce, signal);
    if (e instanceof ForbiddenError) {
      await tell(notAllowed);
      return { kind: 'forbidden' };
    }
    if (!(e instanceof ConflictError || e instanceof NotFoundError)) throw e;
    await tell(`Nothing was done: ${e.message}.`);
    return { kind: 'refused', why: e.message };
  }
  await deps.replies.settle(click.reply, `${done[button.action]} by ${click.mention}`, signal);
  return { kind: 'applied', action: button.action, canary: key };
}
