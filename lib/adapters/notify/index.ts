/** Notifications over HTTP: Slack, Microsoft Teams, Discord and generic JSON webhooks. */
export { makeNotifierFactory } from './factory.js';
