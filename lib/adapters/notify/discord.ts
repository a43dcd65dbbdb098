/**
 * Discord webhooks. Flagger posts its Slack payload to `<address>/slack`; we post Discord's native
 * `embeds` to the address as given, so colours and fields render properly.
 */
import type { DomainEvent, Severity } from '../../domain/events.js';
import type { AlertProvider, Notifier } from '../../ports/notifier.js';
import { postJson, type HttpNotifierOptions } from './http.js';
import { describe } from './text.js';

/** Embed colour per severity, as integers: Slack's good #2EB886, warning #DAA038, danger #A30200. */
const discordColors: Readonly<Record<Severity, number>> = {
  info: 0x2eb886,
  warn: 0xdaa038,
  error: 0xa30200,
};

/** One Discord embed field. */
interface DiscordField {
  name: string;
  value: string;
  inline: boolean;
}

/** The JSON body posted to a Discord webhook. */
interface DiscordPayload {
  username: string;
  embeds: [{ title: string; description: string; color: number; fields: DiscordField[]; timestamp: string }];
}

/** Discord's limit for a field value. */
const FIELD_LIMIT = 1024;

/** Formats one event for Discord. Pure. */
function formatDiscord(event: DomainEvent, provider: Pick<AlertProvider, 'username'> = {}): DiscordPayload {
  const d = describe(event);
  const fields: DiscordField[] = d.facts.map((f) => ({ name: f.title, value: f.value, inline: true }));
  if (d.explanations.length > 0) {
    const value = d.explanations.map((e) => `• ${e}`).join('\n');
    fields.push({
      name: 'Failing checks',
      value: value.length > FIELD_LIMIT ? `${value.slice(0, FIELD_LIMIT - 1)}…` : value,
      inline: false,
    });
  }
  return {
    username: provider.username ?? 'flagger',
    embeds: [
      { title: d.title, description: d.text, color: discordColors[d.severity], fields, timestamp: event.at },
    ],
  };
}

/** A notifier posting {@link formatDiscord} payloads to `provider.address`. */
export function makeDiscordNotifier(provider: AlertProvider, options: HttpNotifierOptions = {}): Notifier {
  return {
    post: (message, signal) => postJson(provider, formatDiscord(message.event, provider), signal, options),
  };
}
