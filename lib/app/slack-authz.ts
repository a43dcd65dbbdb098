/**
 * Who may act from Slack, until the authorization model (branch `authz`) decides it in the use
 * cases: ONE function, replaceable. A Slack signature proves that a request came from Slack, not
 * that the person who clicked may approve production, so a click is allowed only for the
 * principals listed in SLACK_APPROVERS (lib/config.ts `slackApprovers`; empty: nobody).
 *
 * To swap it for the authz model: make `mayAct` in lib/wiring-slack.ts answer true (or drop it from
 * ButtonDeps), and the model's ForbiddenError from requestAction — which button-actions.ts already
 * answers with "not allowed" — takes over.
 */
import type { ButtonAction } from '../domain/buttons.js';
import type { CanaryKey } from '../ports/store.js';

/**
 * Whether `principal` (`slack:<team id>/<user id>`) may take `action` on canary `key`: it is listed
 * in `allowed`, exactly (no wildcard: in a channel shared with another organisation, anyone may
 * click). Every button action and every canary alike: per-action and per-namespace rules are the
 * authz model's.
 */
export function slackMayAct(
  allowed: readonly string[],
  principal: string,
  _action: ButtonAction,
  _key: CanaryKey,
): boolean {
  return principal.startsWith('slack:') && allowed.includes(principal);
}
