/**
 * Chooses the notifier of an AlertProvider record by an exhaustive switch over its type
 * (STYLE.md habit 2): an unknown type is a validation error listing the supported ones, never a
 * silent fallback.
 */
import {
  AlertProviderValidationError,
  unsupportedTypeIssue,
  type AlertProvider,
  type Notifier,
  type NotifierFactory,
} from '../../ports/notifier.js';
import { makeDiscordNotifier } from './discord.js';
import { makeGenericNotifier } from './generic.js';
import type { HttpNotifierOptions } from './http.js';
import { makeSlackNotifier, type SlackNotifierOptions } from './slack.js';
import { makeTeamsNotifier } from './teams.js';

/** Tuning of every notifier, and whether Slack messages may carry buttons. */
export type NotifierOptions = HttpNotifierOptions & SlackNotifierOptions;

/**
 * The notifier for `provider`.
 * @throws {AlertProviderValidationError} when `provider.type` is not one we implement (records
 * read from a store are typed but not trusted).
 */
export function makeNotifier(provider: AlertProvider, options: NotifierOptions = {}): Notifier {
  const type = provider.type;
  switch (type) {
    case 'slack':
      return makeSlackNotifier(provider, options);
    case 'msteams':
      return makeTeamsNotifier(provider, options);
    case 'discord':
      return makeDiscordNotifier(provider, options);
    case 'generic':
      return makeGenericNotifier(provider, options);
    default: {
      const unknown: never = type;
      throw new AlertProviderValidationError([unsupportedTypeIssue(unknown)]);
    }
  }
}

/** A {@link NotifierFactory} with fixed HTTP options, for lib/wiring.ts. */
export function makeNotifierFactory(options: NotifierOptions = {}): NotifierFactory {
  return (provider) => makeNotifier(provider, options);
}
