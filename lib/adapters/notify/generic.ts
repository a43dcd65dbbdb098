/**
 * Generic JSON webhook: the domain event itself, field by field, plus the alert text. Field names
 * are a public contract (docs/notifications.md): they are copied explicitly so that a change to
 * DomainEvent never changes the wire format by accident.
 */
import type { CheckResult } from '../../domain/check.js';
import type { DomainEvent } from '../../domain/events.js';
import type { AlertProvider, Notifier } from '../../ports/notifier.js';
import { postJson, type HttpNotifierOptions } from './http.js';
import { alertText } from './text.js';

/** Version of the generic payload; bumped on any incompatible change. */
const GENERIC_PAYLOAD_VERSION = 'v1';

/** One check of the generic payload. */
type GenericCheck = Pick<
  CheckResult,
  'name' | 'kind' | 'verdict' | 'explanation' | 'value' | 'min' | 'max' | 'query'
>;

/** The JSON body posted to a generic webhook. */
interface GenericPayload {
  source: 'flagger-serverless';
  version: typeof GENERIC_PAYLOAD_VERSION;
  type: DomainEvent['type'];
  severity: DomainEvent['severity'];
  reason: DomainEvent['reason'];
  /** Flagger's alert text (what chat providers show). */
  text: string;
  /** The event's own message (what logs and Kubernetes events show). */
  message: string;
  canary: { cluster: string; namespace: string; name: string };
  target: string;
  phase: DomainEvent['phase'];
  canaryWeight: number;
  primaryWeight: number;
  iterations: number;
  failedChecks: number;
  threshold: number;
  at: string;
  checks: GenericCheck[];
  revision?: string;
}

/** Formats one event as generic JSON. Pure. */
function formatGeneric(event: DomainEvent): GenericPayload {
  const payload: GenericPayload = {
    source: 'flagger-serverless',
    version: GENERIC_PAYLOAD_VERSION,
    type: event.type,
    severity: event.severity,
    reason: event.reason,
    text: alertText(event),
    message: event.message,
    canary: { cluster: event.canary.cluster, namespace: event.canary.namespace, name: event.canary.name },
    target: event.target,
    phase: event.phase,
    canaryWeight: event.canaryWeight,
    primaryWeight: event.primaryWeight,
    iterations: event.iterations,
    failedChecks: event.failedChecks,
    threshold: event.threshold,
    at: event.at,
    checks: (event.checks ?? []).map(toCheck),
  };
  if (event.revision !== undefined) payload.revision = event.revision;
  return payload;
}

function toCheck(c: CheckResult): GenericCheck {
  const check: GenericCheck = { name: c.name, kind: c.kind, verdict: c.verdict, explanation: c.explanation };
  if (c.value !== undefined) check.value = c.value;
  if (c.min !== undefined) check.min = c.min;
  if (c.max !== undefined) check.max = c.max;
  if (c.query !== undefined) check.query = c.query;
  return check;
}

/** A notifier posting {@link formatGeneric} payloads to `provider.address`. */
export function makeGenericNotifier(provider: AlertProvider, options: HttpNotifierOptions = {}): Notifier {
  return { post: (message, signal) => postJson(provider, formatGeneric(message.event), signal, options) };
}
