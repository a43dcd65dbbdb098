/**
 * Slack's interaction payload (`block_actions`), sent as the `payload` field of an
 * application/x-www-form-urlencoded body, read into a ButtonClick. Only clicks on our buttons
 * (`action_id` `flagger:<action>`) are taken; team and user ids must look like Slack's, so the
 * principal `slack:<team>/<user>` cannot be forged into another shape.
 */
import type { ButtonClick } from '../../lib/ports/buttons.js';

const SLACK_ID = /^[A-Z0-9]{2,32}$/;

interface BlockActions {
  type?: unknown;
  user?: { id?: unknown };
  team?: { id?: unknown };
  actions?: { action_id?: unknown; value?: unknown }[];
  response_url?: unknown;
  message?: unknown;
}

/** The click in `body`, or undefined when it is not a click on one of our buttons. */
export function parseClick(body: string): ButtonClick | undefined {
  const field = new URLSearchParams(body).get('payload');
  if (field === null) return undefined;
  let p: BlockActions;
  try {
    p = JSON.parse(field) as BlockActions;
  } catch {
    return undefined;
  }
  if (typeof p !== 'object' || p === null || p.type !== 'block_actions') return undefined;
  const user = p.user?.id;
  const team = p.team?.id;
  const action = Array.isArray(p.actions) ? p.actions[0] : undefined;
  const url = p.response_url;
  if (typeof user !== 'string' || !SLACK_ID.test(user)) return undefined;
  if (typeof team !== 'string' || !SLACK_ID.test(team)) return undefined;
  if (typeof action?.action_id !== 'string' || !action.action_id.startsWith('flagger:')) return undefined;
  if (typeof action.value !== 'string' || typeof url !== 'string' || !isHttpUrl(url)) return undefined;
  return {
    principal: `slack:${team}/${user}`,
    mention: `<@${user}>`,
    value: action.value,
    reply: { url, message: p.message },
  };
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}
