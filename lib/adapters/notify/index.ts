/** Notifications over HTTP: Slack, Microsoft Teams, Discord and generic JSON webhooks. */
export { makeNotifier, makeNotifierFactory } from './factory.js';
export {
  postJson,
  NotificationDeliveryError,
  type DeliveryFailure,
  type HttpNotifierOptions,
} from './http.js';
export {
  formatSlack,
  makeSlackNotifier,
  slackColors,
  type SlackPayload,
  type SlackBlock,
  type SlackColor,
} from './slack.js';
export {
  formatTeams,
  makeTeamsNotifier,
  teamsColors,
  type TeamsPayload,
  type TeamsElement,
  type TeamsColor,
} from './teams.js';
export {
  formatDiscord,
  makeDiscordNotifier,
  discordColors,
  type DiscordPayload,
  type DiscordField,
} from './discord.js';
export {
  formatGeneric,
  makeGenericNotifier,
  GENERIC_PAYLOAD_VERSION,
  type GenericPayload,
  type GenericCheck,
} from './generic.js';
export { describe, alertText, canaryLabel, type Description, type Fact } from './text.js';
