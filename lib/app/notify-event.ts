/**
 * Use case: route one domain event to the chat/webhook providers of its canary
 * (docs/notifications.md). Order of decisions:
 *   1. muted? — gate alerts whose webhook has `muteAlert: true` are not sent (never for errors);
 *   2. which alerts — the canary's `analysis.alerts[]` filtered by severity, or, when the canary has
 *      none, the deployment-wide default (Flagger's `-slack-url`);
 *   3. per provider — look the record up, skip per-step events unless the provider is verbose,
 *      post. Providers are posted concurrently; one failing never stops the others.
 * Failures are returned with the provider's name; their messages never hold a webhook address
 * beyond `scheme://host/…`.
 */
import { gateOfReason } from '../domain/buttons.js';
import type { DomainEvent, DomainEventType, Severity } from '../domain/events.js';
import { webhooks } from '../domain/spec/accessors.js';
import type { AlertSpec, Canary } from '../domain/spec/schema.js';
import {
  scrubAddress,
  type AlertProvider,
  type AlertProviders,
  type DefaultAlerts,
  type NotifierFactory,
} from '../ports/notifier.js';
import type { CanaryStore } from '../ports/store.js';

/** What {@link notifyEvent} needs. */
export interface NotifyEventDeps {
  /** Where `providerRef`s are looked up. */
  providers: AlertProviders;
  /** Builds the notifier of a record (lib/adapters/notify `makeNotifierFactory`). */
  notifierFor: NotifierFactory;
  /** Used only for canaries without `analysis.alerts`; absent ⇒ those canaries are silent. */
  defaults?: DefaultAlerts;
}

/**
 * An event as routing sees it. `muteAlert` is set by the producer of a gate event when the gate's
 * webhook has `muteAlert: true`; without it, the failing webhook checks of the event are looked up
 * in the canary spec.
 */
export type RoutableEvent = DomainEvent & { muteAlert?: boolean };

/** One provider that did not get the message. */
interface NotificationFailure {
  /** `analysis.alerts[].name`, or `default`. */
  alert: string;
  /** `<namespace>/<name>` of the AlertProvider, or `default`. */
  provider: string;
  /** Why, with any webhook address redacted to `scheme://host/…`. */
  error: string;
}

/** What happened to one event. */
export interface NotifyResult {
  /** True when the event was muted by a webhook's `muteAlert` (nothing posted). */
  muted: boolean;
  /** Providers (`<namespace>/<name>` or `default`) that accepted the message. */
  sent: string[];
  failures: NotificationFailure[];
}

/** Events posted only to providers with `verbose: true`. */
const verboseOnlyEvents: readonly DomainEventType[] = ['WeightChanged', 'PhaseChanged'];

/** Events a webhook's `muteAlert` can silence (gate alerts and webhook check failures). */
const mutableEvents: readonly DomainEventType[] = ['WaitingApproval', 'CheckFailed'];

const rank: Readonly<Record<Severity, number>> = { info: 0, warn: 1, error: 2 };

/** Flagger's filter: an alert of severity `info` gets everything, `warn` gets warn + error, `error` only errors. */
export function severityAccepts(alertSeverity: Severity, eventSeverity: Severity): boolean {
  return rank[eventSeverity] >= rank[alertSeverity];
}

/**
 * Whether a webhook's `muteAlert` silences `event` (Flagger alerts on a closed gate only when the
 * hook is not muted). Errors are never muted. The event's own `muteAlert` wins; else the failing
 * webhook checks it carries are looked up in the spec; else, for a gate event, the hooks of that
 * gate (all of them must be muted: the event does not say which one answered "closed").
 */
export function isMuted(event: RoutableEvent, canary: Canary): boolean {
  if (event.severity === 'error' || !mutableEvents.includes(event.type)) return false;
  if (event.muteAlert !== undefined) return event.muteAlert;
  const failing = (event.checks ?? []).filter((c) => c.kind === 'webhook' && c.verdict !== 'pass');
  if (failing.length > 0) {
    const specs = webhooks(canary);
    return failing.every((h) => specs.find((w) => w.name === h.name)?.muteAlert === true);
  }
  const gate = event.type === 'WaitingApproval' ? gateOfReason[event.reason] : undefined;
  if (gate === undefined) return false;
  const hooks = webhooks(canary, gate);
  return hooks.length > 0 && hooks.every((w) => w.muteAlert === true);
}

/** The alerts of `canary` that accept `event` by severity (Flagger's default severity is `info`). */
export function selectAlerts(event: DomainEvent, canary: Canary): AlertSpec[] {
  return alertsOf(canary).filter((a) => severityAccepts(a.severity ?? 'info', event.severity));
}

/** Routes `event` of `canary` to its providers and posts it. Never throws for provider failures. */
export async function notifyEvent(
  deps: NotifyEventDeps,
  event: RoutableEvent,
  canary: Canary,
  signal: AbortSignal,
): Promise<NotifyResult> {
  if (isMuted(event, canary)) return { muted: true, sent: [], failures: [] };
  const targets =
    alertsOf(canary).length > 0
      ? canaryTargets(deps, event, canary, signal)
      : defaultTargets(deps.defaults, event);
  const outcomes = await Promise.all(targets.map((t) => deliver(deps, t, event, signal)));
  const result: NotifyResult = { muted: false, sent: [], failures: [] };
  for (const o of outcomes) {
    if (o.kind === 'sent') result.sent.push(o.provider);
    if (o.kind === 'failed') result.failures.push(o.failure);
  }
  return result;
}

/**
 * Notifies `event` for its canary as stored now. A canary deleted since still gets its last
 * messages, through the default provider (its alerts went with it).
 */
export async function notifyStoredEvent(
  deps: NotifyEventDeps,
  store: Pick<CanaryStore, 'get'>,
  event: RoutableEvent,
  signal: AbortSignal,
): Promise<NotifyResult> {
  const record = await store.get(event.canary, signal);
  const { name, namespace } = event.canary;
  const canary =
    (record?.manifest as Canary | undefined) ?? ({ metadata: { name, namespace }, spec: {} } as Canary);
  return notifyEvent(deps, event, canary, signal);
}

/** One destination before delivery: the provider record is resolved lazily (store lookup). */
interface Target {
  alert: string;
  provider: string;
  resolve: () => Promise<AlertProvider | undefined>;
}

type Outcome =
  { kind: 'sent'; provider: string } | { kind: 'skipped' } | { kind: 'failed'; failure: NotificationFailure };

/** One target per distinct provider: two alerts naming the same provider post once. */
function canaryTargets(
  deps: NotifyEventDeps,
  event: DomainEvent,
  canary: Canary,
  signal: AbortSignal,
): Target[] {
  const byProvider = new Map<string, Target>();
  for (const alert of selectAlerts(event, canary)) {
    const namespace = alert.providerRef.namespace ?? canary.metadata.namespace;
    const key = `${namespace}/${alert.providerRef.name}`;
    if (byProvider.has(key)) continue;
    byProvider.set(key, {
      alert: alert.name,
      provider: key,
      resolve: () => deps.providers.get(namespace, alert.providerRef.name, signal, event.canary.cluster),
    });
  }
  return [...byProvider.values()];
}

function defaultTargets(defaults: DefaultAlerts | undefined, event: DomainEvent): Target[] {
  if (!defaults?.address || !severityAccepts(defaults.severity ?? 'info', event.severity)) return [];
  const provider: AlertProvider = {
    name: 'default',
    namespace: '',
    type: defaults.type ?? 'slack',
    address: defaults.address,
  };
  if (defaults.channel !== undefined) provider.channel = defaults.channel;
  if (defaults.username !== undefined) provider.username = defaults.username;
  if (defaults.verbose !== undefined) provider.verbose = defaults.verbose;
  return [{ alert: 'default', provider: 'default', resolve: () => Promise.resolve(provider) }];
}

async function deliver(
  deps: NotifyEventDeps,
  target: Target,
  event: DomainEvent,
  signal: AbortSignal,
): Promise<Outcome> {
  let record: AlertProvider | undefined;
  try {
    record = await target.resolve();
    if (record === undefined) return failed(target, `AlertProvider ${target.provider} not found`);
    if (verboseOnlyEvents.includes(event.type) && record.verbose !== true) return { kind: 'skipped' };
    await deps.notifierFor(record).post({ event }, signal);
    return { kind: 'sent', provider: target.provider };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return failed(target, record ? scrubAddress(message, record.address) : message);
  }
}

function failed(target: Target, error: string): Outcome {
  return { kind: 'failed', failure: { alert: target.alert, provider: target.provider, error } };
}

/** The canary's `analysis.alerts` (no accessor in lib/domain/spec/accessors.ts yet). */
function alertsOf(canary: Canary): readonly AlertSpec[] {
  return canary.spec.analysis?.alerts ?? [];
}
