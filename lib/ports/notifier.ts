/**
 * Notifications (docs/notifications.md): one port to post a message to one chat/webhook provider, the
 * `AlertProvider` record that configures it, a lookup port for those records, and the
 * deployment-wide default (Flagger's global `-slack-url`).
 *
 * Webhook addresses are secrets: the only printable form is {@link redactAddress}
 * (`scheme://host/…`). Nothing here or in the adapters puts a full address into an error message;
 * {@link scrubAddress} applies the redaction rule (lib/domain/redaction.ts) with an address's secrets.
 */
import type { DomainEvent, Severity } from '../domain/events.js';
import { addressSecrets, redactText } from '../domain/redaction.js';
import { InvalidError } from './errors.js';

/** The provider types we implement (Flagger also has `rocket` and `gchat`; we do not). */
export const alertProviderTypes = ['slack', 'msteams', 'discord', 'generic'] as const;
export type AlertProviderType = (typeof alertProviderTypes)[number];

/** Flagger's `AlertProvider` (`flagger.app/v1beta1`), the subset we support, secrets resolved. */
export interface AlertProvider {
  name: string;
  namespace: string;
  type: AlertProviderType;
  /** Slack channel override (legacy webhooks only; modern ones post to their own channel). */
  channel?: string;
  /** Display name where the provider allows one (Slack, Discord). Default `flagger`. */
  username?: string;
  /** The webhook URL. A secret: never log it, never put it in an error. */
  address: string;
  /**
   * Also post per-step events (`WeightChanged`, `PhaseChanged`). Default false: lifecycle messages
   * only, as Flagger sends to Slack.
   */
  verbose?: boolean;
  /**
   * Slack: buttons on messages about a pending gate or a release in progress (docs/slack.md).
   * Default true; they appear only when the deployment answers clicks. False for a webhook of a
   * workspace or app whose clicks do not come to this deployment. In Flagger's shape, the
   * annotation `flagger-serverless.app/slack-buttons: "false"` (lib/app/views.ts).
   */
  buttons?: boolean;
}

/** What a notifier posts: one domain event; each provider formats it its own way. */
export interface NotificationMessage {
  event: DomainEvent;
}

/** One chat/webhook destination. */
export interface Notifier {
  /**
   * Posts one message.
   * @throws an `Error` whose message names the provider and shows its address only redacted,
   * when the provider does not answer 2xx in time or `signal` aborts.
   */
  post(message: NotificationMessage, signal: AbortSignal): Promise<void>;
}

/** Builds the notifier of one provider record; throws {@link AlertProviderValidationError} for an unknown type. */
export type NotifierFactory = (provider: AlertProvider) => Notifier;

/** Where AlertProvider records live (the store, later the API). */
export interface AlertProviders {
  /**
   * The record, or undefined when there is none with that name. With `cluster` (the canary's), a
   * provider sourced from that cluster comes before an API-registered one.
   */
  get(
    namespace: string,
    name: string,
    signal: AbortSignal,
    cluster?: string,
  ): Promise<AlertProvider | undefined>;
}

/**
 * The deployment-wide default, used for canaries without `analysis.alerts` (Flagger's
 * `-slack-url`, `-slack-user`, `-slack-channel`). The address comes from SSM via lib/config.ts.
 */
export interface DefaultAlerts {
  /** Webhook URL; absent ⇒ canaries without alerts are not notified. */
  address?: string;
  /** Default `slack`. */
  type?: AlertProviderType;
  channel?: string;
  username?: string;
  verbose?: boolean;
  /** Lowest severity posted. Default `info` (everything), as Flagger's global notifier. */
  severity?: Severity;
}

/** An AlertProvider record that cannot be used; the message lists every problem, never the address. */
export class AlertProviderValidationError extends InvalidError {
  override readonly name: string = 'AlertProviderValidationError';
  constructor(
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid AlertProvider: ${issues.join('; ')}`, options);
  }
}

/** The issue text for a type we do not support. */
export function unsupportedTypeIssue(type: unknown): string {
  const shown = typeof type === 'string' ? `"${type}"` : typeof type;
  return `type ${shown} is not supported; supported: ${alertProviderTypes.join(', ')}`;
}

/** True for one of {@link alertProviderTypes}. */
function isAlertProviderType(value: unknown): value is AlertProviderType {
  return typeof value === 'string' && (alertProviderTypes as readonly string[]).includes(value);
}

/**
 * Validates an untrusted record (store item, API body).
 * @throws {AlertProviderValidationError} listing every problem; the address is never echoed.
 */
export function parseAlertProvider(input: unknown): AlertProvider {
  if (typeof input !== 'object' || input === null) throw new AlertProviderValidationError(['not an object']);
  const raw = input as Record<string, unknown>;
  const issues: string[] = [];
  const text = (key: string, required: boolean): string | undefined => {
    const v = raw[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.length === 0) issues.push(`${key} must be a non-empty string`);
    return typeof v === 'string' ? v : undefined;
  };
  const name = text('name', true);
  const namespace = text('namespace', true);
  const channel = text('channel', false);
  const username = text('username', false);
  const address = text('address', true);
  if (!isAlertProviderType(raw.type)) issues.push(unsupportedTypeIssue(raw.type));
  if (address !== undefined && !isHttpUrl(address)) issues.push('address must be an absolute http(s) URL');
  if (raw.verbose !== undefined && typeof raw.verbose !== 'boolean') issues.push('verbose must be a boolean');
  if (raw.buttons !== undefined && typeof raw.buttons !== 'boolean') issues.push('buttons must be a boolean');
  if (issues.length > 0) throw new AlertProviderValidationError(issues);
  const provider: AlertProvider = {
    name: name!,
    namespace: namespace!,
    type: raw.type as AlertProviderType,
    address: address!,
  };
  if (channel !== undefined) provider.channel = channel;
  if (username !== undefined) provider.username = username;
  if (raw.verbose !== undefined) provider.verbose = raw.verbose as boolean;
  if (raw.buttons !== undefined) provider.buttons = raw.buttons as boolean;
  return provider;
}

/**
 * The printable form of a webhook address: `scheme://host/…` (the path of a Slack, Teams or
 * Discord webhook is its secret). Unparsable input gives `<invalid URL>`.
 */
export function redactAddress(address: string): string {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return '<invalid URL>';
  }
}

/**
 * `text` with `address` shown only as {@link redactAddress}, and the redaction rule applied with the
 * address's secrets ({@link addressSecrets}): its path, query and userinfo, wherever they appear.
 */
export function scrubAddress(text: string, address: string): string {
  return redactText(text.split(address).join(redactAddress(address)), addressSecrets(address));
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
