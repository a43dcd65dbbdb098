/**
 * Slack incoming webhooks (docs/notifications.md#slack-slack--incoming-webhook-block-kit). Flagger
 * sends one legacy attachment with `color`/`author_name`/`text`/`fields`; we send the same envelope
 * (`channel`, `username`, `icon_emoji`, one attachment with `color`) but the attachment's content is
 * Block Kit: a header, the alert text, the metadata as section fields and the failing checks'
 * explanations.
 */
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
/** The Block Kit blocks we use. */
type SlackBlock =
  { type: 'header'; text: Text } | { type: 'section'; text: Text } | { type: 'section'; fields: Text[] };

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

/** Formats one event for Slack. Pure. */
function formatSlack(
  event: DomainEvent,
  provider: Pick<AlertProvider, 'channel' | 'username'> = {},
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
export function makeSlackNotifier(provider: AlertProvider, options: HttpNotifierOptions = {}): Notifier {
  return {
    post: (message, signal) => postJson(provider, formatSlack(message.event, provider), signal, options),
  };
}

/** Slack mrkdwn needs `&`, `<` and `>` escaped; nothing else. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
