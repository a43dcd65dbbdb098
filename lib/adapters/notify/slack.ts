/**
 * Slack incoming webhooks (docs/notifications.md#slack-slack--incoming-webhook-block-kit). Flagger
 * sends one legacy attachment with `color`/`author_name`/`text`/`fields`; we send the same envelope
 * (`channel`, `username`, `icon_emoji`, one attachment with `color`) but the attachment's content is
 * Block Kit: a header, the alert text, the metadata as section fields and the failing checks'
 * explanations. Messages about a pending gate or a release in progress end with an `actions` block
 * of buttons (lib/domain/buttons.ts; the clicks arrive at functions/slack, docs/slack.md) — only
 * when the deployment answers clicks ({@link SlackNotifierOptions.slackButtons}) and the provider
 * did not opt out (`buttons: false`).
 */
import { encodeButton, messageButtons, type ButtonAction, type ButtonValue } from '../../domain/buttons.js';
import type { DomainEvent, Severity } from '../../domain/events.js';
import type { AlertProvider, Notifier } from '../../ports/notifier.js';
import { postJson, type HttpNotifierOptions } from './http.js';
import { describe } from './text.js';

/** Slack's named attachment colours: green, amber, red. */
type SlackColor = 'good' | 'warning' | 'danger';

/** Attachment colour per severity (Flagger: `danger` for error, `good` otherwise; we add amber for warn). */
const slackColors: Readonly<Record<Severity, SlackColor>> = {
  info: 'good',
  warn: 'warning',
  error: 'danger',
};

type Text = { type: 'plain_text' | 'mrkdwn'; text: string };
/** A Block Kit button; `action_id` is `flagger:<action>`, `value` the encoded {@link ButtonValue}. */
interface SlackButton {
  type: 'button';
  action_id: string;
  text: Text;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: Text; text: Text; confirm: Text; deny: Text };
}
/** The Block Kit blocks we use. */
type SlackBlock =
  | { type: 'header'; text: Text }
  | { type: 'section'; text: Text }
  | { type: 'section'; fields: Text[] }
  | { type: 'actions'; block_id: string; elements: SlackButton[] };

/** The JSON body posted to a Slack incoming webhook. */
interface SlackPayload {
  channel?: string;
  username: string;
  icon_emoji: string;
  /** Fallback for notifications and clients without Block Kit. */
  text: string;
  attachments: [{ color: SlackColor; blocks: SlackBlock[] }];
}

/** Slack's limit for a header's plain text. */
const HEADER_LIMIT = 150;

/** Options of the Slack notifier. */
export interface SlackNotifierOptions extends HttpNotifierOptions {
  /**
   * The deployment answers clicks on buttons (its Slack app's interactivity is set up). Default
   * false: no buttons.
   */
  slackButtons?: boolean;
}

/** Formats one event for Slack. Pure. */
function formatSlack(
  event: DomainEvent,
  provider: Pick<AlertProvider, 'channel' | 'username' | 'buttons'>,
  interactive: boolean,
): SlackPayload {
  const d = describe(event);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(d.title, HEADER_LIMIT) } },
    { type: 'section', text: { type: 'mrkdwn', text: escape(d.text) } },
    {
      type: 'section',
      fields: d.facts.map((f) => ({ type: 'mrkdwn', text: `*${f.title}*\n${escape(f.value)}` })),
    },
  ];
  if (d.explanations.length > 0) {
    const lines = d.explanations.map((e) => `• ${escape(e)}`).join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Failing checks*\n${lines}` } });
  }
  const buttons = messageButtons(event, { interactive, provider: provider.buttons });
  if (buttons.length > 0)
    blocks.push({ type: 'actions', block_id: ACTIONS_BLOCK, elements: buttons.map(slackButton) });
  const payload: SlackPayload = {
    username: provider.username ?? 'flagger',
    icon_emoji: ':rocket:',
    text: escape(`${d.title} — ${d.text}`),
    attachments: [{ color: slackColors[d.severity], blocks }],
  };
  if (provider.channel) payload.channel = provider.channel;
  return payload;
}

/** A notifier posting {@link formatSlack} payloads to `provider.address`. */
export function makeSlackNotifier(provider: AlertProvider, options: SlackNotifierOptions = {}): Notifier {
  const interactive = options.slackButtons === true;
  return {
    post: (message, signal) =>
      postJson(provider, formatSlack(message.event, provider, interactive), signal, options),
  };
}

/** The `block_id` of the buttons (functions/slack removes this block once a button was used). */
export const ACTIONS_BLOCK = 'flagger-actions';

const labels: Readonly<Record<ButtonAction, string>> = { approve: 'Approve', abort: 'Abort', pause: 'Pause' };
const plain = (text: string): Text => ({ type: 'plain_text', text });

function slackButton(b: ButtonValue): SlackButton {
  const button: SlackButton = {
    type: 'button',
    action_id: `flagger:${b.action}`,
    text: plain(labels[b.action]),
    value: encodeButton(b),
  };
  if (b.action === 'approve') button.style = 'primary';
  if (b.action === 'abort') {
    button.style = 'danger';
    const target = `${b.canary.name}.${b.canary.namespace} (${b.canary.cluster})`;
    button.confirm = {
      title: plain('Abort the release?'),
      text: plain(`Traffic goes back to the primary of ${target} and the canary is scaled to zero.`),
      confirm: plain('Abort'),
      deny: plain('Cancel'),
    };
  }
  return button;
}

/** Slack mrkdwn needs `&`, `<` and `>` escaped; nothing else. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
